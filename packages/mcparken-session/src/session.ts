import {
  type ClientHooks,
  ConfigurationError,
  checkRequestOptions,
  createRequester,
  createTokenCache,
  credentialKey,
  REDACTED,
  type Requester,
  type RequesterResponse,
  type RequestFailure,
  type RequestOptions,
  type RequestSpec,
  redactSecrets,
  redactUrl,
  settleWithin,
  type TokenCache,
} from '@vendorkit/core';
import { runsOnWebPage } from './environment.js';
import { McParkenError } from './errors.js';
import {
  createHttpClient,
  type HttpMethod,
  type McParkenHttp,
  type McParkenHttpBodyOptions,
  type McParkenResponse,
  toSearchParams,
} from './http.js';
import { type McParkenSessionOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { parseSessionAnswer } from './session-response.js';
import { detectVendorError, isExpiredTokenError, type VendorErrorBody } from './vendor-error.js';
import { USER_AGENT } from './version.js';

/** Who is logged in and until when: the current token with McParken's user id. */
export interface McParkenSessionInfo {
  /** The bearer token to send as `Authorization: Bearer …`. */
  accessToken: string;
  /** McParken's `userid` of the account, when the session answer had one. */
  userId?: string;
  /** `token_type` as sent, usually `"bearer"`. */
  tokenType?: string;
  /** When the token expires, by this machine's clock: time of receipt plus the token's lifetime. */
  expiresAt: Date;
  /** The token's lifetime in milliseconds, as computed from McParken's own fields. */
  lifetimeMs: number;
  /**
   * The token's lifetime in seconds.
   * @deprecated Use `lifetimeMs`; this field goes in the next release.
   */
  lifetimeSeconds: number;
  /** McParken's `issued` text (server time), for display. */
  issued?: string;
  /** McParken's `expires` text (server time), for display. */
  expires?: string;
}

/**
 * Per-call options of the token calls. A login is shared by every caller waiting for it, so a
 * caller's headers could not apply to it: only the signal and the deadline are per call.
 */
export type McParkenTokenOptions = Pick<RequestOptions, 'signal' | 'timeoutMs'>;

/** What the token cache holds per account: the token and what {@link McParkenSessionInfo} needs. */
interface CachedSession {
  accessToken: string;
  userId?: string;
  tokenType?: string;
  receivedAt: number;
  lifetimeMs: number;
  issued?: string;
  expires?: string;
}

/** A login McParken refused, as kept in the store (no secret: the vendor message is already redacted). */
interface RefusedLogin {
  code: string;
  status?: number;
  vendorMessage?: string;
  refusedAt: number;
}

/** One public call's cancellation: the caller's signal and the call's deadline (epoch ms). */
interface CallScope {
  signal?: AbortSignal;
  timeoutMs?: number;
  deadline?: number;
}

/** The statuses worth another attempt (core's default), unless the body is a McParken error. */
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const URL_SECRET_PARAMS = ['password', 'apikey', 'username', 'access_token', 'token'];
/** McParken error bodies are small; larger answers are data and are not parsed for error fields. */
const MAX_SNIFFED_BODY = 64 * 1024;
/** Longest wait between session-call attempts (backoff or Retry-After); a longer Retry-After ends the retries. */
const MAX_SESSION_RETRY_WAIT_MS = 5_000;
/** Time for the store round trips around a session call (read the refusal, write the token) under the lock. */
const STORE_MARGIN_MS = 5_000;
/** Access tokens remembered for `invalidate` and for redacting vendor messages that echo them. */
const REMEMBERED_TOKENS = 16;

/**
 * The longest a session call can take: every attempt's deadline (which holds even for a `fetch`
 * that ignores its signal) plus the longest wait between attempts. The renewal lock lives longer
 * than this, so no other process starts a second login while ours may still be answered.
 */
export function sessionCallBudgetMs(timeoutMs: number, retries: number): number {
  return (retries + 1) * timeoutMs + retries * MAX_SESSION_RETRY_WAIT_MS;
}

/**
 * A McParken API session: gets an access token with `apikey`, `username` and `password`,
 * caches it (in `store`), renews it shortly before it expires and when McParken says it has
 * expired, and sends it with every request made through {@link McParkenSession.http}.
 *
 * Credentials are kept in private fields: they do not show in `util.inspect(session)` or
 * `JSON.stringify(session)`. Construction throws a `ConfigurationError` on a web page unless
 * `dangerouslyAllowBrowser` is set, because McParken forbids credentials on web pages.
 */
export class McParkenSession {
  /** The API root, without a trailing slash. */
  readonly baseUrl: string;
  /**
   * Requests to McParken's API: `session.http.get('parking/zones')` requests
   * `${baseUrl}/parking/zones` with `Authorization: Bearer <token>` and `apikey`, and resolves to
   * the answer (`status`, `headers`, `requestId`, `json()`, `text()`; or chain
   * `.json()`). When an answer carries McParken's expired-token body (`errorcode` 401, any HTTP
   * status), the token is dropped and renewed (one login for all requests that hit the expiry
   * together) and the request repeated once; a second refusal throws `McParkenError` `'401'`.
   * Any other McParken error body throws its code, even in a 2xx answer, and is never retried.
   * Non-2xx answers throw `http_error`; transport failures `timeout` or `network_error` — all
   * with `status`/`requestId` where known, URLs redacted and no `cause`. Only addresses under
   * `baseUrl` are requested: anything else (`'../x'`, `'/x'`, another origin, encoded dot
   * segments) throws `outside_base_url` before anything is sent, and redirects are not followed.
   */
  readonly http: McParkenHttp;

  readonly #options: ResolvedOptions;
  /** Store key of a refused login of these credentials: a digest of all of them (Web Crypto digests are asynchronous). */
  readonly #refusalKey: Promise<string>;
  readonly #tokens: TokenCache;
  /** The session call (`getsession`): waits between attempts capped so the renewal lock covers the call. */
  readonly #loginRequests: Requester;
  /** Requests made through `http`. */
  readonly #apiRequests: Requester;
  /** The last refusal of these credentials seen by this session (the store may hold a newer one from another process). */
  #refusal: RefusedLogin | undefined;
  /** Serialized cache entries by access token, so `invalidate(accessToken)` can name the exact entry. */
  readonly #entries = new Map<string, string>();
  /** The last cache entry decoded, so the hot path does not parse JSON on every request. */
  #lastDecoded: { serialized: string; entry: CachedSession } | undefined;
  /** Calls waiting for a token right now. A login none of them waits for any more is abandoned. */
  #waiting = 0;
  /** Aborts the login in flight, if any. */
  #loginInFlight: AbortController | undefined;
  /** Reasons the abandoned logins were aborted with: a caller that joined one just then starts another. */
  readonly #abandoned = new WeakSet<object>();

  constructor(options: McParkenSessionOptions) {
    if (runsOnWebPage() && options?.dangerouslyAllowBrowser !== true) {
      throw new ConfigurationError(
        'McParkenSession refuses to run on a web page: McParken requires that the apikey, username and password never sit where a visitor can read them. Call McParken from your server and give the page only the data it needs. (Pass `dangerouslyAllowBrowser: true` only for trusted environments such as jsdom tests.)',
      );
    }
    this.#options = resolveOptions(options);
    this.baseUrl = this.#options.baseUrl;
    const { apiKey, username, password, timeoutMs, retries, logger } = this.#options;
    // Every piece of the credentials: a token (or a refusal) is found only by the credentials that
    // made it, never by a wrong password or another tenant on the same store.
    const material = [this.baseUrl, apiKey, username, password];
    this.#tokens = createTokenCache({
      store: this.#options.store,
      // Keyed by a digest of the material, and stored encrypted with a key derived from it.
      credentials: { namespace: 'mcparken:token', material },
      fetchToken: () => this.#requestToken(),
      // The cache uses min(margin, lifetime / 4) per token, so a 60-s token renews at 50 s.
      refreshMarginMs: this.#options.refreshMarginMs,
      // Other processes wait this long for us before presuming the renewal dead: cover the whole session call.
      lockTtlMs: sessionCallBudgetMs(timeoutMs, retries) + STORE_MARGIN_MS,
      now: this.#options.now,
    });
    this.#refusalKey = credentialKey('mcparken:refused-login', material);
    // Avoid an unhandled rejection before the first call; every call awaits the same promise and sees the error.
    this.#refusalKey.catch(() => undefined);
    const shared = {
      baseUrl: `${this.baseUrl}/`,
      userAgent: USER_AGENT,
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
      timeoutMs,
      retries,
      redact: (text: string) => this.#showUrl(text),
      ...(logger ? { logger } : {}),
      ...(this.#options.hooks ? { hooks: boundHooks(this.#options.hooks) } : {}),
      toError: (failure: RequestFailure) => this.#transportError(failure),
    };
    this.#loginRequests = createRequester({
      ...shared,
      retryMaxDelayMs: MAX_SESSION_RETRY_WAIT_MS,
      maxRetryAfterMs: MAX_SESSION_RETRY_WAIT_MS,
      totalTimeoutMs: sessionCallBudgetMs(timeoutMs, retries),
    });
    this.#apiRequests = createRequester(shared);
    this.http = createHttpClient((method, path, callOptions) => this.#send(method, path, callOptions));
  }

  /**
   * A valid access token: cached, renewed before expiry, one session call however many callers
   * wait. `signal` and `timeoutMs` end this caller's wait (with the signal's reason, or
   * `McParkenError` `timeout`); the login goes on for other callers, and is abandoned only
   * when no caller waits for it any more.
   */
  async getAccessToken(options?: McParkenTokenOptions): Promise<string> {
    return (await this.#entry(callScope(options))).accessToken;
  }

  /**
   * The current token with McParken's user id and its expiry (e.g. for "logged in as 72 until …").
   * Gets or renews the token like {@link McParkenSession.getAccessToken}, with the same options.
   */
  async getSession(options?: McParkenTokenOptions): Promise<McParkenSessionInfo> {
    const entry = await this.#entry(callScope(options));
    const info: McParkenSessionInfo = {
      accessToken: entry.accessToken,
      expiresAt: new Date(entry.receivedAt + entry.lifetimeMs),
      lifetimeMs: entry.lifetimeMs,
      lifetimeSeconds: entry.lifetimeMs / 1000,
    };
    if (entry.userId !== undefined) info.userId = entry.userId;
    if (entry.tokenType !== undefined) info.tokenType = entry.tokenType;
    if (entry.issued !== undefined) info.issued = entry.issued;
    if (entry.expires !== undefined) info.expires = entry.expires;
    return info;
  }

  /**
   * Forgets `accessToken` (e.g. after McParken refused it elsewhere), so the next call gets a new one.
   * A token that was already replaced is left alone, so late callers do not discard the newer one.
   */
  async invalidate(accessToken: string, options?: McParkenTokenOptions): Promise<void> {
    const scope = callScope(options);
    scope.signal?.throwIfAborted();
    await within(this.#forget(accessToken), scope);
  }

  /** Secret-free description for logs and `util.inspect`. */
  toJSON(): Record<string, unknown> {
    return { baseUrl: this.baseUrl };
  }

  async #forget(accessToken: string): Promise<void> {
    const serialized = this.#entries.get(accessToken);
    if (serialized !== undefined) await this.#tokens.invalidate(serialized);
  }

  /**
   * The current session entry for one call. The call counts as waiting while it runs; when the
   * last waiting call gives up (abort or deadline), the login in flight is abandoned, so nothing
   * keeps running for nobody.
   */
  async #entry(scope: CallScope): Promise<CachedSession> {
    scope.signal?.throwIfAborted();
    this.#waiting += 1;
    try {
      for (;;) {
        try {
          return await within(this.#currentEntry(), scope);
        } catch (error) {
          // A login every other caller gave up on just before this one joined it: start another.
          if (typeof error === 'object' && error !== null && this.#abandoned.has(error)) continue;
          throw error;
        }
      }
    } finally {
      this.#waiting -= 1;
      if (this.#waiting === 0 && this.#loginInFlight !== undefined) this.#loginInFlight.abort(this.#abandon());
    }
  }

  #abandon(): McParkenError {
    const reason = new McParkenError('aborted', 'The McParken login was abandoned: every call waiting for it gave up.');
    this.#abandoned.add(reason);
    return reason;
  }

  async #currentEntry(): Promise<CachedSession> {
    const tokens = this.#tokens;
    for (let attempt = 0; ; attempt += 1) {
      const serialized = await tokens.get();
      if (serialized === this.#lastDecoded?.serialized) return this.#lastDecoded.entry;
      const entry = decodeEntry(serialized);
      if (entry) {
        this.#remember(entry.accessToken, serialized);
        this.#lastDecoded = { serialized, entry };
        return entry;
      }
      // Something else wrote this key (another version, a corrupted store): drop it once.
      await tokens.invalidate(serialized);
      if (attempt >= 1) {
        throw new McParkenError('invalid_response', 'The token store holds an unreadable McParken session entry.');
      }
    }
  }

  #remember(accessToken: string, serialized: string): void {
    this.#entries.delete(accessToken);
    this.#entries.set(accessToken, serialized);
    if (this.#entries.size > REMEMBERED_TOKENS) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  /** What is redacted from URLs shown anywhere. */
  get #secrets(): string[] {
    return [this.#options.password, this.#options.apiKey, this.#options.username];
  }

  /** What is redacted from vendor messages, which may echo headers: the credentials and the recent tokens. */
  get #messageSecrets(): string[] {
    return [...this.#secrets, ...this.#entries.keys()];
  }

  /**
   * Calls `session/getsession` (retrying network failures, timeouts and 408/429/5xx, never a
   * McParken error body) and returns the token for the cache. A refusal is remembered for
   * `refusedLoginCooldownMs` and answered from memory (this session's, or the store's) instead of
   * asking again. Nobody's signal is passed on: the login is shared, and abandoned only when no
   * call waits for it.
   */
  async #requestToken(): Promise<{ token: string; lifetimeMs: number }> {
    const { apiKey, username, password, now, logger } = this.#options;
    const refusalKey = await this.#refusalKey;
    await this.#throwIfRecentlyRefused(
      refusalKey,
      `${this.baseUrl}/session/getsession?username=${REDACTED}&password=${REDACTED}`,
    );
    if (this.#waiting === 0) throw this.#abandon();
    const controller = new AbortController();
    this.#loginInFlight = controller;
    let answer: RequesterResponse;
    try {
      answer = await this.#loginRequests.request(
        {
          method: 'GET',
          path: 'session/getsession',
          query: new URLSearchParams({ username, password }),
          headers: { apikey: apiKey, accept: 'application/json' },
          // Asking again after a refusal cannot succeed and counts towards locking the account.
          retryOn: (busy) => RETRY_STATUSES.has(busy.status) && detectVendorError(busy.text) === undefined,
        },
        { signal: controller.signal },
      );
    } finally {
      if (this.#loginInFlight === controller) this.#loginInFlight = undefined;
    }
    const receivedAt = now();
    const refusal = detectVendorError(answer.text, this.#secrets);
    if (refusal) {
      logger?.warn?.(
        `McParken refused the login (${refusal.code}); the refusal is answered from memory for refusedLoginCooldownMs.`,
        { code: refusal.code, status: answer.status, ...(answer.requestId ? { requestId: answer.requestId } : {}) },
      );
      await this.#rememberRefusal(refusalKey, {
        code: refusal.code,
        status: answer.status,
        ...(refusal.message === undefined ? {} : { vendorMessage: refusal.message }),
        refusedAt: now(),
      });
    }
    const parsed = parseSessionAnswer(
      { status: answer.status, bodyText: answer.text, dateHeader: answer.headers.get('date') },
      { url: answer.url, secrets: this.#secrets, ...(answer.requestId ? { requestId: answer.requestId } : {}) },
    );
    const entry: CachedSession = { accessToken: parsed.accessToken, receivedAt, lifetimeMs: parsed.lifetimeMs };
    if (parsed.userId !== undefined) entry.userId = parsed.userId;
    if (parsed.tokenType !== undefined) entry.tokenType = parsed.tokenType;
    if (parsed.issued !== undefined) entry.issued = parsed.issued;
    if (parsed.expires !== undefined) entry.expires = parsed.expires;
    const serialized = JSON.stringify(entry);
    this.#remember(entry.accessToken, serialized);
    logger?.debug?.('McParken login succeeded.', { lifetimeMs: parsed.lifetimeMs });
    return { token: serialized, lifetimeMs: parsed.lifetimeMs };
  }

  /** Throws the remembered refusal of these credentials while it is younger than `refusedLoginCooldownMs`. */
  async #throwIfRecentlyRefused(refusalKey: string, shownUrl: string): Promise<void> {
    const { refusedLoginCooldownMs: cooldownMs, store, now } = this.#options;
    if (cooldownMs === 0) return;
    const stored = decodeRefusal(await store.get(refusalKey));
    const refusal =
      stored !== undefined && (this.#refusal === undefined || stored.refusedAt > this.#refusal.refusedAt)
        ? stored
        : this.#refusal;
    if (refusal === undefined) return;
    const ageMs = now() - refusal.refusedAt;
    if (ageMs >= cooldownMs || ageMs < 0) return;
    throw McParkenError.fromVendorCode(refusal.code, {
      ...(refusal.status === undefined ? {} : { status: refusal.status }),
      url: shownUrl,
      ...(refusal.vendorMessage === undefined ? {} : { vendorMessage: refusal.vendorMessage }),
      reason: `McParken refused this login ${Math.round(ageMs / 1000)} s ago; not asked again for ${Math.ceil((cooldownMs - ageMs) / 1000)} s (refusedLoginCooldownMs), so a retry loop cannot lock the account`,
    });
  }

  async #rememberRefusal(refusalKey: string, refusal: RefusedLogin): Promise<void> {
    const { refusedLoginCooldownMs: cooldownMs, store } = this.#options;
    if (cooldownMs === 0) return;
    this.#refusal = refusal;
    try {
      await store.set(refusalKey, JSON.stringify(refusal), { ttlMs: cooldownMs });
    } catch {
      // The store is out of reach: this session still remembers the refusal; the vendor's answer matters more.
    }
  }

  /** One `session.http` call: confinement, token, request, one renewal on an expired-token answer. */
  async #send(method: HttpMethod, path: string | URL, options: McParkenHttpBodyOptions): Promise<McParkenResponse> {
    const scope = callScope(options);
    const callerHeaders = headerRecord(options?.headers);
    if (options.json !== undefined && options.body !== undefined) {
      throw new ConfigurationError('session.http: pass `json` or `body`, not both.');
    }
    if (options.body !== undefined && typeof options.body !== 'string' && !(options.body instanceof URLSearchParams)) {
      throw new ConfigurationError(
        'session.http option `body` must be a string or URLSearchParams (use `json` for JSON), so it can be sent again after a token renewal.',
      );
    }
    if (options.retry !== undefined && typeof options.retry !== 'boolean') {
      throw new ConfigurationError(
        'session.http option `retry` must be true or false; how many times is the session option `retries`.',
      );
    }
    scope.signal?.throwIfAborted();
    // Before the login too: a request that will be refused must not cost a session call.
    const target = this.#confine(method, path);
    const query = toSearchParams(options.searchParams);
    const spec: RequestSpec = {
      method,
      path: target,
      ...(query === undefined ? {} : { query }),
      ...(options.json === undefined ? {} : { json: options.json }),
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      // McParken's error fields appear only on errors: such an answer is final, whatever its status.
      retryOn: (answer) => RETRY_STATUSES.has(answer.status) && this.#vendorError(answer) === undefined,
    };
    const attempt = async (token: string) =>
      this.#apiRequests.request(
        { ...spec, headers: { ...callerHeaders, authorization: `Bearer ${token}`, apikey: this.#options.apiKey } },
        remaining(scope),
      );
    let token = (await this.#entry(scope)).accessToken;
    let answer = await attempt(token);
    let found = this.#vendorError(answer);
    if (isExpiredTokenError(found)) {
      this.#options.logger?.info?.(
        'McParken said the access token has expired: renewing it and repeating the request once.',
        {
          method,
          url: answer.url,
        },
      );
      await within(this.#forget(token), scope);
      token = (await this.#entry(scope)).accessToken;
      answer = await attempt(token);
      found = this.#vendorError(answer);
      if (isExpiredTokenError(found)) await this.#forget(token);
    }
    const details = {
      status: answer.status,
      url: answer.url,
      ...(answer.requestId === undefined ? {} : { requestId: answer.requestId }),
    };
    if (found !== undefined) {
      throw McParkenError.fromVendorCode(found.code, {
        ...details,
        ...(found.message === undefined ? {} : { vendorMessage: found.message }),
      });
    }
    if (answer.status < 200 || answer.status > 299) {
      throw new McParkenError(
        'http_error',
        `McParken answered HTTP ${answer.status} to ${method} ${answer.url}.`,
        details,
      );
    }
    const { text } = answer;
    return {
      ...details,
      headers: answer.headers,
      text: () => text,
      json: <T>(): T => {
        if (text.trim() === '') return undefined as T;
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new McParkenError('invalid_response', `McParken's answer to ${method} ${answer.url} is not JSON.`, {
            ...details,
            reason: 'body is not JSON',
          });
        }
      },
    };
  }

  /** McParken's error fields in a small JSON or text answer; undefined for anything else. */
  #vendorError(answer: RequesterResponse): VendorErrorBody | undefined {
    const type = answer.headers.get('content-type') ?? '';
    if (type !== '' && !/json|text/i.test(type)) return undefined;
    if (answer.text.length > MAX_SNIFFED_BODY || !answer.text.includes('error')) return undefined;
    return detectVendorError(answer.text, this.#messageSecrets);
  }

  /**
   * The path to request, or `outside_base_url` unless it lies under `baseUrl`: same origin, a
   * path below the base path, no dot segment, and no segment that a server could still read as
   * `.`, `..` or a path separator once percent-decoded (`%2e%2e`, `..%2f`, `%5c`, double encodings).
   */
  #confine(method: string, path: string | URL): string {
    const text = typeof path === 'string' ? path : path instanceof URL ? path.href : undefined;
    if (text !== undefined) {
      const pathPart = text.split(/[?#]/)[0] ?? '';
      if (pathPart.split('/').every((segment) => isPlainSegment(segment))) {
        try {
          this.#apiRequests.resolve(text);
          return text;
        } catch {
          // Refused by core's confinement: reported below with this call's method and path.
        }
      }
    }
    const shown = text === undefined ? 'an address that is not a string or URL' : this.#showUrl(text);
    throw new McParkenError(
      'outside_base_url',
      `session.http refused ${method} ${shown}: the token and apikey are sent only to baseUrl ${this.baseUrl}, and nothing was sent. Pass a path relative to baseUrl, such as 'parking/zones' (no leading slash, no '.' or '..' segment, no encoded '.', '/' or '\\', not another origin).`,
      { url: shown, reason: 'outside baseUrl' },
    );
  }

  /** Core's transport failures as this package's errors: redacted, and without a `cause`. */
  #transportError(failure: RequestFailure): McParkenError {
    const { url } = failure;
    switch (failure.kind) {
      case 'timeout':
        return new McParkenError('timeout', `McParken did not answer in time: ${failure.message}.`, {
          url,
          reason: 'timeout',
        });
      case 'network':
        return new McParkenError('network_error', `Could not reach McParken (${failure.reason}): ${failure.message}.`, {
          url,
          reason: failure.reason,
        });
      case 'too_large':
        return new McParkenError('invalid_response', `McParken's answer is too large: ${failure.message}.`, {
          url,
          reason: 'too_large',
        });
      case 'redirect':
        return new McParkenError(
          'http_error',
          `McParken redirected (HTTP ${failure.status ?? '3xx'}) ${failure.method} ${url}${failure.location === undefined ? '' : ` to ${failure.location}`}. Redirects are not followed, so that credentials and tokens never leave baseUrl: set baseUrl to the address McParken's API really answers on.`,
          { ...(failure.status === undefined ? {} : { status: failure.status }), url, reason: failure.reason },
        );
      case 'outside_base_url':
        return new McParkenError('outside_base_url', failure.message, { url, reason: 'outside baseUrl' });
    }
  }

  /** A URL (or any text) as it may be shown: secret query parameters and secret values redacted. */
  #showUrl(text: string): string {
    return redactSecrets(redactUrl(text, URL_SECRET_PARAMS), this.#secrets);
  }
}

/** Validates a call's options and fixes its deadline. */
function callScope(options: McParkenTokenOptions | undefined): CallScope {
  const { signal, timeoutMs, deadline } = checkRequestOptions(options);
  return {
    ...(signal === undefined ? {} : { signal }),
    ...(timeoutMs === undefined || deadline === undefined ? {} : { timeoutMs, deadline }),
  };
}

/** The request options for core: the caller's signal and what is left of the call's deadline. */
function remaining(scope: CallScope): RequestOptions {
  const options: RequestOptions = scope.signal === undefined ? {} : { signal: scope.signal };
  if (scope.deadline === undefined) return options;
  const left = scope.deadline - Date.now();
  if (left <= 0) throw callTimeout(scope);
  return { ...options, timeoutMs: left };
}

function callTimeout(scope: CallScope): McParkenError {
  return new McParkenError(
    'timeout',
    `McParken did not answer within this call's timeoutMs (${scope.timeoutMs} ms); a login still under way goes on for other callers.`,
    { reason: 'timeout' },
  );
}

/** `work`, or the signal's reason as soon as it aborts, or `timeout` at the call's deadline; `work` goes on (it may be shared). */
function within<T>(work: Promise<T>, scope: CallScope): Promise<T> {
  const { signal, deadline } = scope;
  return settleWithin(work, {
    signal,
    timeoutMs: deadline === undefined ? undefined : deadline - Date.now(),
    onTimeout: () => callTimeout(scope),
  });
}

/** The caller's headers with lower-case names (so the session's own replace them, not join them). */
function headerRecord(headers: RequestOptions['headers'] | undefined): Record<string, string> {
  if (headers === undefined) return {};
  let parsed: Headers;
  try {
    parsed = new Headers(headers);
  } catch {
    // The platform's message quotes the value, which may be a secret.
    throw new ConfigurationError('Per-call option `headers` holds an invalid header name or value.');
  }
  const record: Record<string, string> = {};
  for (const [name, value] of parsed) record[name] = value;
  return record;
}

/** Calls the user's hooks as methods, so hooks given as a class instance keep their `this`. */
function boundHooks(hooks: ClientHooks): ClientHooks {
  return {
    onRequest: (info) => hooks.onRequest?.(info),
    onResponse: (info) => hooks.onResponse?.(info),
    onRetry: (info) => hooks.onRetry?.(info),
    onError: (info) => hooks.onError?.(info),
  };
}

function decodeRefusal(serialized: string | undefined): RefusedLogin | undefined {
  if (serialized === undefined) return undefined;
  try {
    const value = JSON.parse(serialized) as Partial<RefusedLogin> | null;
    if (
      typeof value?.code === 'string' &&
      value.code.length <= 32 &&
      typeof value.refusedAt === 'number' &&
      (value.status === undefined || typeof value.status === 'number') &&
      (value.vendorMessage === undefined ||
        (typeof value.vendorMessage === 'string' && value.vendorMessage.length <= 200))
    ) {
      return value as RefusedLogin;
    }
  } catch {
    // Not ours: treated as no refusal.
  }
  return undefined;
}

/**
 * True when a path segment stays a plain name however often a server percent-decodes it: never
 * `.` or `..`, never a `/` or `\\`. Only the escapes that can produce those are decoded (`%2e`,
 * `%2f`, `%5c`, and `%25` for double encoding), so other escapes and a literal `%25` stay allowed.
 */
function isPlainSegment(segment: string): boolean {
  let text = segment;
  for (let round = 0; round < 4; round += 1) {
    if (text === '.' || text === '..' || /[/\\]/.test(text)) return false;
    const decoded = text.replace(/%(2e|2f|5c|25)/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    if (decoded === text) return true;
    text = decoded;
  }
  return false;
}

function decodeEntry(serialized: string): CachedSession | undefined {
  try {
    const value = JSON.parse(serialized) as Partial<CachedSession>;
    if (
      typeof value?.accessToken === 'string' &&
      typeof value.receivedAt === 'number' &&
      typeof value.lifetimeMs === 'number'
    ) {
      return value as CachedSession;
    }
  } catch {
    // fall through
  }
  return undefined;
}
