import { McParkenSession } from '@vendorkit/mcparken-session';
import { OfficeRnDClient } from '@vendorkit/officernd-client';
import { createAutologinUrl } from '@vendorkit/printlounge-sso';
import { createWialonOkdeskAuth } from '@vendorkit/wialon-okdesk-auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/sandbox.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

/** Every request below goes through a real socket: record what the server saw to prove it. */
describe('startSandbox serves every vendor over real HTTP', () => {
  it('binds to loopback on a free port and lists the vendor URLs at /', async () => {
    expect(sandbox.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const index = await fetch(`${sandbox.origin}/`);
    expect(index.status).toBe(200);
    expect(((await index.json()) as { urls: unknown }).urls).toEqual(sandbox.urls);
    const unknown = await fetch(`${sandbox.origin}/nothing/here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'no_sandbox_route', path: '/nothing/here' });
  });

  it('Print-Lounge: a signed link logs the user into the shop page (cookie session)', async () => {
    const link = createAutologinUrl({
      baseUrl: sandbox.urls.printlounge,
      passphrase: sandbox.credentials.printlounge.passphrase,
      fields: { customer_user_name: 'sandbox.user@example.com' },
    });
    const autologin = await fetch(link, { redirect: 'manual' });
    expect(autologin.status).toBe(302);
    const cookie = autologin.headers.get('set-cookie')!.split(';')[0]!;
    const page = await fetch(new URL(autologin.headers.get('location')!, link), { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Logged in as <span id="user">sandbox.user@example.com</span>');
    const wrong = createAutologinUrl({
      baseUrl: sandbox.urls.printlounge,
      passphrase: 'x'.repeat(32),
      fields: { customer_user_name: 'mallory' },
    });
    expect((await fetch(wrong, { redirect: 'manual' })).status).toBeGreaterThanOrEqual(400);
  });

  it('McParken: a session logs in and calls the protected endpoint', async () => {
    const session = new McParkenSession({ ...sandbox.credentials.mcparken, baseUrl: sandbox.urls.mcparken });
    const before = sandbox.mocks.mcparken.stats.sessionRequests;
    const zones = await session.http.get('parking/zones').json<unknown[]>();
    expect(zones.length).toBeGreaterThan(0);
    expect(sandbox.mocks.mcparken.stats.sessionRequests).toBe(before + 1);
  });

  it('OfficeRnD: the client gets a token from /identity and pages through every member', async () => {
    const client = new OfficeRnDClient({
      ...sandbox.credentials.officernd,
      baseUrl: sandbox.urls.officernd,
      identityUrl: sandbox.urls.officerndIdentity,
    });
    const ids: string[] = [];
    for await (const member of client.members.list({ $limit: 5 })) ids.push(member._id);
    expect(ids.sort()).toEqual(
      sandbox.mocks.officernd.db.members
        .all()
        .map((m) => m._id)
        .sort(),
    );
    expect(client.stats.tokenRequests).toBe(1);
  });

  it('Wialon + Okdesk: a minted auth hash verifies into the matching contact', async () => {
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [sandbox.urls.wialon],
      okdesk: { baseUrl: sandbox.urls.okdesk, apiToken: sandbox.credentials.okdesk.apiToken },
      logger: { warn() {}, info() {} },
    });
    const user = sandbox.credentials.wialon.user;
    const result = await auth.verify({
      user,
      baseUrl: sandbox.urls.wialon,
      authHash: sandbox.mocks.wialon.mintAuthHash(user),
    });
    expect(result.wialonUser.name).toBe(user);
    expect(result.contact.login).toBe(user);
    expect(sandbox.mocks.wialon.closedSessions.length).toBeGreaterThan(0);
  });

  it('two sandboxes run side by side with separate state; a taken port is an error', async () => {
    const other = await startSandbox({ officerndMembers: 3 });
    try {
      expect(other.origin).not.toBe(sandbox.origin);
      expect(other.mocks.officernd.db.members.size).toBe(3);
      const port = Number(new URL(other.origin).port);
      await expect(startSandbox({ port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await other.close();
    }
    await expect(fetch(`${other.origin}/`)).rejects.toThrow();
  });

  it('rejects bad options with a clear message', async () => {
    await expect(startSandbox({ port: -1 })).rejects.toThrow(/port must be an integer from 0 to 65535/);
    await expect(startSandbox({ officerndMembers: 1.5 })).rejects.toThrow(/officerndMembers/);
  });
});
