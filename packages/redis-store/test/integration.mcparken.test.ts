/**
 * Two McParken sessions, each on its own Redis store (two processes), share one session
 * token: McParken tokens live about a minute, so without sharing every process would log
 * in again every minute.
 */
import { McParkenSession } from '@vendorkit/mcparken-session';
import { createMcParkenMock, MCPARKEN_MOCK_DEFAULTS } from '@vendorkit/mcparken-session/mocks';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from '../src/index.js';
import { describeWithRedis, useRedisServer } from './redis-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithRedis('McParkenSession on Redis stores (cross-process token sharing)', () => {
  const redis = useRedisServer();
  const mock = createMcParkenMock({ tokenLifetimeSeconds: 4 });
  const server = setupServer(...mock.handlers);
  const stores: RedisStore[] = [];
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(async () => {
    server.close();
    await Promise.all(stores.map((store) => store.close()));
  });

  const processSession = () => {
    const store = createRedisStore({ url: redis().url });
    stores.push(store);
    return new McParkenSession({
      apiKey: MCPARKEN_MOCK_DEFAULTS.apiKey,
      username: MCPARKEN_MOCK_DEFAULTS.username,
      password: MCPARKEN_MOCK_DEFAULTS.password,
      refreshMarginSeconds: 1,
      store,
    });
  };

  it('two sessions on two Redis connections log in once between them, and renew once', async () => {
    const sessions = [processSession(), processSession()];
    const everyone = () => Promise.all(sessions.flatMap((s) => Array.from({ length: 5 }, () => s.getAccessToken())));
    const first = await everyone();
    expect(mock.stats.tokensIssued).toBe(1);
    expect(new Set(first).size).toBe(1);
    // Lifetime 4 s, margin 1 s: renewal is due after 3 s; one session renews for both.
    await sleep(3300);
    const second = await everyone();
    expect(mock.stats.tokensIssued).toBe(2);
    expect(new Set(second).size).toBe(1);
    expect(second[0]).not.toBe(first[0]);
  });
});
