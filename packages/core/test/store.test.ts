import { describe, expect, it } from 'vitest';
import { ConfigurationError, createMemoryStore } from '../src/index.js';

describe('createMemoryStore', () => {
  it('gets what was set, deletes, and expires entries after their TTL', async () => {
    let now = 1_000;
    const store = createMemoryStore({ now: () => now });
    await store.set('a', '1', { ttlMs: 100 });
    await store.set('b', '2');
    expect(await store.get('a')).toBe('1');
    now += 99;
    expect(await store.get('a')).toBe('1');
    now += 1;
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('b')).toBe('2');
    await store.delete('b');
    expect(await store.get('b')).toBeUndefined();
  });

  it('setIfAbsent succeeds once among concurrent callers, and again after expiry', async () => {
    let now = 0;
    const store = createMemoryStore({ now: () => now });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.setIfAbsent('k', String(i), { ttlMs: 10 })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.get('k')).toBe(String(results.indexOf(true)));
    now = 10;
    expect(await store.setIfAbsent('k', 'late', { ttlMs: 10 })).toBe(true);
  });

  it('evicts the oldest entry beyond maxEntries', async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    await store.set('a', '1');
    await store.set('b', '2');
    await store.set('c', '3');
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('c')).toBe('3');
  });

  it('rejects nonsensical TTLs and sizes with a typed error', async () => {
    const store = createMemoryStore();
    await expect(store.set('a', '1', { ttlMs: 0 })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(store.set('a', '1', { ttlMs: Number.NaN })).rejects.toThrow(/positive number/);
    expect(() => createMemoryStore({ maxEntries: 0 })).toThrow(ConfigurationError);
  });
});
