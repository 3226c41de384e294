/**
 * Issue 15 item 1: one store shared by several tenants (or by one tenant before and after a
 * password change). A token may only be found with every piece of the credentials that made it:
 * a wrong password, another apikey or another API root gets no token from the store, and its own
 * login goes to McParken (and is refused there, VENDORS.md §4 [C]).
 */
import { createMemoryStore, type Store } from '@vendorkit/core';
import { createMcParkenMock } from '@vendorkit/mcparken-session/mocks';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isMcParkenError, McParkenSession } from '../src/index.js';
import { caught } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const TENANT_A = { apiKey: 'tenant-a-apikey', username: 'shared@example.com', password: 'tenant-a-password' };

function setup() {
  const mock = createMcParkenMock({
    apiKeys: [TENANT_A.apiKey, 'tenant-b-apikey'],
    users: [{ username: TENANT_A.username, password: TENANT_A.password, userId: '1' }],
  });
  server.use(...mock.handlers);
  const store = createMemoryStore();
  return { mock, store };
}

describe('a token is found only with the credentials that made it', () => {
  const others: Array<[string, Partial<typeof TENANT_A>, string]> = [
    ['a wrong password', { password: 'a-wrong-password' }, '401.2'],
    ['another apikey', { apiKey: 'tenant-b-apikey', password: 'a-wrong-password' }, '401.2'],
    ['a rejected apikey', { apiKey: 'rotated-out-apikey' }, '401.1'],
  ];
  for (const [name, override, code] of others) {
    it(`same username, ${name}: no token of tenant A, a login of its own (refused)`, async () => {
      const { mock, store } = setup();
      const a = new McParkenSession({ ...TENANT_A, store });
      const tokenOfA = await a.getAccessToken();
      const b = new McParkenSession({ ...TENANT_A, ...override, store });
      const error = await caught(b.getAccessToken());
      expect(isMcParkenError(error, code), String(error)).toBe(true);
      const viaHttp = await caught(b.http.get('parking/zones'));
      expect(isMcParkenError(viaHttp, code)).toBe(true);
      expect(mock.stats.sessionRequests).toBe(2);
      expect(mock.stats.protectedRequests).toBe(0);
      // A is unaffected and still has its token.
      expect(await a.getAccessToken()).toBe(tokenOfA);
    });
  }

  it('another API root (a second McParken installation) does not share the token', async () => {
    const { store } = setup();
    const other = createMcParkenMock({
      baseUrl: 'https://staging.mcparken.se/api',
      apiKeys: [TENANT_A.apiKey],
      users: [{ username: TENANT_A.username, password: TENANT_A.password }],
    });
    server.use(...other.handlers);
    const a = new McParkenSession({ ...TENANT_A, store });
    const staging = new McParkenSession({ ...TENANT_A, store, baseUrl: 'https://staging.mcparken.se/api' });
    expect(await staging.getAccessToken()).not.toBe(await a.getAccessToken());
    expect(other.stats.sessionRequests).toBe(1);
  });

  it('the same credentials in another process share the token (one login)', async () => {
    const { mock, store } = setup();
    const tokens = await Promise.all([
      new McParkenSession({ ...TENANT_A, store }).getAccessToken(),
      new McParkenSession({ ...TENANT_A, store }).getAccessToken(),
    ]);
    expect(tokens[0]).toBe(tokens[1]);
    expect(mock.stats.sessionRequests).toBe(1);
  });

  it('the store holds neither credentials nor the token in the clear, and its keys reveal nothing', async () => {
    const { store } = setup();
    const written = recording(store);
    const token = await new McParkenSession({ ...TENANT_A, store }).getAccessToken();
    const text = JSON.stringify(written);
    for (const secret of [TENANT_A.apiKey, TENANT_A.password, TENANT_A.username, token]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(encodeURIComponent(secret));
    }
  });
});

/** Every key and value written to `store`. */
function recording(store: Store): Array<[string, string]> {
  const written: Array<[string, string]> = [];
  const set = store.set.bind(store);
  const setIfAbsent = store.setIfAbsent.bind(store);
  store.set = (key, value, options) => {
    written.push([key, value]);
    return set(key, value, options);
  };
  store.setIfAbsent = (key, value, options) => {
    written.push([key, value]);
    return setIfAbsent(key, value, options);
  };
  return written;
}
