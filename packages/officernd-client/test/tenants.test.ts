/**
 * Tokens of several tenants in one store (issue 15.1): the cache key used to be identity URL +
 * client id + scopes, so a caller with a WRONG client secret on a shared store was handed the
 * token another caller obtained, without any token request. Now the key is a digest of all the
 * credential material, so a token cannot be read out of a store without the credentials that
 * made it.
 */
import { createMemoryStore, type Store } from '@vendorkit/core';
import { isOfficeRnDError, type OfficeRnDClientOptions } from '@vendorkit/officernd-client';
import { generateMockData } from '@vendorkit/officernd-client/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, rejection, SECRET, setupMock } from './helpers.js';

let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
});
function setup(options: Parameters<typeof setupMock>[0] = {}) {
  const ctx = setupMock(options);
  close = ctx.close;
  return ctx;
}

/** A store that records every key written. */
function recordingStore(): { store: Store; keys: string[] } {
  const inner = createMemoryStore();
  const keys: string[] = [];
  const store: Store = {
    ...inner,
    get: (key) => inner.get(key),
    set: (key, value, options) => {
      keys.push(key);
      return inner.set(key, value, options);
    },
    setIfAbsent: (key, value, options) => {
      keys.push(key);
      return inner.setIfAbsent(key, value, options);
    },
  };
  return { store, keys };
}

describe('two tenants on one token store', () => {
  it('a wrong client secret does not get the token another tenant obtained: it asks, and is refused', async () => {
    const { clientFor, mock } = setup({ seed: generateMockData(3) });
    const store = createMemoryStore();
    const tenantA = clientFor({ store });
    expect(await collect(tenantA.members.list())).toHaveLength(3);
    expect(mock.stats.tokenRequests).toBe(1);

    const tenantB = clientFor({ store, clientSecret: 'wrong-secret-of-tenant-b' });
    const error = await rejection(tenantB.members.page());
    expect(isOfficeRnDError(error, 'token_request_failed')).toBe(true);
    expect(error).toMatchObject({ status: 401, vendorError: 'invalid_client' });
    expect(mock.stats.tokenRequests).toBe(2);
    expect(mock.stats.requests).toBe(1);
    await expect(tenantB.getAccessToken()).rejects.toMatchObject({ code: 'token_request_failed' });
  });

  it('the stored token is sealed: the store never holds it in the clear', async () => {
    const { clientFor } = setup();
    const values: string[] = [];
    const inner = createMemoryStore();
    const store: Store = {
      ...inner,
      get: (key) => inner.get(key),
      set: (key, value, options) => {
        values.push(value);
        return inner.set(key, value, options);
      },
    };
    const token = await clientFor({ store }).getAccessToken();
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) expect(value).not.toContain(token);
  });

  it('the same credentials on the same store share one token', async () => {
    const { clientFor, mock } = setup();
    const store = createMemoryStore();
    await clientFor({ store }).members.page();
    await clientFor({ store }).members.page();
    expect(mock.stats.tokenRequests).toBe(1);
  });

  it('keys are a digest: no secret, no client id, and a different key for any change of credential material', async () => {
    const { clientFor } = setup();
    const variants: Array<Partial<OfficeRnDClientOptions>> = [
      {},
      { clientSecret: `${SECRET}-rotated` },
      { clientId: 'app-2' },
      { scopes: ['flex.community.members.read'] },
      { identityUrl: 'https://identity.eu.example' },
      { baseUrl: 'https://eu.example' },
    ];
    const keysPerVariant: string[] = [];
    for (const variant of variants) {
      const { store, keys } = recordingStore();
      // Only the key matters here: the request may fail (unknown app, unserved host).
      await clientFor({ store, ...variant, fetch: async () => Response.json({ access_token: 'x' }) }).getAccessToken();
      const tokenKey = keys.find((key) => !key.endsWith(':lock'));
      expect(tokenKey).toMatch(/^officernd:token:[0-9a-f]{64}$/);
      for (const key of keys) {
        expect(key).not.toContain(SECRET);
        expect(key).not.toContain('app-1');
      }
      keysPerVariant.push(tokenKey!);
    }
    expect(new Set(keysPerVariant).size).toBe(variants.length);
  });
});
