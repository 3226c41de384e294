export { ConfigurationError, isVendorkitError, StoreError, StoreFullError } from '@vendorkit/core';
export { isRedisStoreError, RedisStoreError, type RedisStoreErrorCode, RedisStoreInputError } from './errors.js';
export {
  createRedisStore,
  type RedisStore,
  type RedisStoreClientOptions,
  type RedisStoreCommonOptions,
  type RedisStoreOptions,
  type RedisStoreUrlOptions,
} from './redis-store.js';
