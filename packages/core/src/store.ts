import { ConfigurationError, StoreFullError } from './errors.js';

/** Options for {@link Store.set} and {@link Store.setIfAbsent}. */
export interface StoreSetOptions {
  /** Time to live in milliseconds; omitted means no expiry. */
  ttlMs?: number;
}

/**
 * Where vendorkit keeps state that may be shared between processes: cached tokens,
 * renewal locks, replayed Wialon hashes, processed webhook ids.
 *
 * Values are strings (callers serialise). Every method may reject with a
 * `StoreError` when the backend is unreachable; none may hang forever. A bounded store
 * must never evict a live entry to make room (that would forget a replay mark or a lock
 * someone holds): it rejects the write with a `StoreFullError` instead.
 */
export interface Store {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: StoreSetOptions): Promise<void>;
  /** Atomically sets `key` only when it is absent; resolves `true` when this call set it. */
  setIfAbsent(key: string, value: string, options?: StoreSetOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
  /**
   * Atomically deletes `key` only while it still holds `value`; resolves `true` when this
   * call deleted it. This is how a claim (a lock, a lease, a processing mark) is released:
   * only by its owner, never after it expired and someone else took it.
   */
  deleteIfEquals(key: string, value: string): Promise<boolean>;
}

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
  /**
   * Live entries kept at most. When full, expired entries are purged; if none are, a new key is
   * refused with a `StoreFullError` (code `store_full`) — a live entry is never evicted.
   * Default 100 000.
   */
  maxEntries?: number;
}

/**
 * The default {@link Store}: a `Map` in this process, with TTLs. Shares nothing with
 * other processes; use `@vendorkit/redis-store` for that.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new ConfigurationError('createMemoryStore: maxEntries must be a positive integer.');
  }
  const entries = new Map<string, { value: string; expiresAt: number }>();

  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const purgeExpired = () => {
    const at = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
  };
  const write = (key: string, value: string, ttlMs: number | undefined) => {
    validateTtl(ttlMs);
    if (!entries.has(key) && entries.size >= maxEntries) {
      purgeExpired();
      if (entries.size >= maxEntries) {
        throw new StoreFullError(
          `The in-memory store holds ${maxEntries} live entries and refuses more rather than forget one. Raise maxEntries, or share a Redis store (@vendorkit/redis-store).`,
        );
      }
    }
    entries.set(key, { value, expiresAt: ttlMs === undefined ? Number.POSITIVE_INFINITY : now() + ttlMs });
  };

  return {
    async get(key) {
      return live(key)?.value;
    },
    async set(key, value, opts) {
      write(key, value, opts?.ttlMs);
    },
    async setIfAbsent(key, value, opts) {
      if (live(key) !== undefined) return false;
      write(key, value, opts?.ttlMs);
      return true;
    },
    async delete(key) {
      entries.delete(key);
    },
    async deleteIfEquals(key, value) {
      if (live(key)?.value !== value) return false;
      entries.delete(key);
      return true;
    },
  };
}

export function validateTtl(ttlMs: number | undefined): void {
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw new ConfigurationError(`Store TTL must be a positive number of milliseconds, got ${String(ttlMs)}.`);
  }
}
