import type { Logger } from '@vendorkit/core';

/**
 * @deprecated Use `Logger` (every method optional: `debug`, `info`, `warn`, `error`); this alias
 * goes in the next minor release.
 */
export type WialonOkdeskAuthLogger = Logger;
