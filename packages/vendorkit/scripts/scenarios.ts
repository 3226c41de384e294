/**
 * The example scenarios wired to one running sandbox: what `pnpm run demo` runs and what
 * test/examples.test.ts checks, so the test covers exactly the demo's wiring.
 */
import { runMcParkenScenario } from '../../../examples/mcparken-client/src/scenario.js';
import { runOfficeRnDScenario } from '../../../examples/officernd-webhooks/src/scenario.js';
import { runPrintLoungeScenario } from '../../../examples/printlounge-web/src/scenario.js';
import { runWialonBridgeScenario } from '../../../examples/wialon-okdesk-bridge/src/scenario.js';
import type { Sandbox } from '../src/sandbox.js';

type Log = (line: string) => void;

export function sandboxScenarios(sandbox: Sandbox) {
  return {
    printlounge: {
      title: 'Print-Lounge: intranet link → signed autologin → logged into the shop',
      run: (log: Log) =>
        runPrintLoungeScenario(
          { shopBaseUrl: sandbox.urls.printlounge, passphrase: sandbox.credentials.printlounge.passphrase },
          log,
        ),
    },
    printloungeV2: {
      title: 'Print-Lounge SSO v2: intranet link → sso.php?h= (AES-256-CBC, request_time) → logged into the shop',
      run: (log: Log) =>
        runPrintLoungeScenario(
          { shopBaseUrl: sandbox.urls.printlounge, passphrase: sandbox.credentials.printlounge.passphrase, version: 2 },
          log,
        ),
    },
    officernd: {
      title: 'OfficeRnD: full sync, then signed webhooks keep the access system in step',
      run: (log: Log) =>
        runOfficeRnDScenario(
          {
            ...sandbox.credentials.officernd,
            baseUrl: sandbox.urls.officernd,
            identityUrl: sandbox.urls.officerndIdentity,
          },
          sandbox.mocks.officernd,
          log,
        ),
    },
    wialon: {
      title: 'Wialon → Okdesk: /wialonauth bridge accepts a genuine click, refuses replays and forged hosts',
      run: (log: Log) =>
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
    },
    mcparken: {
      title: 'McParken: protected calls keep working through token expiry',
      run: (log: Log) =>
        runMcParkenScenario(
          { ...sandbox.credentials.mcparken, baseUrl: sandbox.urls.mcparken },
          () => sandbox.mocks.mcparken.revokeAll(),
          log,
        ),
    },
  };
}
