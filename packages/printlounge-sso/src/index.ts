export { ConfigurationError, isVendorkitError } from '@vendorkit/core';
export {
  decodeAutologinData,
  encodeAutologinData,
} from './autologin-data.js';
export {
  type AutologinLinkFields,
  type AutologinReceiver,
  type AutologinReceiverOptions,
  type AutologinSigner,
  type AutologinSignerOptions,
  type CreateAutologinUrlOptions,
  createAutologinReceiver,
  createAutologinSigner,
  createAutologinUrl,
  type LinkTimingOptions,
  type ParseAutologinUrlOptions,
  parseAutologinUrl,
} from './autologin-url.js';
export {
  type FieldIssue,
  isPrintLoungeError,
  PrintLoungeError,
  type PrintLoungeErrorCode,
  type PrintLoungeErrorOptions,
} from './errors.js';
export {
  AUTOLOGIN_FIELD_NAMES,
  type AutologinFields,
  type AutologinFieldsInput,
  autologinFieldsSchema,
  CUSTOMER_USER_LEVEL_STANDARD,
  PRINTLOUNGE_YES,
} from './fields.js';
export type { NowOption } from './options.js';
export type { KeyHandling, KeyHandlingOptions } from './passphrase.js';
export { httpBuildQuery, parseStr, phpUrlencode, type QueryFields, type QueryValue } from './php-query.js';
export { autologinEndpoint, printServerBaseUrl, type ShopLocation, ssoEndpoint } from './shop-url.js';
export { SSO_METHODS, type SsoCipherOptions, type SsoIv, type SsoMethod } from './sso-cipher.js';
export { decodeSsoData, encodeSsoData } from './sso-data.js';
export {
  formatDateAtom,
  PRINTLOUNGE_NO,
  parseRequestTime,
  SSO_CUSTOMER_USER_LEVELS,
  SSO_DEST_PAGES,
  SSO_FIELD_NAMES,
  SSO_VIEW_SETTINGS,
  type SsoFields,
  type SsoFieldsInput,
  ssoFieldsSchema,
} from './sso-fields.js';
export { httpBuildNestedQuery, type SsoQueryFields, type SsoQueryValue } from './sso-query.js';
export {
  type CreateSsoUrlOptions,
  createSsoReceiver,
  createSsoSigner,
  createSsoUrl,
  type ParseSsoUrlOptions,
  parseSsoUrl,
  type SsoLinkFields,
  type SsoLinkOptions,
  type SsoReceiver,
  type SsoReceiverOptions,
  type SsoSigner,
  type SsoSignerOptions,
} from './sso-url.js';
