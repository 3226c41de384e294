declare const __VENDORKIT_VERSION__: string;

/** The version of this package, compiled in at build time. */
export const VERSION: string = typeof __VENDORKIT_VERSION__ === 'string' ? __VENDORKIT_VERSION__ : '0.0.0-source';

/** The User-Agent this package's requests carry (the caller's own, if any, follows it). */
export const USER_AGENT = `vendorkit-officernd-client/${VERSION}`;
