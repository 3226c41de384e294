import { ConfigurationError, type Store, StoreError, type StoreSetOptions, validateTtl } from '@vendorkit/core';
import { Redis } from 'ioredis';
import { sanitizeError } from './errors.js';
import { assertStorable, describe, parseRedisUrl, readTimeout } from './validate.js';

/** Options shared by both ways of creating a {@link RedisStore}. */
export interface RedisStoreCommonOptions {
  /**
   * Prepended to every key, so vendorkit's entries stay apart from the rest of the
   * database and can be listed with `SCAN MATCH vendorkit:*`. Default `'vendorkit:'`;
   * `''` for none.
   */
  keyPrefix?: string;
  /** How long one command may wait for Redis's reply, in milliseconds. Default 2000. */
  commandTimeoutMs?: number;
  /**
   * How long one command may wait for a connection when there is none (first use,
   * Redis restarting, network down), in milliseconds. Default 2000. Together with
   * `commandTimeoutMs` this bounds every operation.
   */
  connectTimeoutMs?: number;
}

/** Create a store that opens (and owns) its own connection. */
export interface RedisStoreUrlOptions extends RedisStoreCommonOptions {
  /**
   * `redis://[[user]:password@]host[:port][/db]`, or `rediss://…` for TLS. The
   * password never appears in errors this package throws.
   */
  url: string;
  client?: never;
}

/** Create a store on a connection you configured and own (Sentinel, TLS options, sockets…). */
export interface RedisStoreClientOptions extends RedisStoreCommonOptions {
  /**
   * An ioredis 5 `Redis` connection. The store never closes it; it does not change
   * its options or listen to its `error` events. Operations are still bounded by
   * the store's own timeouts.
   */
  client: Redis;
  url?: never;
}

/** Options of {@link createRedisStore}: either a `url` or a `client`. */
export type RedisStoreOptions = RedisStoreUrlOptions | RedisStoreClientOptions;

/** A vendorkit {@link Store} kept in Redis, shared by every process that uses the same Redis and prefix. */
export interface RedisStore extends Store {
  /** The prefix in front of every key this store writes. */
  readonly keyPrefix: string;
  /**
   * Stops the store. A connection the store opened (from `url`) is closed gracefully
   * (pending replies first), or dropped if Redis does not answer within
   * `commandTimeoutMs`. A `client` you passed in is left open: it is yours. Later
   * operations reject with `StoreError`. Idempotent.
   */
  close(): Promise<void>;
  /** The same as {@link RedisStore.close}, under ioredis's name. */
  quit(): Promise<void>;
}

const DEFAULT_PREFIX = 'vendorkit:';
const DEFAULT_COMMAND_TIMEOUT_MS = 2000;
const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
const KNOWN_OPTIONS = new Set(['url', 'client', 'keyPrefix', 'commandTimeoutMs', 'connectTimeoutMs']);
/** Redis takes `PX` as a 64-bit integer; beyond this the entry outlives any deployment anyway. */
const MAX_PX = Number.MAX_SAFE_INTEGER;
/** Deletes KEYS[1] only while it holds ARGV[1], in one step on the server (a claim released only by its owner). */
const COMPARE_AND_DELETE =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

type ReadyWaiter = Promise<void>;

