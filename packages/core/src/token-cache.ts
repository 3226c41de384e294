import { type CredentialSeal, credentialKey, credentialSeal } from './credentials.js';
import { ConfigurationError, VendorkitError } from './errors.js';
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
  /**
   * The credentials the token is made from. The store key is `namespace:` + a SHA-256 digest of
   * every part, and the stored token is encrypted with a key derived from them (AES-256-GCM), so
   * callers with other credentials — a wrong password, another tenant on the same store — never
   * see this token, and nobody reads it out of the store without these credentials. Pass all the
   * material: ids, secrets, scopes, URLs. The lock lives at `${storeKey}:lock`.
   */
  credentials?: { namespace: string; material: readonly string[] };
  /**
   * A fixed store key instead of `credentials`; the token is then stored in the clear. Only for
   * tokens that need no credentials to tell apart (tests, single-tenant stores you own).
   */
  key?: string;
  /**
   * Asks the vendor for a new token. Called at most once at a time per cache, and per store while
   * the lock holds. `signal` aborts when every caller waiting for this renewal has given up.
   */
  fetchToken: (signal: AbortSignal) => Promise<FetchedToken>;
  /**
   * Renew this many milliseconds before the token expires. For tokens that live less than four
   * times this margin, a quarter of their lifetime is used instead, so a short-lived token is
   * still reused for most of its life rather than renewed on every call.
   */
  refreshMarginMs: number;
  /** After a failed fetch, rethrow that failure for this long instead of asking again (protects rate-limited token endpoints). Default 0. */
  failureCooldownMs?: number;
  /**
   * How long another process may hold the renewal lock before it is presumed dead. Must be longer
   * than `fetchToken` can take (its total timeout, retries included), or a slow renewal loses its
   * lock to a second one. Default 30 s.
   */
  lockTtlMs?: number;
  /** How often to look for a token renewed by another process while waiting. Default 50 ms. */
  pollIntervalMs?: number;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
}

/** A cached, self-renewing token shared by every caller (and every process on the same store). */
export interface TokenCache {
  /**
   * A token valid for at least the refresh margin; renews when needed, one request for all waiting
   * callers. An aborted `signal` rejects this call at once with its reason; the renewal goes on for
   * the other callers and is abandoned (its request aborted, its lock released) when none is left.
   */
  get(options?: { signal?: AbortSignal }): Promise<string>;
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

interface Slot {
  key: string;
  lockKey: string;
  seal: CredentialSeal | undefined;
}

export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const { store, fetchToken, refreshMarginMs } = options;
  if ((options.key === undefined) === (options.credentials === undefined)) {
    throw new ConfigurationError('createTokenCache: pass exactly one of `credentials` or `key`.');
  }
  const now = options.now ?? Date.now;
  const lockTtlMs = options.lockTtlMs ?? 30_000;
  if (!Number.isFinite(lockTtlMs) || lockTtlMs <= 0) {
    throw new ConfigurationError(`createTokenCache: lockTtlMs must be a positive number, got ${String(lockTtlMs)}.`);
  }
  const pollIntervalMs = options.pollIntervalMs ?? 50;
  const failureCooldownMs = options.failureCooldownMs ?? 0;

  let local: StoredToken | undefined;
  let lastFailure: { error: unknown; at: number } | undefined;

  const { credentials } = options;
  let slotPromise: Promise<Slot> | undefined;
  const slot = (): Promise<Slot> => {
    slotPromise ??= (async (): Promise<Slot> => {
      if (credentials === undefined) {
        const key = options.key as string;
        return { key, lockKey: `${key}:lock`, seal: undefined };
      }
      const [key, seal] = await Promise.all([
        credentialKey(credentials.namespace, credentials.material),
        credentialSeal(credentials.material),
      ]);
      return { key, lockKey: `${key}:lock`, seal };
    })();
    return slotPromise;
  };

  const fresh = (t: StoredToken | undefined): t is StoredToken => t !== undefined && t.refreshAt > now();

