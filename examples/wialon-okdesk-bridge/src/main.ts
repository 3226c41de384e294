import { startSandbox } from 'vendorkit/sandbox';
import { startWialonBridge } from './bridge.js';

// Real Okdesk + Wialon when WIALON_TRUSTED_BASE_URLS, OKDESK_URL and OKDESK_API_TOKEN are set,
// otherwise the sandbox's. The Okdesk API token only ever comes from the environment.
const { WIALON_TRUSTED_BASE_URLS, OKDESK_URL, OKDESK_API_TOKEN } = process.env;
let stopSandbox: (() => Promise<void>) | undefined;
let config: Parameters<typeof startWialonBridge>[0];

if (WIALON_TRUSTED_BASE_URLS && OKDESK_URL && OKDESK_API_TOKEN) {
  config = {
    trustedWialonBaseUrls: WIALON_TRUSTED_BASE_URLS.split(',').map((s) => s.trim()),
    okdesk: { baseUrl: OKDESK_URL, apiToken: OKDESK_API_TOKEN },
  };
} else {
  const sandbox = await startSandbox();
  stopSandbox = sandbox.close;
  config = {
    trustedWialonBaseUrls: [sandbox.urls.wialon],
    okdesk: { baseUrl: sandbox.urls.okdesk, apiToken: sandbox.credentials.okdesk.apiToken },
  };
  const user = sandbox.credentials.wialon.user;
  console.log(`Using the sandbox Wialon (${sandbox.urls.wialon}) and Okdesk (${sandbox.urls.okdesk}).`);
  console.log(`Sandbox user ${user}; a fresh test link is printed below (hashes live 2 minutes, single use).`);
  const hash = sandbox.mocks.wialon.mintAuthHash(user);
  const port = Number(process.env.PORT ?? 3002);
  const search = new URLSearchParams({ authHash: hash, user, baseUrl: sandbox.urls.wialon });
  console.log(`  http://127.0.0.1:${port}/wialonauth?${search}`);
}

const bridge = await startWialonBridge(config, { port: Number(process.env.PORT ?? 3002) });
console.log(`Register this URL as the Wialon application URL: ${bridge.wialonAuthUrl}. Ctrl+C stops.`);
const stop = async () => {
  await bridge.close();
  await stopSandbox?.();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
