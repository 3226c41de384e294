import { inspect } from 'node:util';
import { isVendorkitError } from '@vendorkit/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from '../src/index.js';
import { describeWithRedis, freePort, startRedisServer, useRedisServer } from './redis-server.js';

const PASSWORD = 'S3cret-redis-pa55word';
const WRONG_PASSWORD = 'Wrong-redis-pa55word';

/** Every way an error reaches a user or a log. */
function everyRendering(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  return [
    String(error),
    (error as Error).message,
    (error as Error).stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
    inspect(cause, { depth: 10, showHidden: true }),
    JSON.stringify(cause ?? null),
  ].join('\n');
}

function expectNoSecret(error: unknown, secrets: string[]): void {
  const text = everyRendering(error);
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
  }
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );

describeWithRedis('the Redis password never leaks', () => {
  const server = useRedisServer(['--requirepass', PASSWORD]);
  const stores: RedisStore[] = [];
  const open = (url: string) => {
    const store = createRedisStore({ url, connectTimeoutMs: 300, commandTimeoutMs: 300 });
    stores.push(store);
    return store;
  };
  const withPassword = (password: string, user = '') =>
    server().url.replace('redis://', `redis://${user}:${encodeURIComponent(password)}@`);
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  it('works with the right password, as :password@ and as user:password@', async () => {
    const store = open(withPassword(PASSWORD));
    await store.set('k', 'v');
    expect(await open(withPassword(PASSWORD, 'default')).get('k')).toBe('v');
  });

  it('a wrong password gives a StoreError that names the problem but not either password', async () => {
    const store = open(withPassword(WRONG_PASSWORD));
    const error = await rejection(store.get('k'));
    expect(isVendorkitError(error, 'store_unavailable')).toBe(true);
    expect((error as Error).message).toMatch(/WRONGPASS|invalid username-password/);
    expectNoSecret(error, [WRONG_PASSWORD, PASSWORD]);
  });

  it('no password gives a StoreError saying authentication is required', async () => {
    const error = await rejection(open(server().url).get('k'));
    expect(isVendorkitError(error, 'store_unavailable')).toBe(true);
    expect((error as Error).message).toMatch(/NOAUTH|Authentication required/i);
  });

  it('errors after the server dies mid-run do not carry the password', async () => {
    const own = await startRedisServer({ args: ['--requirepass', PASSWORD] });
    const store = open(own.url.replace('redis://', `redis://:${PASSWORD}@`));
    await store.set('k', 'v');
    own.pause();
    const stalled = await rejection(store.get('k'));
    await own.stop('SIGKILL');
    const dead = await rejection(store.set('k', 'v2'));
    for (const error of [stalled, dead]) {
      expect(isVendorkitError(error, 'store_unavailable')).toBe(true);
      expectNoSecret(error, [PASSWORD]);
    }
  });

  it('a StoreError from a passed-in client with a password does not carry it', async () => {
    const client = new Redis({ port: server().port, host: '127.0.0.1', password: PASSWORD, lazyConnect: true });
    const store = createRedisStore({ client, commandTimeoutMs: 300 });
    await store.set('k', 'v');
    // A reply error: the key holds a list, GET fails with WRONGTYPE.
    await client.lpush('vendorkit:list', 'x');
    const error = await rejection(store.get('list'));
    expect((error as Error).message).toMatch(/WRONGTYPE/);
    expectNoSecret(error, [PASSWORD]);
    // ioredis puts the command's arguments on its errors; the store's cause must not.
    expect(inspect(error, { depth: 10 })).not.toMatch(/args|lpush/i);
    client.disconnect();
  });

  it('a store holding a password shows none of it when inspected or serialised', () => {
    const store = open(withPassword(PASSWORD));
    expect(inspect(store, { depth: 10, showHidden: true })).not.toContain(PASSWORD);
    expect(JSON.stringify(store)).not.toContain(PASSWORD);
  });
});

describe('configuration errors never echo the password', () => {
  it('for every kind of bad URL', async () => {
    const port = await freePort();
    const urls = [
      `http://:${PASSWORD}@127.0.0.1:${port}`,
      `redis://:${PASSWORD}@127.0.0.1:${port}/not-a-db`,
      `redis://user:${PASSWORD}@:${port}`,
      `redis//:${PASSWORD}@127.0.0.1`,
      `redis://:${PASSWORD}@[::1`,
      `unix://:${PASSWORD}@/tmp/redis.sock`,
      `redis://127.0.0.1:${port}/x?password=${PASSWORD}`,
    ];
    for (const url of urls) {
      let error: unknown;
      try {
        createRedisStore({ url });
      } catch (e) {
        error = e;
      }
      expect(isVendorkitError(error, 'invalid_configuration'), url).toBe(true);
      expectNoSecret(error, [PASSWORD]);
    }
  });

  it('a password in the query string is redacted from connection errors too', async () => {
    const port = await freePort();
    const store = createRedisStore({
      url: `redis://127.0.0.1:${port}?password=${PASSWORD}`,
      connectTimeoutMs: 200,
      commandTimeoutMs: 200,
    });
    const error = await rejection(store.get('k'));
    await store.close();
    expect(isVendorkitError(error, 'store_unavailable')).toBe(true);
    expectNoSecret(error, [PASSWORD]);
  });
});
