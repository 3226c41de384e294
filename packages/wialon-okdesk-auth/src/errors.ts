import { defineErrorGuard, VendorkitError } from '@vendorkit/core';

/**
 * Why a Wialon → Okdesk login was refused.
 *
 * - `missing_parameter`: `user`, `baseUrl` or `authHash` absent, empty, repeated or malformed.
 * - `untrusted_base_url`: the link's `baseUrl` is not one of `trustedWialonBaseUrls` (no request was made).
 * - `invalid_auth_hash`: Wialon refused the hash (unknown, expired, used, access denied).
 * - `user_mismatch`: Wialon says the hash belongs to someone other than the link's `user`.
 * - `unknown_contact`: no Okdesk contact has this login.
 * - `replayed`: this hash was already presented within its lifetime.
 * - `replay_store_full`: the replay store is full of live marks and refuses new claims rather than
 *   forget one (a flood of links, or a store too small for the traffic); nothing was sent to Wialon.
 * - `upstream_unavailable`: Wialon, Okdesk or the replay store failed, timed out or answered nonsense.
 */
export type WialonAuthReason =
  | 'missing_parameter'
  | 'untrusted_base_url'
  | 'invalid_auth_hash'
  | 'user_mismatch'
  | 'unknown_contact'
  | 'replayed'
  | 'replay_store_full'
  | 'upstream_unavailable';

/** Every {@link WialonAuthReason}, in a stable order. */
export const WIALON_AUTH_REASONS: readonly WialonAuthReason[] = [
  'missing_parameter',
  'untrusted_base_url',
  'invalid_auth_hash',
  'user_mismatch',
  'unknown_contact',
  'replayed',
  'replay_store_full',
  'upstream_unavailable',
];

/** Details a {@link WialonAuthError} may carry; none of them is a secret. */
export interface WialonAuthErrorDetails {
  /** Wialon's numeric error (`{"error":N}`), when Wialon gave one. */
  wialonError?: number;
  /** HTTP status of the upstream answer that caused the failure, when there was one. */
  upstreamStatus?: number;
  /** Which upstream failed, for `upstream_unavailable`. */
  upstream?: 'wialon' | 'okdesk' | 'replay_store';
  /** The upstream's request id (`x-request-id` of an Okdesk answer), when it sent one. */
  requestId?: string;
  /** For a network failure: an Error whose `code` is the system error code (e.g. `ECONNREFUSED`). */
  cause?: Error & { code: string };
}

/**
 * The one error `verify()` fails with. `code` is `wialon_auth_<reason>` (prefixed so it never
 * collides with another package's codes); `reason` is the bare {@link WialonAuthReason}.
 *
 * It never holds the auth hash, the Okdesk `api_token` or a Wialon session id: not in the
 * message, not in `cause`, not in `toJSON()`. `cause` exists only for network failures: a fresh
 * Error carrying just the system error code (`cause.code`, e.g. `ECONNREFUSED`, `ENOTFOUND`,
 * `ETIMEDOUT`, `CERT_HAS_EXPIRED`) — never the original error, whose text can hold a URL.
 */
export class WialonAuthError extends VendorkitError<`wialon_auth_${WialonAuthReason}`> {
  static override readonly family: string = 'wialon-okdesk-auth';
  override readonly name: string = 'WialonAuthError';
  /** Why the login was refused. */
  readonly reason: WialonAuthReason;
  /** Wialon's numeric error code, when the refusal came from a Wialon `{"error":N}` answer. */
  readonly wialonError?: number;
  /** HTTP status of the failing upstream answer, when there was one. */
  readonly upstreamStatus?: number;
  /** Which upstream failed (`upstream_unavailable` only). */
  readonly upstream?: 'wialon' | 'okdesk' | 'replay_store';
  /** The upstream's request id for support tickets (`x-request-id` of an Okdesk answer), when it sent one. */
  readonly requestId?: string;

  constructor(reason: WialonAuthReason, message: string, details: WialonAuthErrorDetails = {}) {
    super(`wialon_auth_${reason}`, message, details.cause === undefined ? {} : { cause: details.cause });
    this.reason = reason;
    if (details.wialonError !== undefined) this.wialonError = details.wialonError;
    if (details.upstreamStatus !== undefined) this.upstreamStatus = details.upstreamStatus;
    if (details.upstream !== undefined) this.upstream = details.upstream;
    if (details.requestId !== undefined) this.requestId = details.requestId;
  }
}

const isWialonFamilyError = defineErrorGuard<WialonAuthError, `wialon_auth_${WialonAuthReason}`>('wialon-okdesk-auth');

/**
 * True when `value` is a {@link WialonAuthError} (from any copy of this package, also in minified
 * bundles), optionally with `reason`. Unlike the other packages' guards it takes the bare reason
 * (`'replayed'`), not the prefixed code, and it is false for shared errors such as configuration
 * errors (they are not login refusals).
 */
export function isWialonAuthError(value: unknown, reason?: WialonAuthReason): value is WialonAuthError {
  if (!isWialonFamilyError(value) || !value.code.startsWith('wialon_auth_')) return false;
  const candidate = value as { reason?: unknown };
  if (typeof candidate.reason !== 'string' || !(WIALON_AUTH_REASONS as readonly string[]).includes(candidate.reason)) {
    return false;
  }
  return reason === undefined || candidate.reason === reason;
}

/**
 * The HTTP status `handle()` answers a refusal with: 400, 403, 503 when the replay store is full,
 * 502 for upstream failures (503 when the failing upstream is the replay store).
 */
export function statusForReason(reason: WialonAuthReason): number {
  if (reason === 'missing_parameter') return 400;
  if (reason === 'replay_store_full') return 503;
  if (reason === 'upstream_unavailable') return 502;
  return 403;
}
