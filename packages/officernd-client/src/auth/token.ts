import { createTokenCache, parseRetryAfter, type RequestOptions, type Store, settleWithin } from '@vendorkit/core';
import { isOfficeRnDError, OfficeRnDError } from '../errors.js';
import { createOfficeRnDRequester, type HttpSettings, vendorDetails } from '../http.js';
import { tokenResponseSchema } from '../schemas.js';

/**
 * How much longer than the token request's timeout the renewal lock lives: the request (body
 * included) ends within `timeoutMs`, and the margin covers the store round trips around it, so
 * the lock never expires while its owner is still asking (a second process would spend another
 * of the 5 token requests a minute).
 */
export const LOCK_MARGIN_MS = 10_000;

/** Options of {@link createOfficeRnDTokenProvider}. */
export interface TokenProviderOptions {
  identityUrl: string;
  /** The API host the tokens are used on: part of the credential material the cache key is made of. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
  store: Store;
  /** HTTP settings shared with the API; `timeoutMs` is the whole token request's deadline, body included. */
  http: HttpSettings;
  /** After a failed token request, rethrow that failure for this long instead of asking again. */
  failureCooldownMs: number;
  /** Renew this long before expiry. */
  refreshMarginMs: number;
  /** Called once per HTTP request to the token endpoint (for statistics). */
  onRequest: () => void;
}

/** Cached client-credentials tokens. */
export interface OfficeRnDTokenProvider {
  /**
   * A valid token. `signal` and `timeoutMs` bound this caller's wait only: the token request is
   * shared by every caller, and is cancelled only when every caller waiting for it gave up.
   */
  get(options?: Pick<RequestOptions, 'signal' | 'timeoutMs'>): Promise<string>;
  /** Forgets `token` (after the API said it expired) unless a newer one already replaced it. */
  invalidate(token: string): Promise<void>;
}

/** Why a token request was cancelled: every caller waiting for it gave up. Never remembered as a failure. */
class TokenRequestAbandoned extends Error {
  override readonly name = 'TokenRequestAbandoned';
}

/**
 * OAuth2 client credentials against `{identityUrl}/oauth/token`, cached in `store` for the
 * token's lifetime under a key digested (SHA-256) from all the credential material — identity
 * URL, API base URL, client id, client secret, scopes — and sealed with a key derived from it,
 * so a caller with a wrong secret (or another tenant on the same store) asks for its own token
 * and nobody reads one out of the store without the credentials. One request however many
 * callers wait. The endpoint allows 5 requests per minute, failures included, so a request is
 * never retried automatically and a failure is remembered for `failureCooldownMs` (or the
 * `Retry-After` of a 429, when longer): until then callers get the same error without a request.
 */