  /** The stored entry as written (for compare-and-delete) and as read. */
  const readStore = async (): Promise<{ raw: string; entry: StoredToken | undefined } | undefined> => {
    const { key, seal } = await slot();
    const raw = await store.get(key);
    if (raw === undefined) return undefined;
    const text = seal === undefined ? raw : await seal.open(raw);
    if (text === undefined) return { raw, entry: undefined };
    try {
      const parsed = JSON.parse(text) as StoredToken;
      const valid =
        typeof parsed.token === 'string' &&
        typeof parsed.expiresAt === 'number' &&
        typeof parsed.refreshAt === 'number';
      return { raw, entry: valid ? parsed : undefined };
    } catch {
      return { raw, entry: undefined };
    }
  };
  const readEntry = async () => (await readStore())?.entry;

  const fetchAndStore = async (signal: AbortSignal): Promise<StoredToken> => {
    if (lastFailure && now() - lastFailure.at < failureCooldownMs) throw lastFailure.error;
    let fetched: FetchedToken;
    try {
      fetched = await fetchToken(signal);
    } catch (error) {
      // An abandoned renewal is not the vendor's failure: do not hold it against the next caller.
      if (!signal.aborted) lastFailure = { error, at: now() };
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
    if (fetched.lifetimeMs > 0) {
      const { key, seal } = await slot();
      const text = JSON.stringify(entry);
      await store.set(key, seal === undefined ? text : await seal.seal(text), { ttlMs: fetched.lifetimeMs });
    }
    return entry;
  };

  /** Releases the renewal lock only while it is still ours (it may have expired and been taken). */
  const releaseLock = async (lockKey: string, owner: string) => {
    try {
      await store.deleteIfEquals(lockKey, owner);
    } catch {
      // The lock expires by itself; a failed release must not hide the renewal's own outcome.
    }
  };

  const renew = async (signal: AbortSignal): Promise<StoredToken> => {
    const { lockKey } = await slot();
    const owner = `${now()}-${randomId()}`;
    const deadline = now() + 2 * lockTtlMs;
    for (;;) {
      signal.throwIfAborted();
      const shared = await readEntry();
      if (fresh(shared)) return shared;
      let acquired: boolean;
      try {
        acquired = await store.setIfAbsent(lockKey, owner, { ttlMs: lockTtlMs });
      } catch (error) {
        // A timed-out acquire may still be applied by the store later: without this release the
        // lock would be held by nobody for its whole TTL, and every process would wait that long.
        await releaseLock(lockKey, owner);
        throw error;
      }
      if (acquired) {
        try {
          // Another process may have renewed and released the lock since our read above.
          const renewed = await readEntry();
          if (fresh(renewed)) return renewed;
          return await fetchAndStore(signal);
        } finally {
          await releaseLock(lockKey, owner);
        }
      }
      if (now() > deadline) throw new TokenRenewalTimeoutError();
      await sleep(pollIntervalMs, signal);
    }
  };

  /** The renewal in flight, shared by every caller; abandoned when all its callers gave up. */
  let flight: { promise: Promise<StoredToken>; controller: AbortController; waiters: number } | undefined;

  const joinRenewal = (signal: AbortSignal | undefined): Promise<StoredToken> => {
    if (flight === undefined || flight.controller.signal.aborted) {
      const controller = new AbortController();
      const started = { controller, waiters: 0, promise: renew(controller.signal) };
      started.promise
        .finally(() => {
          if (flight === started) flight = undefined;
        })
        .catch(() => undefined);
      flight = started;
    }
    const joined = flight;
    joined.waiters++;
    if (signal === undefined) {
      return joined.promise.finally(() => {
        joined.waiters--;
      });
    }
    return new Promise<StoredToken>((resolve, reject) => {
      let settled = false;
      const leave = () => {
        settled = true;
        joined.waiters--;
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        if (settled) return;
        leave();
        if (joined.waiters === 0) joined.controller.abort(signal.reason);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      joined.promise.then(
        (value) => {
          if (settled) return;
          leave();
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          leave();
          reject(error);
        },
      );
    });
  };

  return {
    async get(options = {}) {
      const { signal } = options;
      signal?.throwIfAborted();
      if (fresh(local)) return local.token;
      const shared = await readEntry();
      signal?.throwIfAborted();
      local = fresh(shared) ? shared : await joinRenewal(signal);
      return local.token;
    },
    async invalidate(token) {
      if (local?.token === token) local = undefined;
      const shared = await readStore();
      if (shared?.entry?.token === token) await store.deleteIfEquals((await slot()).key, shared.raw);
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function randomId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(12));
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}
