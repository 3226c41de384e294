import { inspect } from 'node:util';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStore, isRedisStoreError, type RedisStore } from '../src/index.js';
import { describeWithRedis, freePort, useRedisServer } from './redis-server.js';

const caught = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describeWithRedis('createRedisStore', () => {
  const server = useRedisServer();
  const cleanups: Array<() => Promise<unknown>> = [];
  const store = (options: Partial<Parameters<typeof createRedisStore>[0]> = {}): RedisStore => {
    const created = createRedisStore({ url: server().url, ...options } as Parameters<typeof createRedisStore>[0]);
    cleanups.push(() => created.close());
    return created;
  };
  const raw = (): Redis => {
    const client = new Redis(server().url);
    cleanups.push(() => client.quit());
    return client;
  };
  afterAll(async () => {
    await Promise.all(cleanups.map((cleanup) => cleanup()));
  });

  it('writes under the key prefix (default vendorkit:) with the TTL as PX', async () => {
    const redis = raw();
    await store().set('officernd:token', 'abc', { ttlMs: 60_000 });
    await store({ keyPrefix: 'app1:' }).set('officernd:token', 'def');
    await store({ keyPrefix: '' }).set('bare-key', 'ghi');
    expect(await redis.get('vendorkit:officernd:token')).toBe('abc');
    const pttl = await redis.pttl('vendorkit:officernd:token');
    expect(pttl).toBeGreaterThan(55_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    expect(await redis.get('app1:officernd:token')).toBe('def');
    expect(await redis.pttl('app1:officernd:token')).toBe(-1);
    expect(await redis.get('bare-key')).toBe('ghi');
    expect(store().keyPrefix).toBe('vendorkit:');
  });

  it('uses the database number given in the URL', async () => {
    const s = store({ url: `${server().url}/3` });
    await s.set('in-db-3', 'v');
    const db3 = new Redis(`${server().url}/3`);
    cleanups.push(() => db3.quit());
    expect(await db3.get('vendorkit:in-db-3')).toBe('v');
    expect(await raw().get('vendorkit:in-db-3')).toBeNull();
  });

  it('rounds fractional TTLs up to whole milliseconds and accepts huge ones', async () => {
    const redis = raw();
    const s = store();
    // Redis refuses a fractional PX; the store must not pass one through.
    await expect(s.set('fraction', 'v', { ttlMs: 0.2 })).resolves.toBeUndefined();
    await s.set('fraction2', 'v', { ttlMs: 30_000.5 });
    const pttl = await redis.pttl('vendorkit:fraction2');
    expect(pttl).toBeGreaterThan(29_000);
    expect(pttl).toBeLessThanOrEqual(30_001);
    expect(await s.setIfAbsent('huge', 'v', { ttlMs: Number.MAX_VALUE })).toBe(true);
    expect(await redis.pttl('vendorkit:huge')).toBeGreaterThan(1e12);
  });

  it('setIfAbsent is atomic across two connections: of 100 concurrent attempts exactly one wins', async () => {
    const first = store();
    const second = store();
    for (let round = 0; round < 10; round++) {
      const k = `atomic-${round}`;
      const attempts = Array.from({ length: 100 }, (_, i) =>
        (i % 2 === 0 ? first : second).setIfAbsent(k, `attempt-${i}`, { ttlMs: 60_000 }),
      );
      const results = await Promise.all(attempts);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await first.get(k)).toBe(`attempt-${winner}`);
      expect(await second.get(k)).toBe(`attempt-${winner}`);
    }
  });

  it('rejects keys and values Redis would alter with a typed error, before any I/O', async () => {
    const s = store();
    for (const bad of ['\uD800', 'a\uDC00b', 'x\uDBFF']) {
      expect(isRedisStoreError(await caught(s.get(bad)), 'invalid_store_input')).toBe(true);
      expect(isRedisStoreError(await caught(s.set('k', bad)), 'invalid_store_input')).toBe(true);
      expect(isRedisStoreError(await caught(s.setIfAbsent(bad, 'v')), 'invalid_store_input')).toBe(true);
    }
    // Two ids differing only in a lone surrogate must not collide on one key.
    expect(await s.setIfAbsent('webhook:ok\uD83D\uDE00', 'v')).toBe(true);
    expect(isRedisStoreError(await caught(s.set(42 as unknown as string, 'v')), 'invalid_store_input')).toBe(true);
    expect(isRedisStoreError(await caught(s.set('k', undefined as unknown as string)), 'invalid_store_input')).toBe(
      true,
    );
  });

  it('any UTF-16 string as key or value either round-trips exactly or is refused typed (property)', async () => {
    const s = store();
    const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
    const hostile = fc.string({ unit: fc.oneof(anyCodeUnit, fc.constantFrom('\uD800', '\uDFFF', '\0', '\r\n')) });
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (k, value) => {
        const wellFormed = (text: string) =>
          !/[\uD800-\uDFFF]/.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
        const storable = wellFormed(k) && wellFormed(value);
        const result = await s.set(`prop:${k}`, value, { ttlMs: 60_000 }).then(
          () => 'stored',
          (error: unknown) => error,
        );
        if (storable) {
          expect(result).toBe('stored');
          expect(await s.get(`prop:${k}`)).toBe(value);
        } else {
          expect(isRedisStoreError(result, 'invalid_store_input'), inspect(result)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('works on a client you pass in and leaves that client open on close()', async () => {
    const client = new Redis(server().url, { lazyConnect: true });
    cleanups.push(async () => client.disconnect());
    const s = createRedisStore({ client, keyPrefix: 'mine:' });
    await s.set('k', 'v');
    expect(await client.get('mine:k')).toBe('v');
    await s.close();
    expect(client.status).toBe('ready');
    expect(await client.get('mine:k')).toBe('v');
    const error = await caught(s.get('k'));
    expect(isRedisStoreError(error, 'store_unavailable')).toBe(true);
    expect(String((error as Error).message)).toMatch(/closed/);
  });

  it('close() ends a connection it opened; quit() and a second close() are harmless; later calls fail typed', async () => {
    const s = createRedisStore({ url: server().url });
    await s.set('k', 'v');
    const before = await raw().client('LIST');
    await s.close();
    await s.quit();
    await s.close();
    const error = await caught(s.get('k'));
    expect(isRedisStoreError(error, 'store_unavailable')).toBe(true);
    const after = await raw().client('LIST');
    // One connection fewer (the store's), even though raw() added one for the second listing.
    expect(String(after).trim().split('\n').length).toBe(String(before).trim().split('\n').length);
  });

  it('creating a store does no I/O: a store on a closed port only fails when used', async () => {
    const port = await freePort();
    const s = createRedisStore({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 200, commandTimeoutMs: 200 });
    cleanups.push(() => s.close());
    expect(isRedisStoreError(await caught(s.get('k')), 'store_unavailable')).toBe(true);
  });

  it('does not show the client or its options when inspected', () => {
    const s = store();
    const shown = inspect(s, { depth: 10 });
    expect(shown).not.toMatch(/Redis|options|host/i);
  });
});

describe('createRedisStore options', () => {
  const bad = (options: unknown) => {
    try {
      const s = createRedisStore(options as Parameters<typeof createRedisStore>[0]);
      void s.close();
      return undefined;
    } catch (error) {
      return error;
    }
  };

  it('names the wrong option in a ConfigurationError', () => {
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /options object/],
      [{}, /exactly one of options.url/],
      [{ url: 'redis://h', client: {} }, /exactly one/],
      [{ url: 42 }, /options.url must be a redis/],
      [{ url: 'not a url' }, /not a valid URL/],
      [{ url: 'http://localhost:6379' }, /redis:\/\/ or rediss:\/\//],
      [{ url: 'redis://localhost/notadb' }, /database number/],
      [{ url: 'redis://h', keyPrefix: 5 }, /keyPrefix/],
      [{ url: 'redis://h', keyPrefix: '\uD800' }, /keyPrefix/],
      [{ url: 'redis://h', commandTimeoutMs: 0 }, /commandTimeoutMs/],
      [{ url: 'redis://h', connectTimeoutMs: 1.5 }, /connectTimeoutMs/],
      [{ url: 'redis://h', connectTimeoutMs: 2 ** 31 }, /connectTimeoutMs/],
      [{ url: 'redis://h', keyprefix: 'x' }, /unknown option "keyprefix"/],
      [{ client: { status: 'ready' } }, /options.client must be an ioredis/],
    ];
    for (const [options, message] of cases) {
      const error = bad(options);
      expect(isRedisStoreError(error, 'invalid_configuration'), inspect(options)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('any options object either makes a store or throws a ConfigurationError (property)', () => {
    const anyOptions = fc.record(
      {
        url: fc.oneof(fc.string(), fc.webUrl(), fc.constant('redis://127.0.0.1:1'), fc.anything()),
        client: fc.anything(),
        keyPrefix: fc.oneof(fc.string(), fc.anything()),
        commandTimeoutMs: fc.oneof(fc.integer(), fc.double(), fc.anything()),
        connectTimeoutMs: fc.oneof(fc.integer(), fc.double(), fc.anything()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(anyOptions, fc.anything()), (options) => {
        const error = bad(options);
        if (error !== undefined) expect(isRedisStoreError(error, 'invalid_configuration'), inspect(error)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
