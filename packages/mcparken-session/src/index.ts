export { ConfigurationError, isVendorkitError } from '@vendorkit/core';
export {
  isMcParkenError,
  McParkenError,
  type McParkenErrorCode,
  type McParkenErrorOptions,
  type McParkenTransportCode,
  type McParkenVendorCode,
} from './errors.js';
export {
  DEFAULT_BASE_URL,
  DEFAULT_REFRESH_MARGIN_SECONDS,
  DEFAULT_REFUSED_LOGIN_COOLDOWN_MS,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  type McParkenSessionOptions,
} from './options.js';
export { McParkenSession, type McParkenSessionInfo, sessionCallBudgetMs } from './session.js';
export {
  type ParsedSession,
  parseSessionAnswer,
  parseVendorTime,
  type SessionAnswer,
  sessionResponseSchema,
  tokenLifetimeMs,
} from './session-response.js';
export { detectVendorError, isExpiredTokenError, type VendorErrorBody } from './vendor-error.js';
