import { describe, expect, it } from 'vitest';
import { ConfigurationError, createMemoryStore, isVendorkitError, StoreFullError } from '../src/index.js';

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

  it('never evicts a live entry: when full it purges expired ones, then refuses with store_full', async () => {
    let now = 0;
    const store = createMemoryStore({ maxEntries: 2, now: () => now });
    await store.set('a', '1', { ttlMs: 100 });
    await store.set('b', '2');
    const refused = await store.set('c', '3').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreFullError);
    expect(isVendorkitError(refused, 'store_full')).toBe(true);
    await expect(store.setIfAbsent('c', '3')).rejects.toBeInstanceOf(StoreFullError);
    expect(await store.get('a')).toBe('1');
    expect(await store.get('b')).toBe('2');
    // Overwriting a key that is already there needs no room.
    await store.set('b', '2b');
    expect(await store.get('b')).toBe('2b');
    now = 100; // 'a' has expired: its room is reused.
    expect(await store.setIfAbsent('c', '3')).toBe(true);
    expect(await store.get('c')).toBe('3');
    expect(await store.get('b')).toBe('2b');
  });

  it('a replay mark survives a flood of other marks (the store refuses the flood, not the mark)', async () => {
    const store = createMemoryStore({ maxEntries: 1_000 });
    expect(await store.setIfAbsent('used:victim', '1', { ttlMs: 120_000 })).toBe(true);
    let refused = 0;
    for (let i = 0; i < 5_000; i++) {
      try {
        await store.setIfAbsent(`used:junk-${i}`, '1', { ttlMs: 120_000 });
      } catch (error) {
        if (!(error instanceof StoreFullError)) throw error;
        refused++;
      }
    }
    expect(refused).toBe(4_001);
    expect(await store.setIfAbsent('used:victim', '1', { ttlMs: 120_000 })).toBe(false);
  });

  it("deleteIfEquals releases only the owner's claim", async () => {
    let now = 0;
    const store = createMemoryStore({ now: () => now });
    expect(await store.setIfAbsent('lock', 'me', { ttlMs: 10 })).toBe(true);
    expect(await store.deleteIfEquals('lock', 'someone-else')).toBe(false);
    now = 10;
    expect(await store.setIfAbsent('lock', 'next-owner', { ttlMs: 10 })).toBe(true);
    expect(await store.deleteIfEquals('lock', 'me')).toBe(false);
    expect(await store.get('lock')).toBe('next-owner');
    expect(await store.deleteIfEquals('lock', 'next-owner')).toBe(true);
    expect(await store.get('lock')).toBeUndefined();
  });

  it('rejects nonsensical TTLs and sizes with a typed error', async () => {
    const store = createMemoryStore();
    await expect(store.set('a', '1', { ttlMs: 0 })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(store.set('a', '1', { ttlMs: Number.NaN })).rejects.toThrow(/positive number/);
    expect(() => createMemoryStore({ maxEntries: 0 })).toThrow(ConfigurationError);
  });
});
