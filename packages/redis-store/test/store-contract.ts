/**
 * The behaviour every vendorkit `Store` must have, as a suite any implementation can
 * run: `storeContract('name', factory)`. Real time throughout, since Redis keeps its
 * own clock.
 */
import { isVendorkitError, type Store } from '@vendorkit/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

/** Makes a fresh store; `close` (if any) runs after the suite. */
export type StoreFactory = () => Promise<{ store: Store; close?: () => Promise<void> }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let suiteCounter = 0;

/** Registers the Store contract suite for the store `factory` makes. */
export function storeContract(name: string, factory: StoreFactory, describeFn = describe): void {
  describeFn(`Store contract: ${name}`, () => {
    const closers: Array<() => Promise<void>> = [];
    // Keys unique to this run, so suites sharing one Redis never see each other's entries.
    const ns = `contract-${process.pid}-${++suiteCounter}-${Date.now()}:`;
    let counter = 0;
    const key = (label: string) => `${ns}${label}-${++counter}`;
    const make = async () => {
      const { store, close } = await factory();
      if (close) closers.push(close);
      return store;
    };
    afterAll(async () => {
      await Promise.all(closers.map((close) => close()));
    });

    it('get resolves undefined for a key never set, and what was set otherwise', async () => {
      const store = await make();
      const k = key('get');
      expect(await store.get(k)).toBeUndefined();
      await store.set(k, 'first');
      expect(await store.get(k)).toBe('first');
      await store.set(k, 'second');
      expect(await store.get(k)).toBe('second');
    });

    it('keeps keys apart, including ones that extend each other', async () => {
      const store = await make();
      const k = key('apart');
      await store.set(k, 'token');
      await store.set(`${k}:lock`, 'owner');
      expect(await store.get(k)).toBe('token');
      expect(await store.get(`${k}:lock`)).toBe('owner');
      await store.delete(`${k}:lock`);
      expect(await store.get(k)).toBe('token');
    });

    it('delete removes a key, and deleting a missing key is fine', async () => {
      const store = await make();
      const k = key('delete');
      await store.set(k, 'v');
      await store.delete(k);
      expect(await store.get(k)).toBeUndefined();
      await expect(store.delete(k)).resolves.toBeUndefined();
    });

    it('setIfAbsent sets only an absent key and leaves a present one untouched', async () => {
      const store = await make();
      const k = key('nx');
      expect(await store.setIfAbsent(k, 'winner')).toBe(true);
      expect(await store.setIfAbsent(k, 'loser')).toBe(false);
      expect(await store.get(k)).toBe('winner');
      await store.delete(k);
      expect(await store.setIfAbsent(k, 'again')).toBe(true);
      expect(await store.get(k)).toBe('again');
    });

    it('setIfAbsent lets exactly one of many concurrent callers win, and keeps its value', async () => {
      const store = await make();
      const k = key('race');
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.setIfAbsent(k, `caller-${i}`, { ttlMs: 10_000 })),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get(k)).toBe(`caller-${results.indexOf(true)}`);
    });

    it('an entry set with a TTL disappears after it, one without stays', async () => {
      const store = await make();
      const shortLived = key('ttl');
      const lasting = key('no-ttl');
      await store.set(shortLived, 'v', { ttlMs: 300 });
      await store.set(lasting, 'v');
      expect(await store.get(shortLived)).toBe('v');
      await sleep(700);
      expect(await store.get(shortLived)).toBeUndefined();
      expect(await store.get(lasting)).toBe('v');
    });

    it('deleteIfEquals deletes only while the key holds the given value', async () => {
      const store = await make();
      const k = key('cad');
      expect(await store.deleteIfEquals(k, 'owner-a')).toBe(false);
      await store.set(k, 'owner-a');
      expect(await store.deleteIfEquals(k, 'owner-b')).toBe(false);
      expect(await store.get(k)).toBe('owner-a');
      expect(await store.deleteIfEquals(k, 'owner-a')).toBe(true);
      expect(await store.get(k)).toBeUndefined();
      expect(await store.deleteIfEquals(k, 'owner-a')).toBe(false);
    });

    it('deleteIfEquals: a claim that expired and was taken by another owner is not released by the first', async () => {
      const store = await make();
      const k = key('cad-expired');
      expect(await store.setIfAbsent(k, 'first-owner', { ttlMs: 100 })).toBe(true);
      await sleep(250);
      expect(await store.setIfAbsent(k, 'second-owner', { ttlMs: 10_000 })).toBe(true);
      expect(await store.deleteIfEquals(k, 'first-owner')).toBe(false);
      expect(await store.get(k)).toBe('second-owner');
    });

    it('deleteIfEquals lets exactly one of many concurrent releasers win', async () => {
      const store = await make();
      const k = key('cad-race');
      await store.set(k, 'owner');
      const results = await Promise.all(Array.from({ length: 30 }, () => store.deleteIfEquals(k, 'owner')));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('deleteIfEquals compares exactly (property: any well-formed value, off-by-one look-alikes)', async () => {
      const store = await make();
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 40 }), async (value) => {
          const k = key('cad-prop');
          await store.set(k, value);
          expect(await store.deleteIfEquals(k, `${value} `)).toBe(false);
          const shorter = Array.from(value).slice(1).join('');
          expect(await store.deleteIfEquals(k, shorter)).toBe(value === shorter);
          if (value !== shorter) expect(await store.deleteIfEquals(k, value)).toBe(true);
          expect(await store.get(k)).toBeUndefined();
        }),
        { numRuns: 50 },
      );
    });

    it('setIfAbsent with a TTL frees the key after it (an abandoned lock expires)', async () => {
      const store = await make();
      const k = key('lock');
      expect(await store.setIfAbsent(k, 'first', { ttlMs: 300 })).toBe(true);
      expect(await store.setIfAbsent(k, 'second', { ttlMs: 300 })).toBe(false);
      await sleep(700);
      expect(await store.setIfAbsent(k, 'third', { ttlMs: 300 })).toBe(true);
      expect(await store.get(k)).toBe('third');
    });

    it('set replaces the TTL: a later set without one keeps the entry, a shorter one expires it', async () => {
      const store = await make();
      const madePermanent = key('permanent');
      const shortened = key('shortened');
      await store.set(madePermanent, 'v1', { ttlMs: 300 });
      await store.set(madePermanent, 'v2');
      await store.set(shortened, 'v1', { ttlMs: 60_000 });
      await store.set(shortened, 'v2', { ttlMs: 300 });
      await sleep(700);
      expect(await store.get(madePermanent)).toBe('v2');
      expect(await store.get(shortened)).toBeUndefined();
    });

    it('rejects nonsensical TTLs with a typed configuration error and stores nothing', async () => {
      const store = await make();
      const k = key('bad-ttl');
      for (const ttlMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        const set = await store.set(k, 'v', { ttlMs }).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(isVendorkitError(set, 'invalid_configuration'), `set ttlMs=${ttlMs}`).toBe(true);
        const nx = await store.setIfAbsent(k, 'v', { ttlMs }).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(isVendorkitError(nx, 'invalid_configuration'), `setIfAbsent ttlMs=${ttlMs}`).toBe(true);
      }
      expect(await store.get(k)).toBeUndefined();
    });

    it('gives back any well-formed key and value exactly (property)', async () => {
      const store = await make();
      const text = fc.string({ unit: 'binary', maxLength: 64 });
      await fc.assert(
        fc.asyncProperty(text, text, async (k, value) => {
          const fullKey = `${ns}prop:${k}`;
          await store.set(fullKey, value, { ttlMs: 60_000 });
          expect(await store.get(fullKey)).toBe(value);
          expect(await store.setIfAbsent(fullKey, `${value}x`)).toBe(false);
          await store.delete(fullKey);
          expect(await store.get(fullKey)).toBeUndefined();
        }),
        { numRuns: 300 },
      );
    });
  });
}
