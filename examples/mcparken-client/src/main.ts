import { startSandbox } from 'vendorkit/sandbox';
import { runMcParkenScenario } from './scenario.js';

// The real McParken API when MCPARKEN_APIKEY, MCPARKEN_USERNAME and MCPARKEN_PASSWORD are set,
// otherwise the local sandbox. Credentials only ever come from the environment.
const { MCPARKEN_APIKEY, MCPARKEN_USERNAME, MCPARKEN_PASSWORD, MCPARKEN_BASE_URL } = process.env;

if (MCPARKEN_APIKEY && MCPARKEN_USERNAME && MCPARKEN_PASSWORD) {
  console.log('Using the real McParken API; waiting for the token to expire on its own (about a minute).');
  await runMcParkenScenario(
    {
      apiKey: MCPARKEN_APIKEY,
      username: MCPARKEN_USERNAME,
      password: MCPARKEN_PASSWORD,
      ...(MCPARKEN_BASE_URL ? { baseUrl: MCPARKEN_BASE_URL } : {}),
    },
    // McParken tokens live about 60 s: wait past the expiry instead of revoking.
    () => new Promise((resolve) => setTimeout(resolve, 65_000)),
  );
} else {
  const sandbox = await startSandbox();
  try {
    console.log(`Using the sandbox McParken API at ${sandbox.urls.mcparken} (set MCPARKEN_* for the real one)`);
    await runMcParkenScenario({ ...sandbox.credentials.mcparken, baseUrl: sandbox.urls.mcparken }, () =>
      sandbox.mocks.mcparken.revokeAll(),
    );
  } finally {
    await sandbox.close();
  }
}
