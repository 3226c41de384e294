import { createHttp, createTokenCache, redactSecrets, type Store, type TokenCache } from '@vendorkit/core';
import { isHTTPError, isTimeoutError } from 'ky';
import { OfficeRnDError } from '../errors.js';
import { BodyTimeoutError, describeNetworkFailure, readBodyWithin } from '../network.js';
import { errorBodySchema, tokenResponseSchema } from '../schemas.js';

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
  fetch?: typeof fetch;
  /** Total timeout of one token request, body included. */
  timeoutMs: number;
  /** After a failed token request, rethrow that failure for this long instead of asking again. */
  failureCooldownMs: number;
  /** Renew this long before expiry. */
  refreshMarginMs: number;
  /** Called once per HTTP request to the token endpoint (for statistics). */
  onRequest?: () => void;
}

/** Cached client-credentials tokens: `get()` and `invalidate(token)` from `@vendorkit/core`'s token cache. */
export type OfficeRnDTokenProvider = TokenCache;

/**
 * OAuth2 client credentials against `{identityUrl}/oauth/token`, cached in `store` for the
 * token's lifetime under a key digested (SHA-256) from all the credential material — identity
 * URL, API base URL, client id, client secret, scopes — and sealed with a key derived from it,
 * so a caller with a wrong secret (or another tenant on the same store) asks for its own token
 * and nobody reads one out of the store without the credentials. One request however many
 * callers wait. The endpoint allows 5 requests per minute, failures
 * included, so a failure is remembered for `failureCooldownMs` and never retried in a loop.
 */
export function createOfficeRnDTokenProvider(options: TokenProviderOptions): OfficeRnDTokenProvider {
  const http = createHttp({
    baseUrl: options.identityUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    timeoutMs: options.timeoutMs,
    // Every attempt counts against 5 requests/minute: never retry automatically.
    retries: 0,
    ky: { hooks: { beforeRequest: [() => options.onRequest?.()] } },
  });
  const scope = options.scopes.join(' ');
  const tokenUrl = `${options.identityUrl.replace(/\/+$/, '')}/oauth/token`;
  const secrets = [options.clientSecret];

  // A Retry-After the endpoint sends on 429 (none is documented) is honoured: until then, the
  // same error without a request, even when `failureCooldownMs` is shorter.
  let rateLimited: { until: number; error: OfficeRnDError } | undefined;

  const fetchToken = async () => {
    if (rateLimited !== undefined && Date.now() < rateLimited.until) throw rateLimited.error;
    const deadline = Date.now() + options.timeoutMs;
    const remaining = () => Math.max(1, deadline - Date.now());
    const abort = new AbortController();
    let text: string;
    try {
      const response = await http.post('oauth/token', {
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: options.clientId,
          client_secret: options.clientSecret,
          scope,
        }),
        signal: abort.signal,
      });
      text = await readBodyWithin(response, remaining(), abort);
    } catch (error) {
      const failure = await tokenError(error, tokenUrl, secrets, options.failureCooldownMs, remaining(), abort);
      if (failure.retryAfterSeconds !== undefined) {
        rateLimited = { until: Date.now() + failure.retryAfterSeconds * 1000, error: failure };
      }
      throw failure;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new OfficeRnDError(
        'token_request_failed',
        'OfficeRnD token endpoint answered with something other than JSON.',
        {
          method: 'POST',
          url: tokenUrl,
        },
      );
    }
    const parsed = tokenResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw new OfficeRnDError('token_request_failed', 'OfficeRnD token response has no usable access_token.', {
        method: 'POST',
        url: tokenUrl,
      });
    }
    // Short-lived tokens are renewed a quarter of their lifetime early rather than a full margin
    // (the cache's rule), so they are not stale on arrival and do not spend the 5/min budget.
    return { token: parsed.data.access_token, lifetimeMs: (parsed.data.expires_in ?? 3600) * 1000 };
  };

  return createTokenCache({
    store: options.store,
    credentials: {
      namespace: 'officernd:token',
      material: [options.identityUrl, options.baseUrl, options.clientId, options.clientSecret, scope],
    },
    fetchToken,
    refreshMarginMs: options.refreshMarginMs,
    failureCooldownMs: options.failureCooldownMs,
    lockTtlMs: options.timeoutMs + LOCK_MARGIN_MS,
  });
}

async function tokenError(
  error: unknown,
  url: string,
  secrets: string[],
  cooldownMs: number,
  remainingMs: number,
  abort: AbortController,
): Promise<OfficeRnDError> {
  const base = { method: 'POST', url };
  if (isTimeoutError(error) || error instanceof BodyTimeoutError) {
    return new OfficeRnDError('token_request_failed', 'OfficeRnD token request timed out.', base);
  }
  if (isHTTPError(error)) {
    const status = error.response.status;
    let vendorMessage: string | undefined;
    let vendorError: string | undefined;
    const text = (await readBodyWithin(error.response, remainingMs, abort).catch(() => '')).slice(0, 4096);
    try {
      const body = errorBodySchema.safeParse(JSON.parse(text));
      if (body.success) {
        const m = body.data.error_description ?? body.data.message;
        vendorMessage = m === undefined ? undefined : redactSecrets(Array.isArray(m) ? m.join('; ') : m, secrets);
        vendorError = body.data.error === undefined ? undefined : redactSecrets(body.data.error, secrets);
      }
    } catch {
      // A plain-text answer (a rate limiter's "Too many requests, please try again later") is the message.
      const plain = text.trim().slice(0, 300);
      if (plain !== '' && !plain.startsWith('<')) vendorMessage = redactSecrets(plain, secrets);
    }
    // No Retry-After is documented for the token endpoint; one that is sent is kept.
    const retryAfter = Number(error.response.headers.get('retry-after') ?? Number.NaN);
    const retryAfterSeconds = status === 429 && Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
    const wait = Math.max(Math.round(cooldownMs / 1000), retryAfterSeconds ?? 0);
    const hint =
      status === 429
        ? ` The token endpoint allows 5 requests per minute, failures included; wait ${wait} s before the next attempt${retryAfterSeconds === undefined ? '' : ' (Retry-After)'}.`
        : status === 400 || status === 401
          ? ' Check clientId, clientSecret and that the app was granted the requested scopes.'
          : '';
    return new OfficeRnDError(
      'token_request_failed',
      `OfficeRnD token request failed with ${status}${vendorMessage ? `: ${vendorMessage}` : ''}.${hint}`,
      {
        ...base,
        status,
        ...(vendorMessage ? { vendorMessage } : {}),
        ...(vendorError ? { vendorError } : {}),
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      },
    );
  }
  const failure = describeNetworkFailure(error, secrets);
  return new OfficeRnDError('token_request_failed', `OfficeRnD token request failed: ${failure.reason}.`, {
    ...base,
    cause: failure.cause,
  });
}
