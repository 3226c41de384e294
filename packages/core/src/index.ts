export { readTextUpTo } from './body.js';
export { type CredentialSeal, credentialKey, credentialSeal } from './credentials.js';
export {
  ConfigurationError,
  defineErrorGuard,
  type ErrorGuard,
  isVendorkitError,
  type SharedErrorCode,
  StoreError,
  StoreFullError,
  VendorkitError,
  type VendorkitErrorOptions,
} from './errors.js';
export { parseHttpUrl } from './http.js';
export { REDACTED, redactSecrets, redactUrl } from './redact.js';
export {
  type CheckedRequestOptions,
  type ClientHooks,
  checkRequestOptions,
  createRequester,
  type Logger,
  networkReason,
  parseRetryAfter,
  RETRYABLE_STATUSES,
  type Requester,
  type RequesterOptions,
  type RequesterResponse,
  type RequestFailure,
  type RequestFailureKind,
  type RequestInfo,
  type RequestOptions,
  type RequestSpec,
  type SettleWithinOptions,
  settleWithin,
} from './request.js';
export { singleFlight } from './single-flight.js';
export { createMemoryStore, type MemoryStoreOptions, type Store, type StoreSetOptions, validateTtl } from './store.js';
export {
  createTokenCache,
  type FetchedToken,
  type TokenCache,
  type TokenCacheOptions,
  TokenRenewalTimeoutError,
} from './token-cache.js';
