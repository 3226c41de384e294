/**
 * The renewal lock must outlive the token request it protects (issue 15.6): OfficeRnD passed no
 * lock TTL (core's 30 s default) while its token request may take `timeoutMs` (30 s by default),
 * so a slow request could outlive its lock and a second process would ask too, against a
 * budget of 5 token requests a minute. And the request must really end within `timeoutMs`,
 * body included.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore, type Store } from '@vendorkit/core';
import { isOfficeRnDError, OfficeRnDClient } from '@vendorkit/officernd-client';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection } from './helpers.js';

/** A store that records the TTL of every renewal lock taken. */
function lockRecordingStore(): { store: Store; lockTtls: number[] } {
  const inner = createMemoryStore();
  const lockTtls: number[] = [];
  return {
    lockTtls,
    store: {
      ...inner,
      get: (key) => inner.get(key),
      set: (key, value, options) => inner.set(key, value, options),
      setIfAbsent: (key, value, options) => {
        if (key.endsWith(':lock')) lockTtls.push(options?.ttlMs ?? Number.POSITIVE_INFINITY);
        return inner.setIfAbsent(key, value, options);
      },
    },
  };
}

const okFetch: typeof fetch = async () => Response.json({ access_token: 'lock-test-token', expires_in: 3599 });

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

describe('the token renewal lock', () => {
  it.each([undefined, 45_000, 500])('outlives the token request timeout (timeoutMs %s)', async (timeoutMs) => {
    const { store, lockTtls } = lockRecordingStore();
    const client = new OfficeRnDClient({
      orgSlug: 'acme',
      clientId: 'id',
      clientSecret: 'secret-value',
      store,
      fetch: okFetch,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    await client.getAccessToken();
    expect(lockTtls).toHaveLength(1);
    expect(lockTtls[0]).toBeGreaterThan(timeoutMs ?? 30_000);
  });

  it('a token answer whose body stalls after the headers ends within timeoutMs', async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"access_token":');
      // …and the rest never comes.
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new OfficeRnDClient({
      orgSlug: 'acme',
      clientId: 'id',
      clientSecret: 'secret-value',
      identityUrl: url,
      baseUrl: url,
      timeoutMs: 300,
    });
    const started = Date.now();
    const error = await rejection(client.getAccessToken());
    expect(isOfficeRnDError(error, 'token_request_failed')).toBe(true);
    expect((error as Error).message).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(2_000);
  }, 10_000);
});
