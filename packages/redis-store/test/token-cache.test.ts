import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTokenCache, type TokenCache } from '@vendorkit/core';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from '../src/index.js';
import { describeWithRedis, useRedisServer } from './redis-server.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithRedis('createTokenCache on Redis stores: one token for every process', () => {
  const server = useRedisServer();
  const stores: RedisStore[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  /** N caches, each on its own store and connection, as N processes would have. */
  function processes(count: number, key: string, lifetimeMs: number) {
    const issued: string[] = [];
    const caches: TokenCache[] = Array.from({ length: count }, () => {
      const store = createRedisStore({ url: server().url });
      stores.push(store);
      return createTokenCache({
        store,
        key,
        refreshMarginMs: 100,
        pollIntervalMs: 10,
        fetchToken: async () => {
          const token = `${key}#${issued.length + 1}`;
          issued.push(token);
          await sleep(80); // a slow token endpoint: the others must wait, not ask too
          return { token, lifetimeMs };
        },
      });
    });
    const everyoneAsks = (perCache: number) =>
      Promise.all(caches.flatMap((cache) => Array.from({ length: perCache }, () => cache.get())));
    return { issued, caches, everyoneAsks };
  }

  it('two caches on two connections fetch one token between them, and renew it once after it expires', async () => {
    const { issued, everyoneAsks } = processes(2, 'officernd:token:org-a', 1500);
    const first = await everyoneAsks(10);
    expect(issued).toEqual(['officernd:token:org-a#1']);
    expect(new Set(first)).toEqual(new Set(issued));

    // Still fresh: no new request.
    expect(new Set(await everyoneAsks(5))).toEqual(new Set(issued));
    expect(issued).toHaveLength(1);

    // Past lifetime minus margin: exactly one renewal for everyone.
    await sleep(1500);
    const second = await everyoneAsks(10);
    expect(issued).toEqual(['officernd:token:org-a#1', 'officernd:token:org-a#2']);
    expect(new Set(second)).toEqual(new Set(['officernd:token:org-a#2']));
  });

  it('five caches (five "processes") asking at once still make a single request', async () => {
    const { issued, everyoneAsks } = processes(5, 'mcparken:token:acct', 60_000);
    const tokens = await everyoneAsks(20);
    expect(issued).toHaveLength(1);
    expect(new Set(tokens)).toEqual(new Set(issued));
  });

  it('caches on different keys do not share tokens', async () => {
    const a = processes(1, 'officernd:token:org-x', 60_000);
    const b = processes(1, 'officernd:token:org-y', 60_000);
    const [tokenA, tokenB] = await Promise.all([a.caches[0]!.get(), b.caches[0]!.get()]);
    expect(a.issued).toHaveLength(1);
    expect(b.issued).toHaveLength(1);
    expect(tokenA).toBe('officernd:token:org-x#1');
    expect(tokenB).toBe('officernd:token:org-y#1');
  });
});

describeWithRedis('createTokenCache on Redis across real OS processes', () => {
  const server = useRedisServer();

  it('four node processes started together make one token request between them', async () => {
    const key = `proc-${Date.now()}`;
    const script = fileURLToPath(new URL('./token-process.ts', import.meta.url));
    const runOne = () =>
      new Promise<string[]>((resolve, reject) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', script],
          { cwd: packageRoot, env: { ...process.env, REDIS_URL: server().url, TOKEN_KEY: key }, timeout: 30_000 },
          (error, stdout, stderr) =>
            error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
        );
      });
    const outputs = await Promise.all([runOne(), runOne(), runOne(), runOne()]);
    const redis = new Redis(server().url);
    try {
      expect(await redis.get(`${key}:requests`)).toBe('1');
    } finally {
      await redis.quit();
    }
    const tokens = new Set(outputs.flat());
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).toMatch(new RegExp(`^${key}#1@\\d+$`));
  }, 60_000);
});
