/** The four example scenarios (what `pnpm run demo` runs), end to end against one sandbox. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMcParkenScenario } from '../../../examples/mcparken-client/src/scenario.js';
import { runOfficeRnDScenario } from '../../../examples/officernd-webhooks/src/scenario.js';
import { startPrintLoungeWebApp } from '../../../examples/printlounge-web/src/app.js';
import { DEMO_USER, runPrintLoungeScenario } from '../../../examples/printlounge-web/src/scenario.js';
import { runWialonBridgeScenario } from '../../../examples/wialon-okdesk-bridge/src/scenario.js';
import { type Sandbox, startSandbox } from '../src/sandbox.js';

let sandbox: Sandbox;
const lines: string[] = [];
const log = (line: string) => lines.push(line);

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
  // What the examples print never contains a secret.
  const printed = lines.join('\n');
  for (const secret of [
    sandbox.credentials.printlounge.passphrase,
    sandbox.credentials.mcparken.password,
    sandbox.credentials.mcparken.apiKey,
    sandbox.credentials.officernd.clientSecret,
    sandbox.credentials.okdesk.apiToken,
  ]) {
    expect(printed).not.toContain(secret);
  }
});

describe('example scenarios', () => {
  it('printlounge-web: the link lands logged in at the shop', async () => {
    const { landingPage } = await runPrintLoungeScenario(
      { shopBaseUrl: sandbox.urls.printlounge, passphrase: sandbox.credentials.printlounge.passphrase },
      log,
    );
    expect(landingPage).toContain('Logged in as <span id="user">max@example.com</span>');
  });

  it('printlounge-web: a misconfigured passphrase gives an error page with the code, not the secret', async () => {
    const badPassphrase = 'Hier steht die geheime Passphrase'; // 33 bytes
    const app = await startPrintLoungeWebApp(
      { shopBaseUrl: sandbox.urls.printlounge, passphrase: badPassphrase },
      DEMO_USER,
    );
    try {
      const response = await fetch(new URL('/print-shop', app.url), { redirect: 'manual' });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).toBe('Could not open the print shop (invalid_key_size).');
    } finally {
      await app.close();
    }
  });

  it('officernd-webhooks: full sync plus webhooks converge with OfficeRnD', async () => {
    const result = await runOfficeRnDScenario(
      {
        ...sandbox.credentials.officernd,
        baseUrl: sandbox.urls.officernd,
        identityUrl: sandbox.urls.officerndIdentity,
      },
      sandbox.mocks.officernd,
      log,
    );
    const active = sandbox.mocks.officernd.db.members.all().filter((m) => m.status === 'active').length;
    expect(result.usersAtEnd).toBe(active);
    expect(result.usersAfterSync).toBe(active);
  });

  it('wialon-okdesk-bridge: genuine click redirects, replay and forged host are refused', async () => {
    const before = sandbox.mocks.okdesk.loginLinks.length;
    const result = await runWialonBridgeScenario(
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
    );
    expect(result).toEqual({ genuine: 302, replay: 403, forged: 403 });
    expect(sandbox.mocks.okdesk.loginLinks.length).toBe(before + 1);
    // The redirect target is the sandbox's stand-in for the Okdesk portal, signed in as the contact.
    const portal = await fetch(sandbox.mocks.okdesk.loginLinks.at(-1)!.url);
    expect(await portal.text()).toContain(`Signed in as <span id="contact">${sandbox.credentials.wialon.user}</span>`);
  });

  it('mcparken-client: calls survive a server-side token expiry with exactly one renewal', async () => {
    const sessionsBefore = sandbox.mocks.mcparken.stats.tokensIssued;
    const result = await runMcParkenScenario(
      { ...sandbox.credentials.mcparken, baseUrl: sandbox.urls.mcparken },
      () => sandbox.mocks.mcparken.revokeAll(),
      log,
    );
    expect(result.secondToken).not.toBe(result.firstToken);
    expect(sandbox.mocks.mcparken.stats.tokensIssued - sessionsBefore).toBe(2);
    expect(sandbox.mocks.mcparken.stats.expiredTokenAnswers).toBeGreaterThanOrEqual(1);
  });
});
