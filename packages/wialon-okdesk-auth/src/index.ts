export { ConfigurationError, createMemoryStore, isVendorkitError, type Store } from '@vendorkit/core';
export { createWialonAppLink, type WialonAppLinkOptions } from './app-link.js';
export {
  formatWialonAppSettings,
  type WialonAppOption,
  type WialonAppSettings,
  type WialonAppSettingsOptions,
  wialonAppSettings,
} from './app-settings.js';
export {
  createWialonOkdeskAuth,
  type OkdeskApiOptions,
  type WialonOkdeskAuth,
  type WialonOkdeskAuthOptions,
  type WialonOkdeskAuthResult,
} from './auth.js';
export {
  isWialonAuthError,
  statusForReason,
  WIALON_AUTH_REASONS,
  WialonAuthError,
  type WialonAuthErrorDetails,
  type WialonAuthReason,
} from './errors.js';
export { parseLinkParams, type WialonLinkInput, type WialonLinkParams } from './link-params.js';
export { defaultLogger, type WialonOkdeskAuthLogger } from './logger.js';
export { type NodeHandlerOptions, toNodeHandler } from './node-adapter.js';
export {
  type ContactDirectory,
  createOkdeskClient,
  type OkdeskClient,
  type OkdeskClientOptions,
  type OkdeskContact,
  parseOkdeskContact,
  parseOkdeskContactList,
} from './okdesk-client.js';
export {
  matchTrustedBaseUrl,
  normalizeBaseUrl,
  parseTrustedBaseUrls,
  type TrustedWialonBaseUrl,
} from './trusted-base-urls.js';
export {
  parseLogoutAnswer,
  parseUseAuthHashAnswer,
  reasonForWialonError,
  type WialonSession,
} from './wialon-api.js';
