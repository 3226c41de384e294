/**
 * The one brand every vendorkit error carries. Its value is the error's family (the package
 * that defines the class, e.g. `'printlounge-sso'`). `Symbol.for` keys live in the runtime's
 * global registry, so the brand survives minification (no class or function names are read),
 * duplicate installs of a package, and realms.
 */
const BRAND = Symbol.for('vendorkit.error');

/**
 * Codes of the errors every vendorkit package may raise, whichever package it is:
 * `invalid_configuration` ({@link ConfigurationError}), `store_unavailable` ({@link StoreError}),
 * `store_full` ({@link StoreFullError}) and `token_renewal_timeout`.
 */
export type SharedErrorCode = 'invalid_configuration' | 'store_unavailable' | 'store_full' | 'token_renewal_timeout';

const SHARED_CODES: ReadonlySet<string> = new Set<SharedErrorCode>([
  'invalid_configuration',
  'store_unavailable',
  'store_full',
  'token_renewal_timeout',
]);

/** Options common to every vendorkit error. */
export interface VendorkitErrorOptions {
  /** The underlying error. Must not carry secrets: redact before passing it. */
  cause?: unknown;
}

/**
 * Base class of every error thrown by a vendorkit package.
 *
 * `code` is a stable, machine-readable string; messages may change between versions.
 * Use {@link isVendorkitError} or a package's own guard (`isPrintLoungeError`, …) rather than
 * `instanceof` or `name`: the guards read a `Symbol.for` brand, so they also recognise errors
 * created by another copy of the package (two versions installed, another realm) and work in
 * minified bundles.
 */
export class VendorkitError<Code extends string = string> extends Error {
  /** Which package defines this class; read by the guards. Subclasses set their own. */
  static readonly family: string = 'core';

  override readonly name: string = 'VendorkitError';
  /** Stable machine-readable code, e.g. `'invalid_key_size'` or a vendor code like `'401.2'`. */
  readonly code: Code;

  constructor(code: Code, message: string, options: VendorkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** Brand read by the guards: the family of this error's class. */
  get [BRAND](): string {
    return (this.constructor as typeof VendorkitError).family;
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

function brandOf(value: unknown): string | true | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  const brand = (value as { [BRAND]?: unknown })[BRAND];
  // `true` is the brand of vendorkit 0.x copies that did not record a family yet.
  return typeof brand === 'string' || brand === true ? brand : undefined;
}

/**
 * True when `value` is a vendorkit error from any copy of any vendorkit package. With `code`,
 * only for one of the {@link SharedErrorCode}s; a package's own codes are checked with that
 * package's guard (`isPrintLoungeError(error, 'expired')`), which is typed by its codes.
 */
export function isVendorkitError(value: unknown): value is VendorkitError;
export function isVendorkitError<C extends SharedErrorCode>(value: unknown, code: C): value is VendorkitError<C>;
export function isVendorkitError(value: unknown, code?: SharedErrorCode): value is VendorkitError {
  if (brandOf(value) === undefined) return false;
  return code === undefined || (value as VendorkitError).code === code;
}

/**
 * A guard for one package's errors, typed by its codes. It recognises the errors of that
 * family and the shared errors ({@link SharedErrorCode}: configuration and store failures),
 * which every package raises, so `isPrintLoungeError(error, 'invalid_configuration')` holds for
 * a bad option passed to a Print-Lounge function.
 */
export type ErrorGuard<E extends VendorkitError, Code extends string> = {
  (value: unknown): value is E | VendorkitError<SharedErrorCode>;
  <C extends SharedErrorCode>(value: unknown, code: C): value is VendorkitError<C>;
  <C extends Code>(value: unknown, code: C): value is E & { readonly code: C };
};

/** Builds the guard of one error family; see {@link ErrorGuard}. */
export function defineErrorGuard<E extends VendorkitError, Code extends string>(family: string): ErrorGuard<E, Code> {
  const guard = (value: unknown, code?: string): boolean => {
    const brand = brandOf(value);
    if (brand === undefined) return false;
    const actual = (value as VendorkitError).code;
    if (brand !== family && !SHARED_CODES.has(actual)) return false;
    return code === undefined || actual === code;
  };
  return guard as ErrorGuard<E, Code>;
}

/** Thrown when options passed to a vendorkit constructor or function are invalid. */
export class ConfigurationError extends VendorkitError<'invalid_configuration'> {
  override readonly name: string = 'ConfigurationError';

  constructor(message: string, options: VendorkitErrorOptions = {}) {
    super('invalid_configuration', message, options);
  }
}

/** Thrown by a {@link Store} implementation that cannot reach its backend. */
export class StoreError extends VendorkitError<'store_unavailable'> {
  override readonly name: string = 'StoreError';

  constructor(message: string, options: VendorkitErrorOptions = {}) {
    super('store_unavailable', message, options);
  }
}

/**
 * Thrown by a bounded {@link Store} that is full of live entries. Stores refuse rather than
 * evict: forgetting a live replay mark or lock would silently turn off the protection it gives.
 */
export class StoreFullError extends VendorkitError<'store_full'> {
  override readonly name: string = 'StoreFullError';

  constructor(message: string, options: VendorkitErrorOptions = {}) {
    super('store_full', message, options);
  }
}