export function createOfficeRnDTokenProvider(options: TokenProviderOptions): OfficeRnDTokenProvider {
  const requester = createOfficeRnDRequester(`${options.identityUrl}/`, options.http, {
    // Every attempt counts against 5 requests/minute: never retry automatically.
    retries: 0,
    tokenEndpoint: true,
    onAttempt: options.onRequest,
  });
  const scope = options.scopes.join(' ');
  const { redact } = options.http.secrets;

  let refusal: { until: number; error: OfficeRnDError } | undefined;
  /** Callers waiting in `get`, and the token request in flight (cancelled when they all gave up). */
  let waiting = 0;
  let inflight: AbortController | undefined;

  const requestToken = async (signal: AbortSignal) => {
    const answer = await requester.request(
      {
        method: 'POST',
        path: 'oauth/token',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: options.clientId,
          client_secret: options.clientSecret,
          scope,
        }),
        headers: { accept: 'application/json' },
        retry: false,
      },
      { signal },
    );
    const where = {
      method: 'POST',
      url: answer.url,
      ...(answer.requestId === undefined ? {} : { requestId: answer.requestId }),
    };
    if (answer.status < 200 || answer.status >= 300) throw tokenRefusal(answer.status, answer, where);
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      throw new OfficeRnDError(
        'token_request_failed',
        'OfficeRnD token endpoint answered with something other than JSON.',
        where,
      );
    }
    const parsed = tokenResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw new OfficeRnDError('token_request_failed', 'OfficeRnD token response has no usable access_token.', where);
    }
    options.http.secrets.remember(parsed.data.access_token);
    // Short-lived tokens are renewed a quarter of their lifetime early rather than a full margin
    // (the cache's rule), so they are not stale on arrival and do not spend the 5/min budget.
    return { token: parsed.data.access_token, lifetimeMs: (parsed.data.expires_in ?? 3600) * 1000 };
  };

  const tokenRefusal = (
    status: number,
    answer: Parameters<typeof vendorDetails>[0],
    where: { method: string; url: string; requestId?: string },
  ) => {
    const details = vendorDetails(answer, redact);
    // No Retry-After is documented for the token endpoint; one that is sent is kept and honoured.
    const retryAfterMs = status === 429 ? parseRetryAfter(answer.headers.get('retry-after')) : undefined;
    const waitMs = Math.max(options.failureCooldownMs, retryAfterMs ?? 0);
    const hint =
      status === 429
        ? ` The token endpoint allows 5 requests per minute, failures included; wait ${Math.round(waitMs / 1000)} s before the next attempt${retryAfterMs ? ' (Retry-After)' : ''}.`
        : status === 400 || status === 401
          ? ' Check clientId, clientSecret and that the app was granted the requested scopes.'
          : '';
    return new OfficeRnDError(
      'token_request_failed',
      `OfficeRnD token request failed with ${status}${details.vendorMessage ? `: ${details.vendorMessage}` : ''}.${hint}`,
      { ...where, status, ...details, ...(retryAfterMs ? { retryAfterMs } : {}) },
    );
  };

  const fetchToken = async () => {
    if (refusal !== undefined && Date.now() < refusal.until) throw refusal.error;
    const controller = new AbortController();
    inflight = controller;
    try {
      return await requestToken(controller.signal);
    } catch (error) {
      if (isOfficeRnDError(error, 'token_request_failed')) {
        const waitMs = Math.max(options.failureCooldownMs, error.retryAfterMs ?? 0);
        if (waitMs > 0) refusal = { until: Date.now() + waitMs, error };
      }
      throw error;
    } finally {
      if (inflight === controller) inflight = undefined;
    }
  };

  const cache = createTokenCache({
    store: options.store,
    credentials: {
      namespace: 'officernd:token',
      material: [options.identityUrl, options.baseUrl, options.clientId, options.clientSecret, scope],
    },
    fetchToken,
    refreshMarginMs: options.refreshMarginMs,
    // The cooldown is kept above, where a request cancelled for lack of callers is not a failure.
    lockTtlMs: options.http.timeoutMs + LOCK_MARGIN_MS,
  });

  return {
    async get(callOptions = {}) {
      const { signal, timeoutMs } = callOptions;
      signal?.throwIfAborted();
      const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
      waiting++;
      let waits = true;
      const leave = () => {
        if (!waits) return;
        waits = false;
        waiting--;
      };
      const giveUp = () => {
        leave();
        if (waiting === 0) inflight?.abort(new TokenRequestAbandoned('Every caller waiting for this token gave up.'));
      };
      try {
        for (;;) {
          try {
            const token = await settleWithin(cache.get(), {
              signal,
              timeoutMs: deadline === undefined ? undefined : Math.max(1, deadline - Date.now()),
              onTimeout: () =>
                new OfficeRnDError(
                  'timeout',
                  `No OfficeRnD access token within ${timeoutMs} ms (the call's timeoutMs).`,
                ),
              onGiveUp: giveUp,
            });
            options.http.secrets.remember(token);
            return token;
          } catch (error) {
            // Joined a request the callers before us abandoned: this caller still wants a token.
            if (error instanceof TokenRequestAbandoned && waits) continue;
            throw error;
          }
        }
      } finally {
        leave();
      }
    },
    invalidate: (token) => cache.invalidate(token),
  };
}
