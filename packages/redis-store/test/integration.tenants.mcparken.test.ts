/**
 * Several McParken tenants on ONE real Redis, each session on its own connection (a process of
 * its own). Issue 15: a wrong password was handed another tenant's token without any login
 * (item 1); a loop of refused logins could lock the account (item 7); a Redis stall left the
 * renewal lock held by nobody for its whole lifetime (item 6).
 */
import { McParkenSession } from '@vendorkit/mcparken-session';
import { createMcParkenMock } from '@vendorkit/mcparken-session/mocks';
import { Redis } from 'ioredis';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from '../src/index.js';
import { describeWithRedis, useRedisServer } from './redis-server.js';

const TENANT_A = { apiKey: 'tenant-a-apikey-0001', username: 'parking@example.com', password: 'tenant-a-password' };
const TENANT_C = { apiKey: 'tenant-c-apikey-0003', username: 'garage@example.com', password: 'tenant-c-password' };
const WRONG_B = { ...TENANT_A, password: 'tenant-b-wrong-password' };

describeWithRedis('McParken tenants sharing one Redis', () => {
  const redis = useRedisServer();
  // McParken's documented login errors and answers (VENDORS.md §4 [C], seed 004).
  const mock = createMcParkenMock({
    apiKeys: [TENANT_A.apiKey, TENANT_C.apiKey],
    users: [
      { username: TENANT_A.username, password: TENANT_A.password, userId: '101' },
      { username: TENANT_C.username, password: TENANT_C.password, userId: '303' },
    ],
  });
  const server = setupServer(...mock.handlers);
  const stores: RedisStore[] = [];
  let admin: Redis;
  beforeAll(() => {
    server.listen({ onUnhandledRequest: 'error' });
    admin = new Redis(redis().url, { lazyConnect: true });
  });
  beforeEach(async () => {
    await admin.flushall();
  });
  afterAll(async () => {
    server.close();
    admin.disconnect();
    await Promise.all(stores.map((store) => store.close()));
  });

  /** A session as a separate process has it: its own Redis connection. */
  const processSession = (credentials: typeof TENANT_A, extra: { commandTimeoutMs?: number } = {}) => {
    const store = createRedisStore({ url: redis().url, ...extra });
    stores.push(store);
    return { store, session: new McParkenSession({ ...credentials, store }) };
  };

  it('tenant B with a wrong password never gets tenant A’s token: its own login is sent and refused', async () => {
    const a = processSession(TENANT_A).session;
    const tokenOfA = await a.getAccessToken();
    const before = mock.stats.sessionRequests;
    const b = processSession(WRONG_B).session;
    const error = await b.getAccessToken().then(
      (token) => token,
      (e: unknown) => e,
    );
    expect(error).not.toBe(tokenOfA);
    expect((error as { code?: string }).code).toBe('401.2');
    const viaHttp = await b.http.get('parking/zones').then(
      () => 'answered',
      (e: unknown) => (e as { code?: string }).code,
    );
    expect(viaHttp).toBe('401.2');
    expect(mock.stats.sessionRequests - before).toBe(1);
    expect(await a.getAccessToken()).toBe(tokenOfA);
  });

  it('two tenants with their own right credentials each get their own token and user', async () => {
    const [a, c] = [processSession(TENANT_A).session, processSession(TENANT_C).session];
    const [infoA, infoC] = await Promise.all([a.getSession(), c.getSession()]);
    expect(infoA.userId).toBe('101');
    expect(infoC.userId).toBe('303');
    expect(infoA.accessToken).not.toBe(infoC.accessToken);
  });

  it('each tenant still shares its own token between its processes (one login per tenant)', async () => {
    const before = mock.stats.sessionRequests;
    const sessions = [TENANT_A, TENANT_A, TENANT_A, TENANT_C, TENANT_C, TENANT_C].map(
      (credentials) => processSession(credentials).session,
    );
    const tokens = await Promise.all(sessions.map((s) => s.getAccessToken()));
    expect(new Set(tokens.slice(0, 3)).size).toBe(1);
    expect(new Set(tokens.slice(3)).size).toBe(1);
    expect(mock.stats.sessionRequests - before).toBe(2);
  });

  it('a refused login is remembered across processes: four processes in a retry loop send one login', async () => {
    const before = mock.stats.sessionRequests;
    const processes = Array.from({ length: 4 }, () => processSession(WRONG_B).session);
    for (let round = 0; round < 5; round += 1) {
      const codes = await Promise.all(
        processes.map((s) =>
          s.getAccessToken().then(
            () => 'ok',
            (e: unknown) => (e as { code?: string }).code,
          ),
        ),
      );
      expect(codes).toEqual(['401.2', '401.2', '401.2', '401.2']);
    }
    expect(mock.stats.sessionRequests - before).toBe(1);
    // The right password is not blocked by the refusal of the wrong one.
    expect(await processSession(TENANT_A).session.getAccessToken()).toEqual(expect.any(String));
  });

  it('Redis holds no credential and no token in the clear, in keys or values', async () => {
    const tokens = await Promise.all([
      processSession(TENANT_A).session.getAccessToken(),
      processSession(TENANT_C).session.getAccessToken(),
    ]);
    await processSession(WRONG_B)
      .session.getAccessToken()
      .catch(() => undefined);
    const keys = await admin.keys('*');
    expect(keys.length).toBeGreaterThanOrEqual(3);
    const dump = JSON.stringify(await Promise.all(keys.map(async (key) => [key, await admin.get(key)])));
    for (const secret of [TENANT_A, TENANT_C, WRONG_B].flatMap((t) => [t.apiKey, t.password, t.username])) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(encodeURIComponent(secret));
    }
    for (const token of tokens) expect(dump).not.toContain(token);
  });

  it('a Redis stall during the lock acquire leaves no orphaned lock: another process logs in within seconds', async () => {
    const stalled = processSession(TENANT_A, { commandTimeoutMs: 300 });
    // Pause Redis right when the renewal lock is requested: the SET NX times out on our side but
    // is applied when Redis resumes (the scenario).
    const setIfAbsent = stalled.store.setIfAbsent.bind(stalled.store);
    stalled.store.setIfAbsent = (key, value, options) => {
      redis().pause();
      setTimeout(() => redis().resume(), 1_000);
      return setIfAbsent(key, value, options);
    };
    const failed = await stalled.session.getAccessToken().then(
      () => 'token',
      (e: unknown) => (e as { code?: string }).code,
    );
    expect(failed).toBe('store_unavailable');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const started = performance.now();
    const other = processSession(TENANT_A).session;
    expect(await other.getAccessToken()).toEqual(expect.any(String));
    // Without the release the lock would hold for its whole lifetime (45 s by default).
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
