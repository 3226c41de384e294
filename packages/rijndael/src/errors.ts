import { defineErrorGuard, VendorkitError, type VendorkitErrorOptions } from '@vendorkit/core';

/** Stable codes carried by {@link RijndaelError}. */
export type RijndaelErrorCode =
  | 'invalid_key_size'
  | 'invalid_block_size'
  | 'invalid_iv'
  | 'invalid_data_length'
  | 'invalid_padding'
  | 'unsupported_mode'
  | 'invalid_argument'
  | 'disposed';

/**
 * The one error class thrown by `@vendorkit/rijndael` for bad input: a wrong key, block or
 * IV size, data whose length the mode cannot take, bad padding, an unknown mode, or use of a
 * wiped cipher. Messages name sizes and options, never key or data bytes.
 *
 * Check with {@link isRijndaelError}: `isRijndaelError(err, 'invalid_key_size')`.
 */
export class RijndaelError extends VendorkitError<RijndaelErrorCode> {
  static override readonly family: string = 'rijndael';
  override readonly name: string = 'RijndaelError';

  constructor(code: RijndaelErrorCode, message: string, options: VendorkitErrorOptions = {}) {
    super(code, message, options);
  }
}

/**
 * True when `value` is a {@link RijndaelError} (from any copy of this package, also in minified
 * bundles), optionally with the given `code`; also true for the shared vendorkit errors.
 */
export const isRijndaelError = defineErrorGuard<RijndaelError, RijndaelErrorCode>('rijndael');
