/**
 * One "process" of the multi-process token test: asks a token cache on a Redis store
 * for a token several times at once and prints what it got. Token requests are
 * counted in Redis (INCR), the only place all processes can see.
 */
import { createTokenCache } from '@vendorkit/core';
import { Redis } from 'ioredis';
import { createRedisStore } from '../src/index.js';

const url = process.env.REDIS_URL;
const key = process.env.TOKEN_KEY;
if (!url || !key) throw new Error('REDIS_URL and TOKEN_KEY are required');

const counter = new Redis(url);
const store = createRedisStore({ url });
const cache = createTokenCache({
  store,
  key,
  refreshMarginMs: 100,
  pollIntervalMs: 10,
  fetchToken: async () => {
    const n = await counter.incr(`${key}:requests`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { token: `${key}#${n}@${process.pid}`, lifetimeMs: 60_000 };
  },
});
const tokens = await Promise.all(Array.from({ length: 10 }, () => cache.get()));
process.stdout.write(`${JSON.stringify(tokens)}\n`);
await store.close();
await counter.quit();
