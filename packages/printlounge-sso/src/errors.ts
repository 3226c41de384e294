import { defineErrorGuard, VendorkitError, type VendorkitErrorOptions } from '@vendorkit/core';

/**
 * Stable codes of {@link PrintLoungeError}:
 * - `invalid_u_data`: not base64, empty, truncated (not a whole number of 32-byte blocks) or not UTF-8 inside.
 * - `invalid_h` (SSO v2): `h` is not base64, empty, truncated (not a whole number of 16-byte blocks) or not UTF-8 inside.
 * - `invalid_passphrase`: the data did not decrypt to a query string — wrong passphrase (v2: or method or
 *   IV rule) or altered data.
 * - `invalid_key_size`: the passphrase has a length mcrypt rejects (strict mode: 16, 24 or 32 bytes), or is empty.
 * - `invalid_field`: a field has the wrong type or breaks the vendor's rule (length, characters, enumeration).
 * - `missing_field`: a required field (`customer_user_name`, `valid_to`; v2: `request_time`) is absent.
 * - `expired`: the link's `valid_to` lies in the past (beyond the allowed clock skew); v2: its
 *   `request_time` is older than the allowed age or lies in the future (beyond the clock skew).
 * - `missing_u_data`: a URL without a `u_data` parameter.
 * - `missing_h` (SSO v2): a URL without an `h` parameter.
 * - `invalid_url`: a URL that cannot be parsed.
 */
export type PrintLoungeErrorCode =
  | 'invalid_u_data'
  | 'invalid_passphrase'
  | 'invalid_key_size'
  | 'invalid_field'
  | 'missing_field'
  | 'expired'
  | 'missing_u_data'
  | 'invalid_url'
  | 'invalid_h'
  | 'missing_h';

/** One broken rule of one field, as reported by {@link PrintLoungeError.issues}. */
export interface FieldIssue {
  /** The field name, e.g. `customer_user_name`. */
  field: string;
  /** Short machine-readable rule name, e.g. `max_length`, `pattern`, `type`, `required`, `enum`. */
  rule: string;
  /** Human-readable description of the rule (never the field's value). */
  message: string;
}

/** Options of {@link PrintLoungeError}. */
export interface PrintLoungeErrorOptions extends VendorkitErrorOptions {
  /** The field at fault (first one when several are). */
  field?: string;
  /** The rule that field broke. */
  rule?: string;
  /** Every field issue found, for forms that show them all. */
  issues?: FieldIssue[];
}

/**
 * The one error class of `@vendorkit/printlounge-sso`. Check `code` (see {@link PrintLoungeErrorCode})
 * or use `isPrintLoungeError(err, 'expired')`. Messages never contain the passphrase or field values.
 */
export class PrintLoungeError extends VendorkitError<PrintLoungeErrorCode> {
  static override readonly family: string = 'printlounge-sso';
  override readonly name: string = 'PrintLoungeError';
  /** The field at fault, for `invalid_field` / `missing_field`. */
  readonly field?: string;
  /** The rule the field broke, for `invalid_field` / `missing_field`. */
  readonly rule?: string;
  /** All field issues, for `invalid_field` / `missing_field`. */
  readonly issues?: FieldIssue[];

  constructor(code: PrintLoungeErrorCode, message: string, options: PrintLoungeErrorOptions = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    if (options.field !== undefined) this.field = options.field;
    if (options.rule !== undefined) this.rule = options.rule;
    if (options.issues !== undefined) this.issues = options.issues;
  }
}

/**
 * True when `value` is a {@link PrintLoungeError} (from any copy of this package, also in minified
 * bundles), optionally with the given `code`; also true for the shared vendorkit errors such as
 * `invalid_configuration`. Prefer it to `instanceof`, which fails across duplicate installs and realms.
 */
export const isPrintLoungeError = defineErrorGuard<PrintLoungeError, PrintLoungeErrorCode>('printlounge-sso');
