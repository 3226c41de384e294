/**
 * Scopes (issue 16.2). Evidence, VENDORS.md §1 "Found since the first release":
 * [C] `PUT /members/{id}/portal-access` needs `flex.community.members.portalAccess.update` (the
 * call's API reference page); [C] a token request fails as a whole when it asks for any scope the
 * app was not granted (an app with Read permissions gets no token with Create scopes).
 */
import { DEFAULT_SCOPES, isOfficeRnDError, type OfficeRnDClient } from '@vendorkit/officernd-client';
import { generateMockData } from '@vendorkit/officernd-client/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, rejection, SECRET, setupMock } from './helpers.js';

let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
});
function setup(options: Parameters<typeof setupMock>[0] = {}) {
  const ctx = setupMock(options);
  close = ctx.close;
  return ctx;
}

/** What an OfficeRnD app created with read permissions on the data the client reads is granted. */
const READ_ONLY_APP = [
  'flex.community.members.read',
  'flex.community.companies.read',
  'flex.community.memberships.read',
  'flex.billing.plans.read',
];

/** Each call that needs more than the default scopes, and the scope it needs. */
const calls: Array<[string, string, (client: OfficeRnDClient) => Promise<unknown>]> = [
  [
    'members.create',
    'flex.community.members.create',
    (c) => c.members.create({ name: 'A', location: 'l1', startDate: '2024-01-01' }),
  ],
  ['members.update', 'flex.community.members.update', (c) => c.members.update('m1', { name: 'B' })],
  ['members.delete', 'flex.community.members.delete', (c) => c.members.delete('m1')],
  [
    'members.setPortalAccess',
    'flex.community.members.portalAccess.update',
    (c) => c.members.setPortalAccess('m1', { isPortalAccessEnabled: true }),
  ],
  [
    'webhooks.create',
    'flex.settings.webhooks.create',
    (c) => c.webhooks.create({ url: 'https://example.com/hook', eventTypes: ['member.created'] }),
  ],
  ['webhooks.delete', 'flex.settings.webhooks.delete', (c) => c.webhooks.delete('w1')],
  ['webhooks.page', 'flex.settings.webhooks.read', (c) => c.webhooks.page()],
  ['webhooks.get', 'flex.settings.webhooks.read', (c) => c.webhooks.get('w1')],
  ['auth.signIn', 'flex.user.auth.signin', (c) => c.auth.signIn({ email: 'a@b.c', password: 'pw-123456' })],
];

describe('default scopes', () => {
  it('are the read scopes of members, companies, memberships and plans', () => {
    expect([...DEFAULT_SCOPES].sort()).toEqual([...READ_ONLY_APP].sort());
  });

  it('get a token from an app granted read permissions only, and every read works', async () => {
    const { clientFor, mock } = setup({
      clients: [{ clientId: 'app-1', clientSecret: SECRET, scopes: READ_ONLY_APP }],
      seed: generateMockData(60, { seed: 5 }),
    });
    const client = clientFor();
    expect(await collect(client.members.list())).toHaveLength(60);
    expect((await client.memberships.page()).results.length).toBeGreaterThan(0);
    expect((await client.plans.page()).results.length).toBeGreaterThan(0);
    expect((await client.companies.page()).results.length).toBeGreaterThan(0);
    expect(mock.stats.tokenRequests).toBe(1);
  });
});

