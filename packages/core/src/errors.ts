const BRAND = Symbol.for('vendorkit.error');

/** Options common to every vendorkit error. */
export interface VendorkitErrorOptions {
  /** The underlying error. Must not carry secrets: redact before passing it. */
  cause?: unknown;
}

/**
 * Base class of every error thrown by a vendorkit package.
 *
 * `code` is a stable, machine-readable string; messages may change between versions.
 * Use {@link isVendorkitError} rather than `instanceof`: it also recognises errors
 * created by another copy of the package (two versions installed, another realm).
 */
export class VendorkitError extends Error {
  /** Stable machine-readable code, e.g. `'invalid_key_size'` or a vendor code like `'401.2'`. */
  readonly code: string;

  constructor(code: string, message: string, options: VendorkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }

  /** Brand read by {@link isVendorkitError}; survives duplicate package copies. */
  get [BRAND](): true {
    return true;
  }

  /** A JSON form without the stack: safe to log. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const key of Object.keys(this)) {
      if (!(key in out)) out[key] = (this as Record<string, unknown>)[key];
    }
    return out;
  }
}

/**
 * True when `value` is a vendorkit error (from any copy of any vendorkit package),
 * optionally with the given `code`.
 */
export function isVendorkitError(value: unknown, code?: string): value is VendorkitError {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as { [BRAND]?: unknown })[BRAND] !== true) return false;
  return code === undefined || (value as VendorkitError).code === code;
}

/** Thrown when options passed to a vendorkit constructor or function are invalid. */
export class ConfigurationError extends VendorkitError {
  constructor(message: string, options: VendorkitErrorOptions = {}) {
    super('invalid_configuration', message, options);
  }
}

/** Thrown by a {@link Store} implementation that cannot reach its backend. */
export class StoreError extends VendorkitError {
  constructor(message: string, options: VendorkitErrorOptions = {}) {
    super('store_unavailable', message, options);
  }
}
