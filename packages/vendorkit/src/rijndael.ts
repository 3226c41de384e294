/**
 * Everything `@vendorkit/rijndael` exports, as the `vendorkit/rijndael` subpath.
 *
 * @packageDocumentation
 */
export * from '@vendorkit/rijndael';
