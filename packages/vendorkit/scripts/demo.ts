/**
 * `pnpm --filter vendorkit run demo`: starts the sandbox and runs the four example scenarios
 * end to end against it, printing what happened. Exits 0 when all pass, 1 otherwise.
 */
import { runMcParkenScenario } from '../../../examples/mcparken-client/src/scenario.js';
import { runOfficeRnDScenario } from '../../../examples/officernd-webhooks/src/scenario.js';
import { runPrintLoungeScenario } from '../../../examples/printlounge-web/src/scenario.js';
import { runWialonBridgeScenario } from '../../../examples/wialon-okdesk-bridge/src/scenario.js';
import { startSandbox } from '../src/sandbox.js';

const sandbox = await startSandbox();
console.log(`vendorkit demo: sandbox running on ${sandbox.origin}\n`);

const scenarios: Array<[string, (log: (line: string) => void) => Promise<unknown>]> = [
  [
    'Print-Lounge: intranet link → signed autologin → logged into the shop',
    async (log) => {
      const { landingPage } = await runPrintLoungeScenario(
        { shopBaseUrl: sandbox.urls.printlounge, passphrase: sandbox.credentials.printlounge.passphrase },
        log,
      );
      if (!landingPage.includes('Logged in as')) throw new Error('The shop page does not show a logged-in user.');
    },
  ],
  [
    'OfficeRnD: full sync, then signed webhooks keep the access system in step',
    (log) =>
      runOfficeRnDScenario(
        {
          ...sandbox.credentials.officernd,
          baseUrl: sandbox.urls.officernd,
          identityUrl: sandbox.urls.officerndIdentity,
        },
        sandbox.mocks.officernd,
        log,
      ),
  ],
  [
    'Wialon → Okdesk: /wialonauth bridge accepts a genuine click, refuses replays and forged hosts',
    (log) =>
      runWialonBridgeScenario(
        {
          trustedWialonBaseUrls: [sandbox.urls.wialon],
          okdesk: { baseUrl: sandbox.urls.okdesk, apiToken: sandbox.credentials.okdesk.apiToken },
        },
        {
          baseUrl: sandbox.urls.wialon,
          mintAuthHash: (user) => sandbox.mocks.wialon.mintAuthHash(user),
          requestCount: () => sandbox.mocks.wialon.stats.requests,
        },
        sandbox.credentials.wialon.user,
        log,
      ),
  ],
  [
    'McParken: protected calls keep working through token expiry',
    (log) =>
      runMcParkenScenario(
        { ...sandbox.credentials.mcparken, baseUrl: sandbox.urls.mcparken },
        () => sandbox.mocks.mcparken.revokeAll(),
        log,
      ),
  ],
];

let failures = 0;
for (const [title, run] of scenarios) {
  console.log(`▶ ${title}`);
  try {
    await run((line) => console.log(`  ${line}`));
    console.log('  ✔ passed\n');
  } catch (error) {
    failures += 1;
    const code = (error as { code?: string }).code;
    console.log(`  ✘ failed${code ? ` [${code}]` : ''}: ${(error as Error).message}\n`);
  }
}
await sandbox.close();
console.log(
  failures === 0
    ? `All ${scenarios.length} scenarios passed.`
    : `${failures} of ${scenarios.length} scenario(s) failed.`,
);
process.exitCode = failures === 0 ? 0 : 1;
