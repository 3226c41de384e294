import { describe, expect, it, vi } from 'vitest';
import { createMemoryStore, createTokenCache, type Store, singleFlight } from '../src/index.js';

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
});
