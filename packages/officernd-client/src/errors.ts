import { defineErrorGuard, VendorkitError, type VendorkitErrorOptions } from '@vendorkit/core';

/**
 * Stable codes of {@link OfficeRnDError}. HTTP statuses map to `unauthorized` (401),
 * `forbidden` (403), `not_found` (404), `conflict` (409), `validation_failed` (400, 422),
 * `rate_limited` (429), `server_error` (5xx) and `http_error` (any other status).
 */
export type OfficeRnDErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'validation_failed'
  | 'rate_limited'
  | 'server_error'
  | 'http_error'
  | 'timeout'
  | 'network_error'
  | 'invalid_response'
  | 'invalid_query'
  | 'token_request_failed'
  | 'missing_scope'
  | 'webhook_signature_invalid'
  | SyncErrorCode;

/** Details an {@link OfficeRnDError} may carry; none of them ever holds a secret. */
export interface OfficeRnDErrorDetails extends VendorkitErrorOptions {
  /** HTTP status of the vendor's answer, when there was one. */
  status?: number;
  /** The vendor's `message` (NestJS bodies `{ statusCode, message, error }`; arrays joined with `; `). */
  vendorMessage?: string;
  /** The vendor's `error` (e.g. `"Unauthorized"`, or OAuth's `"invalid_client"`). */
  vendorError?: string;
  /** HTTP method of the failed request. */
  method?: string;
  /** URL of the failed request (API URLs carry no credentials; query strings are kept). */
  url?: string;
  /** Milliseconds the vendor asked to wait (`Retry-After`), on `rate_limited` and a 429 `token_request_failed`. */
  retryAfterMs?: number;
  /** @deprecated Use `retryAfterMs`; `retryAfterSeconds` will be removed in the next minor release. */
  retryAfterSeconds?: number;
  /** The vendor's id of the failed request, from a request-id header (see the client's `requestIdHeaders`). */
  requestId?: string;
  /** On `missing_scope`: the OfficeRnD scope the call needs and the client does not request. */
  scope?: string;
}

/**
 * Base class of every error thrown by `@vendorkit/officernd-client`. Check it with
 * `isOfficeRnDError(error, 'not_found')` or `error.code`; `status` is the HTTP status
 * when the vendor answered. Never carries the client secret, an access token or a password.
 */
export class OfficeRnDError extends VendorkitError<OfficeRnDErrorCode> {
  static override readonly family: string = 'officernd-client';
  override readonly name: string = 'OfficeRnDError';
  declare readonly status?: number;
  declare readonly vendorMessage?: string;
  declare readonly vendorError?: string;
  declare readonly method?: string;
  declare readonly url?: string;
  declare readonly retryAfterMs?: number;
  /**
   * `retryAfterMs` in whole seconds.
   * @deprecated Use `retryAfterMs`; `retryAfterSeconds` will be removed in the next minor release.
   */
  declare readonly retryAfterSeconds?: number;
  declare readonly requestId?: string;
  declare readonly scope?: string;

  constructor(code: OfficeRnDErrorCode, message: string, details: OfficeRnDErrorDetails = {}) {
    super(code, message, details.cause === undefined ? {} : { cause: details.cause });
    if (details.status !== undefined) this.status = details.status;
    if (details.vendorMessage !== undefined) this.vendorMessage = details.vendorMessage;
    if (details.vendorError !== undefined) this.vendorError = details.vendorError;
    if (details.method !== undefined) this.method = details.method;
    if (details.url !== undefined) this.url = details.url;
    const retryAfterMs =
      details.retryAfterMs ?? (details.retryAfterSeconds === undefined ? undefined : details.retryAfterSeconds * 1000);
    if (retryAfterMs !== undefined) {
      this.retryAfterMs = retryAfterMs;
      this.retryAfterSeconds = Math.ceil(retryAfterMs / 1000);
    }
    if (details.requestId !== undefined) this.requestId = details.requestId;
    if (details.scope !== undefined) this.scope = details.scope;
  }
}

/**
 * True when `value` is an {@link OfficeRnDError} (from any copy of this package, also in minified
 * bundles), optionally with the given `code`; also true for the shared vendorkit errors such as
 * `invalid_configuration`.
 */
export const isOfficeRnDError = defineErrorGuard<OfficeRnDError, OfficeRnDErrorCode>('officernd-client');

/** Why {@link WebhookVerificationError} rejected a delivery. */
export type WebhookFailureReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'timestamp_out_of_tolerance'
  | 'signature_mismatch'
  | 'invalid_payload';

/** Thrown by `verifyWebhook` (code `webhook_signature_invalid`); `reason` says why. Answer such deliveries with 400. */
export class WebhookVerificationError extends OfficeRnDError {
  override readonly name: string = 'WebhookVerificationError';
  readonly reason: WebhookFailureReason;

  constructor(reason: WebhookFailureReason, message: string) {
    super('webhook_signature_invalid', message);
    this.reason = reason;
  }
}

/**
 * Codes of {@link SyncError}: `sync_failed` (the target or OfficeRnD failed; `cause` is that
 * error), `sync_event_in_progress` (another worker is applying this event right now),
 * `sync_member_busy` (another pass on this member held its lock longer than `lockWaitMs`),
 * `sync_lock_expired` (target calls outlived `lockTtlMs` on every try), `sync_full_sync_running`
 * (as many full syncs as allowed are running on this store), `sync_full_sync_timeout` (a full
 * sync ran past `fullSyncMaxMs`).
 */
export type SyncErrorCode =
  | 'sync_failed'
  | 'sync_event_in_progress'
  | 'sync_member_busy'
  | 'sync_lock_expired'
  | 'sync_full_sync_running'
  | 'sync_full_sync_timeout';

/**
 * Thrown by the member sync (codes: {@link SyncErrorCode}). From `handleEvent`, every code means
 * "not applied yet": answer the webhook with a 5xx so OfficeRnD delivers it again.
 */
export class SyncError extends OfficeRnDError {
  override readonly name: string = 'SyncError';
  declare readonly code: SyncErrorCode;
  /** The event concerned: OfficeRnD's `event` id, or `sha256:<hex>` of the payload when it has none. */
  declare readonly eventId?: string;
  /** The member `_id` concerned, when known. */
  declare readonly memberId?: string;

  constructor(
    code: SyncErrorCode,
    message: string,
    details: { eventId?: string; memberId?: string; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? {} : { cause: details.cause });
    if (details.eventId !== undefined) this.eventId = details.eventId;
    if (details.memberId !== undefined) this.memberId = details.memberId;
  }
}

/** Maps an HTTP status to an {@link OfficeRnDErrorCode}. */
export function codeForStatus(status: number): OfficeRnDErrorCode {
  if (status === 400 || status === 422) return 'validation_failed';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'http_error';
}
