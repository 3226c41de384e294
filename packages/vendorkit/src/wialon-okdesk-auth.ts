/**
 * Everything `@vendorkit/wialon-okdesk-auth` exports, as the `vendorkit/wialon-okdesk-auth` subpath.
 *
 * @packageDocumentation
 */
export * from '@vendorkit/wialon-okdesk-auth';
