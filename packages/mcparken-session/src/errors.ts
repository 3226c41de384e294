import { defineErrorGuard, VendorkitError } from '@vendorkit/core';

/**
 * Error codes McParken documents for its session call, plus the expired-token code.
 * `'401.1'` apikey rejected or past its 90 days, `'403.0'` no `apikey` header,
 * `'405.0'` username or password empty, `'401.2'` wrong username or password,
 * `'401'` access token expired (or revoked).
 */
export type McParkenVendorCode = '401.1' | '403.0' | '405.0' | '401.2' | '401';

/**
 * Codes this package adds for failures that are not a vendor answer:
 * `timeout` (no answer within `timeoutMs`), `network_error` (connection refused, reset, DNS…;
 * `reason` names the system code such as `ECONNREFUSED`), `invalid_response` (a body that is not
 * the documented JSON), `http_error` (a non-2xx status without a McParken error body, a redirect
 * among them), `outside_base_url` (`session.http` was asked for an address outside `baseUrl`;
 * nothing was sent), `aborted` (seen only by `hooks.onError`: a login abandoned because every call
 * waiting for it gave up — the calls themselves reject with their own signal's reason).
 */
export type McParkenTransportCode =
  | 'timeout'
  | 'network_error'
  | 'invalid_response'
  | 'http_error'
  | 'outside_base_url'
  | 'aborted';

/** Every `code` an {@link McParkenError} can carry; other strings are vendor codes not in the docs. */
export type McParkenErrorCode = McParkenVendorCode | McParkenTransportCode | (string & {});

const ADVICE: Record<string, string> = {
  '401.1':
    'McParken rejected the apikey: it is wrong, malformed or past its 90-day validity. Ask McParken (admin@mcparken.se) for a new key and pass it as `apiKey`.',
  '403.0':
    'The request reached McParken without an `apikey` header. Pass `apiKey`; if a proxy sits in between, make sure it forwards the `apikey` header.',
  '405.0':
    'McParken received an empty or missing username or password. Pass both `username` and `password` (as given by the McParken administrator).',
  '401.2':
    'McParken rejected the username or password. Check the account with the McParken administrator (admin@mcparken.se).',
  '401':
    'McParken reported the access token as expired, and the token renewed after it was refused as well. Check that the account is still active; retry later.',
};

/** Options of {@link McParkenError}. Nothing here may hold a secret: redact before passing. */
export interface McParkenErrorOptions {
  /** HTTP status of the answer, when there was one. */
  status?: number;
  /** The request URL with the query string's secrets replaced by `[REDACTED]`. */
  url?: string;
  /** McParken's own `errormessage`, already redacted and shortened. */
  vendorMessage?: string;
  /** Short, secret-free description of the underlying failure (e.g. `ECONNRESET`). */
  reason?: string;
  /** The answer's request id (`x-request-id` or `request-id` header), when it had one. */
  requestId?: string;
}

/**
 * The one error class of `@vendorkit/mcparken-session`.
 *
 * `code` is the vendor's `errorcode` as a string (`'401.1'`, `'403.0'`, `'405.0'`, `'401.2'`,
 * `'401'` or any other code McParken sends) or a transport code (`timeout`, `network_error`,
 * `invalid_response`, `http_error`, `outside_base_url`). It never holds a `cause`: the underlying
 * fetch error may carry request headers and URLs with secrets, so only a redacted summary is kept.
 */
export class McParkenError extends VendorkitError<McParkenErrorCode> {
  static override readonly family: string = 'mcparken-session';
  override readonly name: string = 'McParkenError';
  /** HTTP status of the answer, when there was one. */
  readonly status?: number;
  /** The request URL, secrets redacted. */
  readonly url?: string;
  /** McParken's `errormessage`, redacted and at most 200 characters. */
  readonly vendorMessage?: string;
  /** Secret-free summary of the underlying failure (a socket error code, a parse problem). */
  readonly reason?: string;
  /** The answer's request id (`x-request-id` or `request-id` header), for McParken's support. */
  readonly requestId?: string;

  constructor(code: McParkenErrorCode, message: string, options: McParkenErrorOptions = {}) {
    super(code, message);
    if (options.status !== undefined) this.status = options.status;
    if (options.url !== undefined) this.url = options.url;
    if (options.vendorMessage !== undefined) this.vendorMessage = options.vendorMessage;
    if (options.reason !== undefined) this.reason = options.reason;
    if (options.requestId !== undefined) this.requestId = options.requestId;
  }

  /** Builds the error for a McParken `errorcode`, with a message that says what to do. */
  static fromVendorCode(code: string, options: McParkenErrorOptions = {}): McParkenError {
    const advice =
      ADVICE[code] ??
      `McParken answered with error code ${code}${options.vendorMessage ? `: ${options.vendorMessage}` : ''}. See the McParken API documentation or contact admin@mcparken.se.`;
    return new McParkenError(code, advice, options);
  }
}

/**
 * True when `value` is an {@link McParkenError} (from any copy of this package, also in minified
 * bundles), optionally with `code`; also true for the shared vendorkit errors such as
 * `invalid_configuration`.
 */
export const isMcParkenError = defineErrorGuard<McParkenError, McParkenErrorCode>('mcparken-session');
