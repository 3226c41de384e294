/**
 * Two OfficeRnD clients, each on its own Redis store (two connections: two processes), share
 * one access token: OfficeRnD allows 5 token requests a minute per organisation.
 */
import { OfficeRnDClient } from '@vendorkit/officernd-client';
import { createOfficeRnDMock, generateMockData } from '@vendorkit/officernd-client/mocks';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from '../src/index.js';
import { describeWithRedis, useRedisServer } from './redis-server.js';

const SECRET = 'officernd-client-secret-for-redis-test';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithRedis('OfficeRnDClient on Redis stores (cross-process token sharing)', () => {
  const redis = useRedisServer();
  const mock = createOfficeRnDMock({
    orgSlug: 'acme',
    clients: [{ clientId: 'app-1', clientSecret: SECRET }],
    seed: generateMockData(5),
    tokenLifetimeSeconds: 3,
  });
  const server = setupServer(...mock.handlers);
  const stores: RedisStore[] = [];
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(async () => {
    server.close();
    await Promise.all(stores.map((store) => store.close()));
  });

  /** A client as a separate process would have it: its own Redis connection. */
  const processClient = (keyPrefix: string) => {
    const store = createRedisStore({ url: redis().url, keyPrefix });
    stores.push(store);
    return new OfficeRnDClient({
      orgSlug: 'acme',
      clientId: 'app-1',
      clientSecret: SECRET,
      store,
      tokenRefreshMarginMs: 1000,
    });
  };

  it('two clients on two Redis connections make one token request between them', async () => {
    const before = mock.stats.tokenRequests;
    const [a, b] = [processClient('two:'), processClient('two:')];
    const pages = await Promise.all(
      [a, b].flatMap((client) => Array.from({ length: 10 }, () => client!.members.page({ $limit: 2 }))),
    );
    expect(pages).toHaveLength(20);
    expect(mock.stats.tokenRequests - before).toBe(1);
  });

  it('eight "processes" renew the token once when it nears expiry, staying under 5 requests a minute', async () => {
    const before = mock.stats.tokenRequests;
    const clients = Array.from({ length: 8 }, () => processClient('eight:'));
    const everyone = () => Promise.all(clients.map((client) => client.members.page({ $limit: 1 })));
    await everyone();
    expect(mock.stats.tokenRequests - before).toBe(1);
    // Lifetime 3 s, margin 1 s: renewal is due at 3/4 of the life (2.25 s, core's short-token rule); after 2.6 s; one asks.
    await sleep(2600);
    await everyone();
    await everyone();
    expect(mock.stats.tokenRequests - before).toBe(2);
  });
});
