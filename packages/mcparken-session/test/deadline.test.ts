/**
 * Issue 15 item 6: the renewal lock must outlive the session call it protects. The call's
 * deadline holds even for a `fetch` that ignores its abort signal, so the longest a login can take
 * is known (`sessionCallBudgetMs`) and the lock lives longer than that.
 */
import { createMemoryStore } from '@vendorkit/core';
import { describe, expect, it, vi } from 'vitest';
import { isMcParkenError, McParkenSession } from '../src/index.js';
import { DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS } from '../src/options.js';
import { sessionCallBudgetMs } from '../src/session.js';
import { caught } from './helpers.js';

const CREDENTIALS = { apiKey: 'deadline-apikey', username: 'deadline@example.com', password: 'deadline-password' };
// McParken's documented session answer (VENDORS.md §4 [C], seed 004).
const SESSION_BODY = JSON.stringify({
  access_token: 'deadline-token',
  expires_in: '1640557975',
  token_type: 'bearer',
  issued: '2021-12-26 23:31:55 +01:00',
  expires: '2021-12-26 23:32:55 +01:00',
});
/** A fetch that never answers and ignores its abort signal (some wrappers and polyfills do). */
const deafFetch: typeof fetch = () => new Promise<Response>(() => undefined);

describe('the session call has a hard deadline', () => {
  it('a fetch that ignores its signal: timeout within timeoutMs, not a hang', async () => {
    const session = new McParkenSession({ ...CREDENTIALS, fetch: deafFetch, timeoutMs: 200 });
    const started = performance.now();
    const error = await caught(session.getAccessToken());
    expect(isMcParkenError(error, 'timeout')).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('another process waiting on the lock gets its token as soon as the stuck login times out', async () => {
    const store = createMemoryStore();
    const stuck = new McParkenSession({ ...CREDENTIALS, store, fetch: deafFetch, timeoutMs: 300 });
    let logins = 0;
    const working = new McParkenSession({
      ...CREDENTIALS,
      store,
      timeoutMs: 300,
      fetch: async () => {
        logins += 1;
        return new Response(SESSION_BODY, { headers: { 'content-type': 'application/json' } });
      },
    });
    const stuckCall = caught(stuck.getAccessToken());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    expect(await working.getAccessToken()).toBe('deadline-token');
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(isMcParkenError(await stuckCall, 'timeout')).toBe(true);
    expect(logins).toBe(1);
  });

  it('the renewal lock lives longer than the longest session call (every attempt and wait)', async () => {
    for (const options of [{}, { timeoutMs: 30_000, retries: 5 }, { timeoutMs: 1, retries: 0 }]) {
      const store = createMemoryStore();
      const setIfAbsent = vi.spyOn(store, 'setIfAbsent');
      const session = new McParkenSession({
        ...CREDENTIALS,
        ...options,
        store,
        fetch: async () => new Response(SESSION_BODY, { headers: { 'content-type': 'application/json' } }),
      });
      await session.getAccessToken();
      const lockTtlMs = setIfAbsent.mock.calls[0]?.[2]?.ttlMs ?? 0;
      const budget = sessionCallBudgetMs(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.retries ?? DEFAULT_RETRIES);
      expect(lockTtlMs).toBeGreaterThan(budget);
      // …but not by much more than the store round trips: an orphaned lock delays every other process.
      expect(lockTtlMs - budget).toBeLessThanOrEqual(5_000);
    }
    // Defaults: 3 attempts × 10 s + 2 waits of at most 5 s.
    expect(sessionCallBudgetMs(DEFAULT_TIMEOUT_MS, DEFAULT_RETRIES)).toBe(40_000);
  });
});
