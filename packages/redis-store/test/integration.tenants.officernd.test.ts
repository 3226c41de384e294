/**
 * Two OfficeRnD tenants on one real Redis (issue 15.1): tenant B, with the same client id but a
 * WRONG client secret, must not be handed the token tenant A cached — it asks the token endpoint
 * itself and is refused. Keys in Redis hold a digest of the credentials, never the secret.
 */
import { isOfficeRnDError, OfficeRnDClient } from '@vendorkit/officernd-client';
import { createOfficeRnDMock, generateMockData } from '@vendorkit/officernd-client/mocks';
import { Redis } from 'ioredis';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from '../src/index.js';
import { describeWithRedis, useRedisServer } from './redis-server.js';

const SECRET_A = 'tenant-a-client-secret-on-redis';
const SECRET_B_WRONG = 'tenant-b-wrong-client-secret';

describeWithRedis('OfficeRnD tenants on one Redis (token keyed by all credential material)', () => {
  const redis = useRedisServer();
  const mock = createOfficeRnDMock({
    orgSlug: 'acme',
    clients: [{ clientId: 'shared-app', clientSecret: SECRET_A }],
    seed: generateMockData(4),
    tokenRateLimitPerMinute: 100,
  });
  const server = setupServer(...mock.handlers);
  const stores: RedisStore[] = [];
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(async () => {
    server.close();
    await Promise.all(stores.map((store) => store.close()));
  });

  /** A tenant as its own process would have it: its own Redis connection, the shared key prefix. */
  const tenant = (clientSecret: string) => {
    const store = createRedisStore({ url: redis().url, keyPrefix: 'tenants:' });
    stores.push(store);
    return new OfficeRnDClient({ orgSlug: 'acme', clientId: 'shared-app', clientSecret, store });
  };

  it('tenant B with a wrong secret makes its own token request and is refused; A keeps working', async () => {
    const a = tenant(SECRET_A);
    expect((await a.members.page()).results).toHaveLength(4);
    const tokenRequestsAfterA = mock.stats.tokenRequests;
    const apiRequestsAfterA = mock.stats.requests;

    const b = tenant(SECRET_B_WRONG);
    const error = await b.members.page().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOfficeRnDError(error, 'token_request_failed')).toBe(true);
    expect(error).toMatchObject({ status: 401 });
    expect(mock.stats.tokenRequests - tokenRequestsAfterA).toBe(1);
    expect(mock.stats.requests).toBe(apiRequestsAfterA);

    // A second process of tenant A still shares A's token.
    expect((await tenant(SECRET_A).members.page()).results).toHaveLength(4);
    expect(mock.stats.tokenRequests - tokenRequestsAfterA).toBe(1);

    const token = await a.getAccessToken();
    const raw = new Redis(redis().url);
    try {
      const keys = await raw.keys('tenants:*');
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key).toMatch(/^tenants:officernd:token:[0-9a-f]{64}(:lock)?$/);
        expect(key).not.toContain(SECRET_A);
        expect(key).not.toContain(SECRET_B_WRONG);
        // Sealed with a key derived from the credentials: not readable out of Redis.
        expect(await raw.get(key)).not.toContain(token);
      }
    } finally {
      raw.disconnect();
    }
  });
});
