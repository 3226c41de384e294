import { ConfigurationError } from './errors.js';

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
 * `StoreError` when the backend is unreachable; none may hang forever.
 */
export interface Store {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: StoreSetOptions): Promise<void>;
  /** Atomically sets `key` only when it is absent; resolves `true` when this call set it. */
  setIfAbsent(key: string, value: string, options?: StoreSetOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
}

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
  /** Entries kept at most; the oldest are evicted beyond it. Default 100 000. */
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
  const write = (key: string, value: string, ttlMs: number | undefined) => {
    validateTtl(ttlMs);
    entries.delete(key);
    entries.set(key, { value, expiresAt: ttlMs === undefined ? Number.POSITIVE_INFINITY : now() + ttlMs });
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
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
  };
}

export function validateTtl(ttlMs: number | undefined): void {
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw new ConfigurationError(`Store TTL must be a positive number of milliseconds, got ${String(ttlMs)}.`);
  }
}