describe('a call needing a scope the client does not request', () => {
  it.each(calls)('%s fails with missing_scope naming %s, before any request', async (name, scope, call) => {
    const { clientFor, mock } = setup();
    const error = await rejection(call(clientFor()));
    expect(isOfficeRnDError(error, 'missing_scope')).toBe(true);
    expect(error).toMatchObject({ scope });
    const message = (error as Error).message;
    expect(message).toContain(name);
    expect(message).toContain(`'${scope}'`);
    // How to add it: the client option and the app's permissions.
    expect(message).toMatch(/scopes: \[/);
    expect(message).toMatch(/grant it to the OAuth app/);
    expect(message).not.toContain(SECRET);
    expect(mock.stats.tokenRequests).toBe(0);
    expect(mock.stats.requests).toBe(0);
  });

  it('members.update does not make setPortalAccess possible (it has its own scope)', async () => {
    const { clientFor, mock } = setup();
    const client = clientFor({ scopes: [...DEFAULT_SCOPES, 'flex.community.members.update'] });
    const error = await rejection(client.members.setPortalAccess('m1', { isPortalAccessEnabled: true }));
    expect(error).toMatchObject({ code: 'missing_scope', scope: 'flex.community.members.portalAccess.update' });
    expect(mock.stats.requests).toBe(0);
  });

  it('a read outside the configured scopes fails the same way', async () => {
    const { clientFor, mock } = setup();
    const client = clientFor({ scopes: ['flex.community.members.read'] });
    const error = await rejection(client.plans.page());
    expect(error).toMatchObject({ code: 'missing_scope', scope: 'flex.billing.plans.read' });
    expect(() => client.memberships.list()).toThrow(/flex\.community\.memberships\.read/);
    expect(mock.stats.requests).toBe(0);
  });
});

describe('with the scopes added', () => {
  it('every write works, setPortalAccess with flex.community.members.portalAccess.update', async () => {
    const { clientFor, mock } = setup({ seed: { users: [{ email: 'a@b.c', password: 'pw-123456' }] } });
    const client = clientFor({ scopes: [...DEFAULT_SCOPES, ...calls.map(([, scope]) => scope)] });
    const member = await client.members.create({ name: 'A', location: 'l1', startDate: '2024-01-01' });
    await client.members.update(member._id, { name: 'B' });
    await client.members.setPortalAccess(member._id, { isPortalAccessEnabled: true });
    expect(mock.db.portalAccess.get(member._id)).toMatchObject({ isPortalAccessEnabled: true });
    await client.members.delete(member._id);
    const hook = await client.webhooks.create({ url: 'https://example.com/hook', eventTypes: ['member.created'] });
    await client.webhooks.get(hook._id);
    await client.webhooks.delete(hook._id);
    await client.auth.signIn({ email: 'a@b.c', password: 'pw-123456' });
    expect(mock.stats.tokenRequests).toBe(1);
  });
});

describe('the mock identity server grants a configured set of scopes, as OfficeRnD does', () => {
  const tokenRequest = (scope: string) =>
    fetch('https://identity.officernd.com/oauth/token', {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'app-1',
        client_secret: SECRET,
        scope,
      }),
    });

  it('refuses a token request with any scope outside the grant, even one of many', async () => {
    setup({ clients: [{ clientId: 'app-1', clientSecret: SECRET, scopes: READ_ONLY_APP }] });
    expect((await tokenRequest(READ_ONLY_APP.join(' '))).status).toBe(200);
    const refused = await tokenRequest(`${READ_ONLY_APP.join(' ')} flex.community.members.create`);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('an app configured without scopes is granted the documented scopes only, not any string', async () => {
    setup();
    expect((await tokenRequest('flex.community.members.portalAccess.update flex.user.auth.signin')).status).toBe(200);
    expect((await tokenRequest('flex.community.members.read flex.everything.admin')).status).toBe(400);
  });

  it('the client reports the refused scope request as token_request_failed, with the hint on scopes', async () => {
    const { clientFor, mock } = setup({
      clients: [{ clientId: 'app-1', clientSecret: SECRET, scopes: READ_ONLY_APP }],
    });
    const error = await rejection(
      clientFor({ scopes: [...READ_ONLY_APP, 'flex.community.members.delete'] }).members.page(),
    );
    expect(error).toMatchObject({ code: 'token_request_failed', status: 400, vendorError: 'invalid_scope' });
    expect((error as Error).message).toMatch(/granted the requested scopes/);
    expect(mock.stats.requests).toBe(0);
  });

  it('the portal-access endpoint wants flex.community.members.portalAccess.update, not members.update', async () => {
    const { mock } = setup({ seed: { members: [{ _id: 'm1', name: 'A' }] } });
    const tokenFor = async (scope: string) =>
      ((await (await tokenRequest(scope)).json()) as { access_token: string }).access_token;
    const put = (token: string) =>
      fetch('https://app.officernd.com/api/v2/organizations/acme/members/m1/portal-access', {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ isPortalAccessEnabled: true, shouldSendInvitation: false }),
      });
    expect((await put(await tokenFor('flex.community.members.update'))).status).toBe(403);
    expect((await put(await tokenFor('flex.community.members.portalAccess.update'))).status).toBe(204);
    expect(mock.db.portalAccess.get('m1')).toMatchObject({ isPortalAccessEnabled: true });
  });
});
