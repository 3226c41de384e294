/**
 * Everything `@vendorkit/mcparken-session` exports, as the `vendorkit/mcparken-session` subpath.
 *
 * @packageDocumentation
 */
export * from '@vendorkit/mcparken-session';
