export {
  type ClientHooks,
  ConfigurationError,
  createMemoryStore,
  isVendorkitError,
  type Logger,
  type RequestInfo,
  type RequestOptions,
  type Store,
} from '@vendorkit/core';
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
export type { WialonLinkInput } from './link-params.js';
export type { WialonOkdeskAuthLogger } from './logger.js';
export { type NodeHandlerOptions, toNodeHandler } from './node-adapter.js';
export {
  type ContactDirectory,
  createOkdeskClient,
  type OkdeskClient,
  type OkdeskClientOptions,
  type OkdeskContact,
} from './okdesk-client.js';
