export { RedisStoreError, RedisStoreInputError } from './errors.js';
export {
  createRedisStore,
  type RedisStore,
  type RedisStoreClientOptions,
  type RedisStoreCommonOptions,
  type RedisStoreOptions,
  type RedisStoreUrlOptions,
} from './redis-store.js';
