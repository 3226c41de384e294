import { VendorkitError } from './errors.js';
import { singleFlight } from './single-flight.js';
import type { Store } from './store.js';

/** A freshly fetched token and how long it lives, counted from when it was received. */
export interface FetchedToken {
  token: string;
  /** Lifetime in milliseconds from receipt. Using a duration, not the vendor's wall-clock expiry, keeps a skewed local clock harmless. */
  lifetimeMs: number;
}

/** Options of {@link createTokenCache}. */
export interface TokenCacheOptions {
  /** Where the token (and the renewal lock) are kept; share a store to share tokens between processes. */
  store: Store;
  /** Store key of the token; the lock lives at `${key}:lock`. Make it unique per account. */
  key: string;
  /** Asks the vendor for a new token. Called at most once at a time per cache, and per store while the lock holds. */
  fetchToken: () => Promise<FetchedToken>;
  /**
   * Renew this many milliseconds before the token expires. For tokens that live less than four
   * times this margin, a quarter of their lifetime is used instead, so a short-lived token is
   * still reused for most of its life rather than renewed on every call.
   */
  refreshMarginMs: number;
  /** After a failed fetch, rethrow that failure for this long instead of asking again (protects rate-limited token endpoints). Default 0. */
  failureCooldownMs?: number;
  /** How long another process may hold the renewal lock before it is presumed dead. Default 30 s. */
  lockTtlMs?: number;
  /** How often to look for a token renewed by another process while waiting. Default 50 ms. */
  pollIntervalMs?: number;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
}

/** A cached, self-renewing token shared by every caller (and every process on the same store). */
export interface TokenCache {
  /** A token valid for at least the refresh margin; renews when needed, one request for all waiting callers. */
  get(): Promise<string>;
  /** Forget `token` (e.g. after the vendor said it expired) unless a newer one already replaced it. */
  invalidate(token: string): Promise<void>;
}

interface StoredToken {
  token: string;
  expiresAt: number;
  /** When to renew: `expiresAt` less the effective margin of this token. */
  refreshAt: number;
}

/** Thrown when a token renewed by another process did not appear within the lock's lifetime. */
export class TokenRenewalTimeoutError extends VendorkitError<'token_renewal_timeout'> {
  override readonly name: string = 'TokenRenewalTimeoutError';

  constructor() {
    super('token_renewal_timeout', 'Timed out waiting for another process to renew the access token.');
  }
}

export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const { store, key, fetchToken, refreshMarginMs } = options;
  const now = options.now ?? Date.now;
  const lockKey = `${key}:lock`;
  const lockTtlMs = options.lockTtlMs ?? 30_000;
  const pollIntervalMs = options.pollIntervalMs ?? 50;
  const failureCooldownMs = options.failureCooldownMs ?? 0;

  let local: StoredToken | undefined;
  let lastFailure: { error: unknown; at: number } | undefined;

  const fresh = (t: StoredToken | undefined): t is StoredToken => t !== undefined && t.refreshAt > now();

  const readStore = async (): Promise<StoredToken | undefined> => {
    const raw = await store.get(key);
    if (raw === undefined) return undefined;
    try {
      const parsed = JSON.parse(raw) as StoredToken;
      return typeof parsed.token === 'string' &&
        typeof parsed.expiresAt === 'number' &&
        typeof parsed.refreshAt === 'number'
        ? parsed
        : undefined;
    } catch {
      return undefined;
    }
  };

  const fetchAndStore = async (): Promise<StoredToken> => {
    if (lastFailure && now() - lastFailure.at < failureCooldownMs) throw lastFailure.error;
    let fetched: FetchedToken;
    try {
      fetched = await fetchToken();
    } catch (error) {
      lastFailure = { error, at: now() };
      throw error;
    }
    lastFailure = undefined;
    const receivedAt = now();
    const margin = Math.min(refreshMarginMs, fetched.lifetimeMs / 4);
    const entry = {
      token: fetched.token,
      expiresAt: receivedAt + fetched.lifetimeMs,
      refreshAt: receivedAt + fetched.lifetimeMs - margin,
    };
    if (fetched.lifetimeMs > 0) await store.set(key, JSON.stringify(entry), { ttlMs: fetched.lifetimeMs });
    return entry;
  };

  const renew = singleFlight(async (): Promise<StoredToken> => {
    const owner = `${now()}-${Math.random().toString(36).slice(2)}`;
    const deadline = now() + 2 * lockTtlMs;
    for (;;) {
      const shared = await readStore();
      if (fresh(shared)) return shared;
      if (await store.setIfAbsent(lockKey, owner, { ttlMs: lockTtlMs })) {
        try {
          // Another process may have renewed and released the lock since our read above.
          const renewed = await readStore();
          if (fresh(renewed)) return renewed;
          return await fetchAndStore();
        } finally {
          if ((await store.get(lockKey)) === owner) await store.delete(lockKey);
        }
      }
      if (now() > deadline) throw new TokenRenewalTimeoutError();
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
  });

  return {
    async get() {
      if (fresh(local)) return local.token;
      const shared = await readStore();
      local = fresh(shared) ? shared : await renew();
      return local.token;
    },
    async invalidate(token) {
      if (local?.token === token) local = undefined;
      const shared = await readStore();
      if (shared?.token === token) await store.delete(key);
    },
  };
}