/**
 * Creates a {@link RedisStore} on ioredis 5: `get`; `set` with a TTL (`SET … PX`);
 * an atomic `setIfAbsent` (`SET … NX PX`); `delete`; an atomic `deleteIfEquals` (a Lua
 * script: `GET` and `DEL` in one step).
 *
 * Connecting is lazy: creating a store does no I/O. Every operation settles within
 * `connectTimeoutMs + commandTimeoutMs`; when Redis is unreachable, slow or answers
 * with an error it rejects with core's `StoreError` (code `store_unavailable`), whose
 * message and `cause` never contain the password. A store made from a `url`
 * reconnects by itself when Redis comes back; call {@link RedisStore.close} at
 * shutdown so its reconnect timer does not keep the process alive.
 *
 * A command that timed out may still have been applied by Redis: the store cannot
 * know. A command that could not be sent is never sent later (no offline queue).
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(
      `createRedisStore: expected an options object with url or client, got ${describe(options)}.`,
    );
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw new ConfigurationError(
        `createRedisStore: unknown option ${JSON.stringify(name)}; known options are ${[...KNOWN_OPTIONS].join(', ')}.`,
      );
    }
  }
  const { url, client: givenClient } = options as { url?: unknown; client?: unknown };
  if ((url === undefined) === (givenClient === undefined)) {
    throw new ConfigurationError(
      'createRedisStore: pass exactly one of options.url (the store opens its own connection) or options.client (an ioredis connection you own).',
    );
  }
  const keyPrefix = options.keyPrefix ?? DEFAULT_PREFIX;
  if (typeof keyPrefix !== 'string' || !keyPrefix.isWellFormed()) {
    throw new ConfigurationError(
      `createRedisStore: options.keyPrefix must be a well-formed string such as 'vendorkit:', got ${describe(keyPrefix)}.`,
    );
  }
  const commandTimeoutMs = readTimeout('commandTimeoutMs', options.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS);
  const connectTimeoutMs = readTimeout('connectTimeoutMs', options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS);

  let client: Redis;
  let location: string;
  let secrets: string[];
  const owned = url !== undefined;
  let lastConnectionError: Error | undefined;

  if (owned) {
    ({ location, secrets } = parseRedisUrl(url));
    client = new Redis(url as string, {
      lazyConnect: true,
      // Never queue a command while disconnected: it could run much later (a lock
      // taken after its caller gave up). The store waits for the connection itself.
      enableOfflineQueue: false,
      // Fail commands in flight when the connection drops instead of resending them.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: commandTimeoutMs,
      connectTimeout: connectTimeoutMs,
      // Keep reconnecting (backing off to 2 s) so the store recovers when Redis returns.
      retryStrategy: (attempt: number) => Math.min(attempt * 100, 2000),
    });
    // Listening also stops ioredis printing every failed reconnect to stderr.
    client.on('error', (error: unknown) => {
      lastConnectionError = sanitizeError(error, secrets);
    });
    client.on('ready', () => {
      lastConnectionError = undefined;
    });
  } else {
    client = assertClient(givenClient);
    const { host, port, path } = (client.options ?? {}) as { host?: unknown; port?: unknown; path?: unknown };
    location = typeof path === 'string' && path ? path : `${String(host ?? 'localhost')}:${String(port ?? 6379)}`;
    const password = (client.options as { password?: unknown } | undefined)?.password;
    secrets = typeof password === 'string' && password ? [password] : [];
  }

  const label = `Redis at ${location}`;
  let closed = false;
  let closing: Promise<void> | undefined;
  let readyWaiter: ReadyWaiter | undefined;

  const whenReady = (): ReadyWaiter => {
    if (readyWaiter) return readyWaiter;
    const waiter = new Promise<void>((resolve, reject) => {
      const onReady = () => {
        cleanup();
        resolve();
      };
      const onEnd = () => {
        cleanup();
        reject(new StoreError(`${label}: the connection was closed and will not reconnect.`));
      };
      const cleanup = () => {
        client.off('ready', onReady);
        client.off('end', onEnd);
        readyWaiter = undefined;
      };
      client.on('ready', onReady);
      client.on('end', onEnd);
    });
    // A waiter nobody awaits any more (every caller timed out) must not reject unhandled.
    waiter.catch(() => undefined);
    readyWaiter = waiter;
    if (client.status === 'wait') client.connect().catch(() => undefined);
    return waiter;
  };

  const withDeadline = <T>(promise: Promise<T>, ms: number, onTimeout: () => StoreError): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(onTimeout()), ms);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });

  /** Waits for a usable connection; with `afterDrop`, for the next one even if ioredis still says ready. */
  const ensureConnected = async (operation: string, afterDrop = false): Promise<void> => {
    if (afterDrop) {
      // Let ioredis see the close first; a connection that is ready and writable after that is a new one.
      await new Promise((resolve) => setImmediate(resolve));
      if (client.status === 'ready' && (client as { stream?: { writable?: boolean } }).stream?.writable === true)
        return;
    } else if (client.status === 'ready') {
      return;
    }
    if (client.status === 'end') {
      throw new StoreError(`${label}: cannot ${operation}, the connection is closed.`);
    }
    await withDeadline(whenReady(), connectTimeoutMs, () => {
      const detail = lastConnectionError ? ` (last error: ${lastConnectionError.message})` : '';
      return new StoreError(
        `${label} is unreachable: no connection within ${connectTimeoutMs} ms for ${operation}${detail}.`,
        lastConnectionError ? { cause: lastConnectionError } : {},
      );
    });
  };

  const run = async <T>(operation: string, command: () => Promise<T>): Promise<T> => {
    if (closed) throw new StoreError(`${label}: cannot ${operation}, the store was closed.`);
    const timedOut = () => new StoreError(`${label} did not answer ${operation} within ${commandTimeoutMs} ms.`);
    const send = () => withDeadline(command(), commandTimeoutMs, timedOut);
    try {
      await ensureConnected(operation);
      try {
        return await send();
      } catch (error) {
        if (!wasNotSent(error)) throw error;
        // The socket closed before ioredis noticed (status still "ready"): the command was
        // refused without being sent, so sending it again after the reconnect is safe.
        await ensureConnected(operation, true);
        return await send();
      }
    } catch (error) {
      if (error instanceof StoreError) throw error;
      const cause = sanitizeError(error, secrets);
      // ioredis's own commandTimeout (same length as ours) usually fires first.
      if (cause.message === 'Command timed out') throw timedOut();
      if (cause.name === 'MaxRetriesPerRequestError') {
        throw new StoreError(
          `${label}: the connection dropped before Redis answered ${operation}; it may or may not have been applied.`,
          { cause },
        );
      }
      throw new StoreError(`${label} failed ${operation}: ${cause.message}`, { cause });
    }
  };

  const storageKey = (key: unknown): string => {
    assertStorable('key', key);
    return keyPrefix + key;
  };
  const expiry = (options: StoreSetOptions | undefined): number | undefined => {
    const ttlMs = options?.ttlMs;
    validateTtl(ttlMs);
    return ttlMs === undefined ? undefined : Math.min(Math.ceil(ttlMs), MAX_PX);
  };

  const close = async (): Promise<void> => {
    closed = true;
    if (!owned) return;
    closing ??= (async () => {
      if (client.status === 'ready') {
        try {
          await withDeadline(client.quit(), commandTimeoutMs, () => new StoreError(`${label}: QUIT timed out.`));
        } catch {
          // Dropped below either way.
        }
      }
      client.disconnect();
    })();
    return closing;
  };

  return {
    keyPrefix,
    async get(key) {
      const k = storageKey(key);
      const value = await run('GET', () => client.get(k));
      return value ?? undefined;
    },
    async set(key, value, setOptions) {
      const k = storageKey(key);
      assertStorable('value', value);
      const px = expiry(setOptions);
      await run('SET', () => (px === undefined ? client.set(k, value) : client.set(k, value, 'PX', px)));
    },
    async setIfAbsent(key, value, setOptions) {
      const k = storageKey(key);
      assertStorable('value', value);
      const px = expiry(setOptions);
      const reply = await run('SET NX', () =>
        px === undefined ? client.set(k, value, 'NX') : client.set(k, value, 'PX', px, 'NX'),
      );
      return reply === 'OK';
    },
    async delete(key) {
      const k = storageKey(key);
      await run('DEL', () => client.del(k));
    },
    async deleteIfEquals(key, value) {
      const k = storageKey(key);
      assertStorable('value', value);
      const deleted = await run('compare-and-delete', () => client.eval(COMPARE_AND_DELETE, 1, k, value));
      return deleted === 1;
    },
    close,
    quit: close,
  };
}

/** ioredis's refusal of a command it did not send (socket not writable, offline queue off). */
function wasNotSent(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("Stream isn't writeable");
}

function assertClient(value: unknown): Redis {
  const candidate = value as Partial<Record<'get' | 'set' | 'del' | 'on' | 'off' | 'connect', unknown>> & {
    status?: unknown;
  };
  const looksLikeRedis =
    typeof value === 'object' &&
    value !== null &&
    typeof candidate.status === 'string' &&
    ['get', 'set', 'del', 'on', 'off', 'connect'].every(
      (method) => typeof candidate[method as keyof typeof candidate] === 'function',
    );
  if (!looksLikeRedis) {
    throw new ConfigurationError(
      `createRedisStore: options.client must be an ioredis 5 Redis connection (new Redis(...)), got ${describe(value)}.`,
    );
  }
  return value as Redis;
}
