/**
 * Everything `@vendorkit/printlounge-sso` exports, as the `vendorkit/printlounge-sso` subpath.
 *
 * @packageDocumentation
 */
export * from '@vendorkit/printlounge-sso';
