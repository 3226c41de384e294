import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { createTokenCache, isVendorkitError, StoreError } from '@vendorkit/core';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from '../src/index.js';
import { describeWithRedis, freePort, startRedisServer } from './redis-server.js';

// Short timeouts so a failure shows quickly; the bound checked below is generous on
// purpose: the point is "fails typed, does not hang", not a latency figure.
const TIMEOUTS = { connectTimeoutMs: 300, commandTimeoutMs: 300 };
const BOUND_MS = TIMEOUTS.connectTimeoutMs + TIMEOUTS.commandTimeoutMs + 2000;

async function failure(promise: Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = performance.now();
  const error = await promise.then(
    () => {
      throw new Error('expected the operation to fail');
    },
    (e: unknown) => e,
  );
  return { error, elapsedMs: performance.now() - started };
}

function expectStoreUnavailable(result: { error: unknown; elapsedMs: number }, message: RegExp): void {
  expect(result.error).toBeInstanceOf(StoreError);
  expect(isVendorkitError(result.error, 'store_unavailable')).toBe(true);
  expect((result.error as Error).message).toMatch(message);
  expect(result.elapsedMs).toBeLessThan(BOUND_MS);
}

describeWithRedis('when Redis goes away', () => {
  const stores: RedisStore[] = [];
  const sockets = new Set<Socket>();
  const open = (url: string) => {
    const store = createRedisStore({ url, ...TIMEOUTS });
    stores.push(store);
    return store;
  };
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    for (const socket of sockets) socket.destroy();
  });

  it('a closed port gives a typed StoreError naming the connection error, within the timeouts', async () => {
    const store = open(`redis://127.0.0.1:${await freePort()}`);
    for (const operation of [store.get('k'), store.set('k', 'v'), store.setIfAbsent('k', 'v'), store.delete('k')]) {
      const result = await failure(operation);
      expectStoreUnavailable(result, /unreachable.*ECONNREFUSED/);
      expect((result.error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
    }
  });

  it('a server that accepts but never answers gives a typed StoreError, not a hang', async () => {
    const silent = createServer((socket) => sockets.add(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    try {
      const store = open(`redis://127.0.0.1:${port}`);
      expectStoreUnavailable(await failure(store.get('k')), /unreachable|did not answer/);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('killing redis-server mid-run fails the next calls typed, and the store recovers when it is back', async () => {
    const server = await startRedisServer();
    try {
      const store = open(server.url);
      await store.set('k', 'before');
      expect(await store.get('k')).toBe('before');

      await server.stop('SIGKILL');
      expectStoreUnavailable(await failure(store.get('k')), /unreachable|dropped/);
      expectStoreUnavailable(await failure(store.setIfAbsent('lock', 'me', { ttlMs: 1000 })), /unreachable|dropped/);

      const restarted = await startRedisServer({ port: server.port });
      try {
        // Reconnection backs off to at most 2 s; poll until the store is back.
        let value: string | undefined | 'down' = 'down';
        for (let i = 0; i < 40 && value === 'down'; i++) {
          value = await store.get('k').catch(() => 'down' as const);
          if (value === 'down') await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(value).toBeUndefined(); // a fresh server: the old data is gone, but the call works
        await store.set('k', 'after');
        expect(await store.get('k')).toBe('after');
      } finally {
        await restarted.stop();
      }
    } finally {
      await server.stop();
    }
  });

  it('a command in flight when redis-server stalls fails typed after commandTimeoutMs; the store works once it resumes', async () => {
    const server = await startRedisServer();
    try {
      const store = open(server.url);
      await store.set('k', 'v');
      server.pause();
      try {
        const results = await Promise.all([failure(store.get('k')), failure(store.setIfAbsent('nx', 'v'))]);
        for (const result of results) expectStoreUnavailable(result, /did not answer (GET|SET NX) within 300 ms/);
      } finally {
        server.resume();
      }
      expect(await store.get('k')).toBe('v');
    } finally {
      await server.stop();
    }
  });

  it('a command in flight when redis-server dies fails typed at once', async () => {
    const server = await startRedisServer();
    try {
      const store = open(server.url);
      await store.set('k', 'v');
      server.pause();
      const pending = failure(store.get('k'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await server.stop('SIGKILL');
      expectStoreUnavailable(await pending, /connection dropped before Redis answered GET/);
    } finally {
      await server.stop();
    }
  });

  it('a passed-in client with ioredis defaults (offline queue, retries) is still bounded by the store', async () => {
    const client = new Redis({ host: '127.0.0.1', port: await freePort(), lazyConnect: true });
    client.on('error', () => undefined);
    try {
      const store = createRedisStore({ client, ...TIMEOUTS });
      expectStoreUnavailable(await failure(store.get('k')), /unreachable/);
    } finally {
      client.disconnect();
    }
  });

  it('a token cache on a dead Redis rejects with the StoreError instead of hanging', async () => {
    const store = open(`redis://127.0.0.1:${await freePort()}`);
    let fetches = 0;
    const cache = createTokenCache({
      store,
      key: 'token',
      refreshMarginMs: 1000,
      fetchToken: async () => {
        fetches++;
        return { token: 't', lifetimeMs: 60_000 };
      },
    });
    const started = performance.now();
    const error = await cache.get().catch((e: unknown) => e);
    expect(isVendorkitError(error, 'store_unavailable')).toBe(true);
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
    expect(fetches).toBe(0);
  });
});
