import { defineErrorGuard, redactSecrets, VendorkitError, type VendorkitErrorOptions } from '@vendorkit/core';

/**
 * Base class of the errors `@vendorkit/redis-store` defines itself. An unreachable or
 * failing Redis is reported with core's `StoreError` (code `store_unavailable`) instead,
 * the error every {@link https://www.npmjs.com/package/@vendorkit/core | Store} may throw.
 */
export class RedisStoreError extends VendorkitError<RedisStoreErrorCode> {
  static override readonly family: string = 'redis-store';
  override readonly name: string = 'RedisStoreError';
}

/** Codes of {@link RedisStoreError}s: `invalid_store_input`. */
export type RedisStoreErrorCode = 'invalid_store_input';

/**
 * True when `value` is a {@link RedisStoreError} (from any copy of this package, also in minified
 * bundles), optionally with `code`; also true for the shared vendorkit errors, such as the
 * `StoreError` (`store_unavailable`) an unreachable Redis produces.
 */
export const isRedisStoreError = defineErrorGuard<RedisStoreError, RedisStoreErrorCode>('redis-store');

/**
 * Thrown when a key or value cannot be stored faithfully: not a string, or a string
 * with a lone UTF-16 surrogate. Redis stores bytes; such a string would come back
 * altered, and two different keys could collide.
 */
export class RedisStoreInputError extends RedisStoreError {
  override readonly name: string = 'RedisStoreInputError';

  constructor(message: string, options: VendorkitErrorOptions = {}) {
    super('invalid_store_input', message, options);
  }
}

/**
 * A copy of `error` that is safe to keep as a `cause`: only its name, its redacted
 * message and a string `code` (e.g. `ECONNREFUSED`). ioredis errors carry the
 * command and its arguments (an `AUTH` password, a stored token), which must not
 * travel with our errors.
 */
export function sanitizeError(error: unknown, secrets: readonly string[]): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const safe = new Error(redactSecrets(source.message, secrets));
  safe.name = typeof source.name === 'string' ? source.name : 'Error';
  const code = (source as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(safe, { code });
  return safe;
}
