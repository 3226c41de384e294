/**
 * Everything `@vendorkit/officernd-client` exports, as the `vendorkit/officernd-client` subpath.
 *
 * @packageDocumentation
 */
export * from '@vendorkit/officernd-client';
