import { VendorkitError, type VendorkitErrorOptions } from '@vendorkit/core';

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
 * Check with `isVendorkitError(err, 'invalid_key_size')` (from `@vendorkit/core`) or `err.code`.
 */
export class RijndaelError extends VendorkitError {
  declare readonly code: RijndaelErrorCode;

  constructor(code: RijndaelErrorCode, message: string, options: VendorkitErrorOptions = {}) {
    super(code, message, options);
  }
}
