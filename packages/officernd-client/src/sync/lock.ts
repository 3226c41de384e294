import type { Store } from '@vendorkit/core';

/**
 * Waiters per store and key in this process, woken as soon as a holder here releases, so that
 * workers sharing one store in one process do not wait for the next poll. Waiters on other
 * processes (a shared Redis) find the key free on their next poll.
 */
const waiters = new WeakMap<Store, Map<string, Set<() => void>>>();

const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 50;

/** A unique owner token (claims and locks are released only by the owner of the token). */
export function ownerToken(): string {
  return crypto.randomUUID();
}

function wake(store: Store, key: string): void {
  const byKey = waiters.get(store);
  const set = byKey?.get(key);
  if (!set) return;
  byKey!.delete(key);
  for (const resolve of set) resolve();
}

/**
 * Resolves when a holder in this process releases `key`, or after `ms` (the next poll); rejects
 * with the signal's reason as soon as `signal` aborts, its timer cleared and its waiter removed.
 */
function released(store: Store, key: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let byKey = waiters.get(store);
    if (!byKey) {
      byKey = new Map();
      waiters.set(store, byKey);
    }
    const map = byKey;
    const set = map.get(key) ?? new Set<() => void>();
    map.set(key, set);
    const stop = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      set.delete(done);
      if (set.size === 0 && map.get(key) === set) map.delete(key);
    };
    const done = () => {
      stop();
      resolve();
    };
    const aborted = () => {
      stop();
      reject(signal?.reason);
    };
    const timer = setTimeout(done, ms);
    set.add(done);
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/** How long to hold a lock and how long to wait for it. */
export interface LockTiming {
  ttlMs: number;
  waitMs: number;
  now: () => number;
}

/**
 * Takes `key` (setIfAbsent with a TTL and a fresh owner token), polling while someone else holds
 * it. Resolves the token, or `undefined` when the lock stayed taken for `waitMs`. An abort of
 * `signal` ends the wait at once with the signal's reason.
 */
export async function acquireLock(
  store: Store,
  key: string,
  timing: LockTiming,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const token = ownerToken();
  const deadline = timing.now() + timing.waitMs;
  for (let poll = FIRST_POLL_MS; ; poll = Math.min(poll * 2, MAX_POLL_MS)) {
    signal?.throwIfAborted();
    if (await store.setIfAbsent(key, token, { ttlMs: timing.ttlMs })) return token;
    if (timing.now() >= deadline) return undefined;
    await released(store, key, poll, signal);
  }
}

/**
 * Releases `key` if it still holds `token` (compare-and-delete). Resolves `true` when it did:
 * the lock was held without a break since it was taken (it cannot expire and come back with
 * the same token). `false` means it expired meanwhile and someone else may have held it.
 */
export async function releaseLock(store: Store, key: string, token: string): Promise<boolean> {
  try {
    return await store.deleteIfEquals(key, token);
  } finally {
    wake(store, key);
  }
}
