/**
 * Two Wialon→Okdesk auth instances (two processes) on one Redis: an auth hash used on one is
 * refused as replayed on the other, and only one of many concurrent uses gets through.
 */
import { createWialonOkdeskAuth, isWialonAuthError } from '@vendorkit/wialon-okdesk-auth';
import { createOkdeskMock, createWialonMock } from '@vendorkit/wialon-okdesk-auth/mocks';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from '../src/index.js';
import { describeWithRedis, freePort, useRedisServer } from './redis-server.js';

const WIALON = 'https://hst-api.wialon.com';
const OKDESK = 'https://acme.okdesk.ru';
const API_TOKEN = 'okdesk-api-token-for-redis-test';
const quiet = { warn: () => undefined, info: () => undefined };

describeWithRedis('createWialonOkdeskAuth on Redis stores (cross-process replay protection)', () => {
  const redis = useRedisServer();
  const wialon = createWialonMock({ baseUrl: WIALON, users: ['Carol', 'Dave'] });
  const okdesk = createOkdeskMock({
    baseUrl: OKDESK,
    apiToken: API_TOKEN,
    contacts: [
      { login: 'Carol', first_name: 'Carol' },
      { login: 'Dave', first_name: 'Dave' },
    ],
  });
  const server = setupServer(...wialon.handlers, ...okdesk.handlers);
  const stores: RedisStore[] = [];
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(async () => {
    server.close();
    await Promise.all(stores.map((store) => store.close()));
  });

  const instance = (url = redis().url) => {
    const store = createRedisStore({ url, connectTimeoutMs: 300, commandTimeoutMs: 300 });
    stores.push(store);
    return createWialonOkdeskAuth({
      trustedWialonBaseUrls: [WIALON],
      okdesk: { baseUrl: OKDESK, apiToken: API_TOKEN },
      replayStore: store,
      logger: quiet,
    });
  };

  it('a hash accepted by one instance is refused as replayed by another', async () => {
    const [first, second] = [instance(), instance()];
    const authHash = wialon.mintAuthHash('Carol');
    const result = await first.verify({ user: 'Carol', baseUrl: WIALON, authHash });
    expect(result.contact.login).toBe('Carol');
    const useAuthHashCalls = wialon.stats.useAuthHash;
    const error = await second.verify({ user: 'Carol', baseUrl: WIALON, authHash }).catch((e: unknown) => e);
    expect(isWialonAuthError(error, 'replayed')).toBe(true);
    expect(wialon.stats.useAuthHash).toBe(useAuthHashCalls); // refused before asking Wialon
  });

  it('of 20 concurrent uses of one hash across two instances exactly one succeeds', async () => {
    const instances = [instance(), instance()];
    const authHash = wialon.mintAuthHash('Dave');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => instances[i % 2]!.verify({ user: 'Dave', baseUrl: WIALON, authHash })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const replayed = results.filter((r) => r.status === 'rejected' && isWialonAuthError(r.reason, 'replayed'));
    expect(replayed).toHaveLength(19);
  });

  it('with Redis unreachable a login is refused as upstream_unavailable, quickly, without asking Wialon', async () => {
    const auth = instance(`redis://127.0.0.1:${await freePort()}`);
    const calls = wialon.stats.useAuthHash;
    const authHash = wialon.mintAuthHash('Carol');
    const error = await auth.verify({ user: 'Carol', baseUrl: WIALON, authHash }).catch((e: unknown) => e);
    expect(isWialonAuthError(error, 'upstream_unavailable')).toBe(true);
    expect(wialon.stats.useAuthHash).toBe(calls);
  });
});
