import { describe, expect, it, vi } from 'vitest';
import { createMemoryStore, createTokenCache, credentialKey, type Store, singleFlight } from '../src/index.js';

describe('singleFlight', () => {
  it('shares one pending call between concurrent callers and starts a new one afterwards', async () => {
    let calls = 0;
    const run = singleFlight(async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 5));
      return calls;
    });
    expect(await Promise.all([run(), run(), run()])).toEqual([1, 1, 1]);
    expect(await run()).toBe(2);
  });
});

describe('createTokenCache', () => {
  const setup = (lifetimeMs = 60_000) => {
    let now = 0;
    let n = 0;
    const fetchToken = vi.fn(async () => {
      n += 1;
      await new Promise((r) => setTimeout(r, 2));
      return { token: `t${n}`, lifetimeMs };
    });
    const store = createMemoryStore({ now: () => now });
    const cache = createTokenCache({ store, key: 'tok', fetchToken, refreshMarginMs: 10_000, now: () => now });
    return { cache, store, fetchToken, advance: (ms: number) => (now += ms), now: () => now };
  };

  it('fetches once for many concurrent callers and caches until the refresh margin', async () => {
    const { cache, fetchToken, advance } = setup();
    const tokens = await Promise.all(Array.from({ length: 100 }, () => cache.get()));
    expect(new Set(tokens)).toEqual(new Set(['t1']));
    expect(fetchToken).toHaveBeenCalledTimes(1);
    advance(49_999);
    expect(await cache.get()).toBe('t1');
    advance(1);
    expect(await cache.get()).toBe('t2');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('renews a token shorter-lived than four margins at three quarters of its life, not on every call', async () => {
    const { cache, fetchToken, advance } = setup(20_000);
    expect(await cache.get()).toBe('t1');
    advance(14_999);
    expect(await cache.get()).toBe('t1');
    expect(fetchToken).toHaveBeenCalledTimes(1);
    advance(1);
    expect(await cache.get()).toBe('t2');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('invalidate drops only the named token, so late callers do not discard a newer one', async () => {
    const { cache, fetchToken } = setup();
    const first = await cache.get();
    await cache.invalidate(first);
    const second = await cache.get();
    expect(second).toBe('t2');
    await cache.invalidate(first);
    expect(await cache.get()).toBe('t2');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('two caches on one store share a token and renew once between them', async () => {
    const { store } = setup();
    let n = 0;
    const fetchToken = vi.fn(async () => {
      n += 1;
      await new Promise((r) => setTimeout(r, 20));
      return { token: `shared${n}`, lifetimeMs: 60_000 };
    });
    const a = createTokenCache({ store, key: 'k', fetchToken, refreshMarginMs: 1_000, pollIntervalMs: 2 });
    const b = createTokenCache({ store, key: 'k', fetchToken, refreshMarginMs: 1_000, pollIntervalMs: 2 });
    const [ta, tb] = await Promise.all([a.get(), b.get()]);
    expect(ta).toBe('shared1');
    expect(tb).toBe('shared1');
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it('re-reads the store after taking the lock, so a renewal that finished meanwhile is not repeated', async () => {
    // B finds no token, then A renews and releases the lock before B takes it.
    const shared = createMemoryStore();
    let letBLock!: () => void;
    const bMayLock = new Promise<void>((resolve) => {
      letBLock = resolve;
    });
    const storeB: Store = {
      ...shared,
      setIfAbsent: async (key, value, options) => {
        await bMayLock;
        return shared.setIfAbsent(key, value, options);
      },
    };
    let n = 0;
    const fetchToken = vi.fn(async () => ({ token: `t${++n}`, lifetimeMs: 60_000 }));
    const a = createTokenCache({ store: shared, key: 'k', fetchToken, refreshMarginMs: 1_000 });
    const b = createTokenCache({ store: storeB, key: 'k', fetchToken, refreshMarginMs: 1_000 });
    const pendingB = b.get();
    expect(await a.get()).toBe('t1');
    letBLock();
    expect(await pendingB).toBe('t1');
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it('propagates a fetch failure to every waiting caller and honours the failure cooldown', async () => {
    let now = 0;
    const fetchToken = vi.fn(async () => {
      throw new Error('rate limited');
    });
    const cache = createTokenCache({
      store: createMemoryStore({ now: () => now }),
      key: 'k',
      fetchToken,
      refreshMarginMs: 0,
      failureCooldownMs: 5_000,
      now: () => now,
    });
    const results = await Promise.allSettled([cache.get(), cache.get()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(cache.get()).rejects.toThrow('rate limited');
    expect(fetchToken).toHaveBeenCalledTimes(1);
    now = 5_000;
    await expect(cache.get()).rejects.toThrow('rate limited');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  describe('credential-scoped entries', () => {
    const tenant = (password: string) => ({
      namespace: 'acme:token',
      material: ['https://acme.test', 'user', password],
    });

    it('a caller with other credentials (a wrong password) never gets the cached token, and asks for its own', async () => {
      const store = createMemoryStore();
      const fetchA = vi.fn(async () => ({ token: 'TOKEN-OF-A', lifetimeMs: 60_000 }));
      const fetchB = vi.fn(async () => {
        throw new Error('wrong password');
      });
      const a = createTokenCache({ store, credentials: tenant('right'), fetchToken: fetchA, refreshMarginMs: 1_000 });
      const b = createTokenCache({ store, credentials: tenant('wrong'), fetchToken: fetchB, refreshMarginMs: 1_000 });
      expect(await a.get()).toBe('TOKEN-OF-A');
      await expect(b.get()).rejects.toThrow('wrong password');
      expect(fetchB).toHaveBeenCalledTimes(1);
    });

    it('the same credentials share one token; the store holds neither the token nor the secret in the clear', async () => {
      const entries = new Map<string, string>();
      const inner = createMemoryStore();
      const store: Store = {
        ...inner,
        set: async (key, value, options) => {
          entries.set(key, value);
          return inner.set(key, value, options);
        },
      };
      const fetchToken = vi.fn(async () => ({ token: 'plain-token-value', lifetimeMs: 60_000 }));
      const a = createTokenCache({ store, credentials: tenant('pa55word'), fetchToken, refreshMarginMs: 1_000 });
      const b = createTokenCache({ store, credentials: tenant('pa55word'), fetchToken, refreshMarginMs: 1_000 });
      expect(await a.get()).toBe('plain-token-value');
      expect(await b.get()).toBe('plain-token-value');
      expect(fetchToken).toHaveBeenCalledTimes(1);
      const dump = JSON.stringify([...entries]);
      expect(dump).not.toContain('plain-token-value');
      expect(dump).not.toContain('pa55word');
      expect([...entries.keys()]).toEqual([await credentialKey('acme:token', tenant('pa55word').material)]);
    });

    it('an entry altered in the store is ignored (a new token is fetched), never returned', async () => {
      const store = createMemoryStore();
      let n = 0;
      const fetchToken = vi.fn(async () => ({ token: `t${++n}`, lifetimeMs: 60_000 }));
      const make = () => createTokenCache({ store, credentials: tenant('p'), fetchToken, refreshMarginMs: 1_000 });
      expect(await make().get()).toBe('t1');
      const key = await credentialKey('acme:token', tenant('p').material);
      await store.set(key, JSON.stringify({ token: 'forged', expiresAt: 9e15, refreshAt: 9e15 }));
      expect(await make().get()).toBe('t2');
    });

    it('credentialKey frames its parts: moving a character between parts changes the key', async () => {
      expect(await credentialKey('n', ['ab', 'c'])).not.toBe(await credentialKey('n', ['a', 'bc']));
      expect(await credentialKey('n', ['a'])).toMatch(/^n:[0-9a-f]{64}$/);
    });
  });

  describe('the renewal lock', () => {
    it('is released only by its owner, even when it expires and is taken between a read and a delete', async () => {
      // The lock expires at the worst moment: right after the releasing side looked at it.
      let now = 0;
      const inner = createMemoryStore({ now: () => now });
      let armed = false;
      const takeOver = async () => {
        armed = false;
        now = 100;
        expect(await inner.setIfAbsent('k:lock', 'other-process', { ttlMs: 100 })).toBe(true);
      };
      const store: Store = {
        ...inner,
        get: async (key) => {
          const value = await inner.get(key);
          if (armed && key === 'k:lock') await takeOver();
          return value;
        },
        deleteIfEquals: async (key, value) => {
          if (armed && key === 'k:lock') await takeOver();
          return inner.deleteIfEquals(key, value);
        },
      };
      const fetchToken = vi.fn(async () => {
        armed = true;
        return { token: 'late', lifetimeMs: 60_000 };
      });
      const cache = createTokenCache({
        store,
        key: 'k',
        fetchToken,
        refreshMarginMs: 1_000,
        lockTtlMs: 100,
        now: () => now,
      });
      expect(await cache.get()).toBe('late');
      expect(armed).toBe(false);
      expect(await inner.get('k:lock')).toBe('other-process');
    });

    it('is released after an acquire that failed on our side but was applied by the store', async () => {
      const inner = createMemoryStore();
      let failNext = true;
      const store: Store = {
        ...inner,
        setIfAbsent: async (key, value, options) => {
          const applied = await inner.setIfAbsent(key, value, options);
          if (failNext) {
            failNext = false;
            throw new Error('timed out waiting for the store'); // …but the write went through
          }
          return applied;
        },
      };
      const fetchToken = vi.fn(async () => ({ token: 't', lifetimeMs: 60_000 }));
      const cache = createTokenCache({ store, key: 'k', fetchToken, refreshMarginMs: 1_000, lockTtlMs: 60_000 });
      await expect(cache.get()).rejects.toThrow('timed out');
      expect(await inner.get('k:lock')).toBeUndefined();
      expect(await cache.get()).toBe('t');
    });

    it('refuses nonsensical options', () => {
      const fetchToken = async () => ({ token: 't', lifetimeMs: 1 });
      const store = createMemoryStore();
      expect(() => createTokenCache({ store, fetchToken, refreshMarginMs: 1 })).toThrow(/exactly one/);
      expect(() => createTokenCache({ store, key: 'k', fetchToken, refreshMarginMs: 1, lockTtlMs: 0 })).toThrow(
        /lockTtlMs/,
      );
    });
  });

  describe('cancellation', () => {
    const deferred = <T>() => {
      let resolve!: (value: T) => void;
      const promise = new Promise<T>((r) => {
        resolve = r;
      });
      return { promise, resolve };
    };

    it('one caller giving up rejects at once; the renewal goes on for the others', async () => {
      const answer = deferred<{ token: string; lifetimeMs: number }>();
      const signals: AbortSignal[] = [];
      const fetchToken = vi.fn(async (signal: AbortSignal) => {
        signals.push(signal);
        return answer.promise;
      });
      const cache = createTokenCache({ store: createMemoryStore(), key: 'k', fetchToken, refreshMarginMs: 1_000 });
      const controller = new AbortController();
      const leaving = cache.get({ signal: controller.signal });
      const staying = cache.get();
      await vi.waitFor(() => expect(fetchToken).toHaveBeenCalledTimes(1));
      const reason = new Error('caller left');
      controller.abort(reason);
      await expect(leaving).rejects.toBe(reason);
      expect(signals[0]?.aborted).toBe(false);
      answer.resolve({ token: 't1', lifetimeMs: 60_000 });
      expect(await staying).toBe('t1');
    });

    it('when every caller gave up, the request is aborted, the lock released, and the next call starts afresh', async () => {
      const store = createMemoryStore();
      const signals: AbortSignal[] = [];
      let n = 0;
      const fetchToken = vi.fn(
        (signal: AbortSignal) =>
          new Promise<{ token: string; lifetimeMs: number }>((resolve, reject) => {
            signals.push(signal);
            n++;
            if (n > 1) resolve({ token: `t${n}`, lifetimeMs: 60_000 });
            signal.addEventListener('abort', () => reject(signal.reason));
          }),
      );
      const cache = createTokenCache({
        store,
        key: 'k',
        fetchToken,
        refreshMarginMs: 1_000,
        failureCooldownMs: 60_000,
      });
      const a = new AbortController();
      const b = new AbortController();
      const pa = cache.get({ signal: a.signal });
      const pb = cache.get({ signal: b.signal });
      await vi.waitFor(() => expect(fetchToken).toHaveBeenCalledTimes(1));
      a.abort(new Error('a left'));
      expect(signals[0]?.aborted).toBe(false);
      b.abort(new Error('b left'));
      await expect(pa).rejects.toThrow('a left');
      await expect(pb).rejects.toThrow('b left');
      expect(signals[0]?.aborted).toBe(true);
      await vi.waitFor(async () => expect(await store.get('k:lock')).toBeUndefined());
      // An abandoned renewal is not a vendor failure: no cooldown, a fresh request.
      expect(await cache.get()).toBe('t2');
    });

    it('a caller waiting for another process to renew stops polling the store when it gives up', async () => {
      const inner = createMemoryStore();
      await inner.set('k:lock', 'other-process', { ttlMs: 60_000 });
      let reads = 0;
      const store: Store = {
        ...inner,
        get: async (key) => {
          reads++;
          return inner.get(key);
        },
      };
      const fetchToken = vi.fn(async () => ({ token: 't', lifetimeMs: 60_000 }));
      const cache = createTokenCache({ store, key: 'k', fetchToken, refreshMarginMs: 1_000, pollIntervalMs: 5 });
      const controller = new AbortController();
      const pending = cache.get({ signal: controller.signal });
      await vi.waitFor(() => expect(reads).toBeGreaterThan(3));
      const abortedAt = Date.now();
      controller.abort(new Error('gone'));
      await expect(pending).rejects.toThrow('gone');
      expect(Date.now() - abortedAt).toBeLessThan(100);
      const readsAtAbort = reads;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(reads).toBe(readsAtAbort);
      expect(fetchToken).not.toHaveBeenCalled();
    });
  });
});
