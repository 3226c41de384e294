export {
  type ClientHooks,
  ConfigurationError,
  isVendorkitError,
  type Logger,
  type RequestInfo,
  type RequestOptions,
  type Store,
} from '@vendorkit/core';
export {
  isMcParkenError,
  McParkenError,
  type McParkenErrorCode,
  type McParkenErrorOptions,
  type McParkenTransportCode,
  type McParkenVendorCode,
} from './errors.js';
export type {
  McParkenHttp,
  McParkenHttpBodyOptions,
  McParkenHttpOptions,
  McParkenResponse,
  McParkenResponsePromise,
  SearchParamsInit,
} from './http.js';
export type { McParkenSessionOptions } from './options.js';
export { McParkenSession, type McParkenSessionInfo, type McParkenTokenOptions } from './session.js';
