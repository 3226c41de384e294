/** The four example scenarios (what `pnpm run demo` runs), end to end against one sandbox. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrintLoungeWebApp } from '../../../examples/printlounge-web/src/app.js';
import { DEMO_USER } from '../../../examples/printlounge-web/src/scenario.js';
import { sandboxScenarios } from '../scripts/scenarios.js';
import { type Sandbox, startSandbox } from '../src/sandbox.js';

let sandbox: Sandbox;
let scenarios: ReturnType<typeof sandboxScenarios>;
const lines: string[] = [];
const log = (line: string) => lines.push(line);

beforeAll(async () => {
  sandbox = await startSandbox();
  scenarios = sandboxScenarios(sandbox);
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
    const { landingPage } = await scenarios.printlounge.run(log);
    expect(landingPage).toContain('Logged in as <span id="user">max@example.com</span>');
  });

  it('printlounge-web with an SSO v2 shop: the sso.php?h= link lands logged in at the shop', async () => {
    const { landingUrl, landingPage } = await scenarios.printloungeV2.run(log);
    expect(landingUrl).toBe(`${sandbox.urls.printlounge}/index.php`);
    expect(landingPage).toContain('Logged in as <span id="user">max@example.com</span> (Max Mustermann)');
    expect(sandbox.mocks.printlounge.logins.at(-1)?.via).toBe('sso');
    expect(lines.some((line) => /\/sso\.php\?h=\S{12}…$/.test(line))).toBe(true);
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
    const result = await scenarios.officernd.run(log);
    const active = sandbox.mocks.officernd.db.members.all().filter((m) => m.status === 'active').length;
    expect(result.usersAtEnd).toBe(active);
    expect(result.usersAfterSync).toBe(active);
  });

  it('wialon-okdesk-bridge: genuine click redirects, replay and forged host are refused', async () => {
    const before = sandbox.mocks.okdesk.loginLinks.length;
    const result = await scenarios.wialon.run(log);
    expect(result).toEqual({ genuine: 302, replay: 403, forged: 403 });
    expect(sandbox.mocks.okdesk.loginLinks.length).toBe(before + 1);
    // The redirect target is the sandbox's stand-in for the Okdesk portal, signed in as the contact.
    const portal = await fetch(sandbox.mocks.okdesk.loginLinks.at(-1)!.url);
    expect(await portal.text()).toContain(`Signed in as <span id="contact">${sandbox.credentials.wialon.user}</span>`);
  });

  it('mcparken-client: calls survive a server-side token expiry with exactly one renewal', async () => {
    const sessionsBefore = sandbox.mocks.mcparken.stats.tokensIssued;
    const result = await scenarios.mcparken.run(log);
    expect(result.secondToken).not.toBe(result.firstToken);
    expect(sandbox.mocks.mcparken.stats.tokensIssued - sessionsBefore).toBe(2);
    expect(sandbox.mocks.mcparken.stats.expiredTokenAnswers).toBeGreaterThanOrEqual(1);
  });
});
