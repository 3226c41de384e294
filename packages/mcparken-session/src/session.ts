import {
  ConfigurationError,
  createHttp,
  createTokenCache,
  credentialKey,
  REDACTED,
  readTextUpTo,
  redactSecrets,
  redactUrl,
  type TokenCache,
} from '@vendorkit/core';
import { type HTTPError, isHTTPError, type KyInstance } from 'ky';
import { runsOnWebPage } from './environment.js';
import { McParkenError } from './errors.js';
import { type McParkenSessionOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { parseSessionAnswer } from './session-response.js';
import { fetchWithDeadline, isNetworkFailure } from './transport.js';
import { detectVendorError, isExpiredTokenError, type VendorErrorBody } from './vendor-error.js';

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
  /** The token's lifetime in seconds, as computed from McParken's own fields. */
  lifetimeSeconds: number;
  /** McParken's `issued` text (server time), for display. */
  issued?: string;
  /** McParken's `expires` text (server time), for display. */
  expires?: string;
}

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

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const URL_SECRET_PARAMS = ['password', 'apikey', 'username', 'access_token', 'token'];
const MAX_SNIFFED_BODY = 64 * 1024;
/** Longest wait between session-call attempts (backoff or Retry-After); a longer Retry-After ends the retries. */
const MAX_SESSION_RETRY_WAIT_MS = 5_000;
/** Time for the store round trips around a session call (read the refusal, write the token) under the lock. */
const STORE_MARGIN_MS = 5_000;
const KY_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head']);

/**
 * The longest a session call can take: every attempt's deadline (which holds even for a `fetch`
 * that ignores its signal) plus the longest wait between attempts. The renewal lock lives longer
 * than this, so no other process starts a second login while ours may still be answered.
 */
export function sessionCallBudgetMs(timeoutMs: number, retries: number): number {
  return (retries + 1) * timeoutMs + retries * MAX_SESSION_RETRY_WAIT_MS;
}

/** A login McParken refused, as kept in the store (no secret: the vendor message is already redacted). */
interface RefusedLogin {
  code: string;
  status?: number;
  vendorMessage?: string;
  refusedAt: number;
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
   * A ky instance on `baseUrl` (`session.http.get('parking/zones')` → `${baseUrl}/parking/zones`)
   * that sends `Authorization: Bearer <token>` and `apikey`. When an answer carries McParken's
   * expired-token body (`errorcode` 401, any HTTP status), it drops that token, gets a new one
   * (one session call for all requests that hit the expiry together) and repeats the request
   * once; a second refusal throws `McParkenError` `'401'`. Any other McParken error body throws its
   * code, even in a 2xx answer, and is never retried. Failures are `McParkenError`s
   * (vendor code, `http_error`, `timeout`, `network_error`) with redacted URLs and no `cause`.
   * Only addresses under `baseUrl` are requested: anything else (a `URL` or `Request` elsewhere,
   * `'../x'`, `'/x'`, an absolute URL string, encoded dot segments) throws `outside_base_url`
   * before anything is sent, and redirects are not followed.
   * Limit: ky's own per-call `timeout` option bypasses this; use `timeoutMs` instead.
   */
  readonly http: KyInstance;

  readonly #options: ResolvedOptions;
  /** Store key of a refused login of these credentials: a digest of all of them (Web Crypto digests are asynchronous). */
  readonly #refusalKey: Promise<string>;
  readonly #tokens: TokenCache;
  /** The last refusal of these credentials seen by this session (the store may hold a newer one from another process). */
  #refusal: RefusedLogin | undefined;
  /** Serialized cache entries by access token, so `invalidate(accessToken)` can name the exact entry. */
  readonly #entries = new Map<string, string>();
  readonly #retryableErrors = new WeakSet<object>();
  /** The last cache entry decoded, so the hot path does not parse JSON on every request. */
  #lastDecoded: { serialized: string; entry: CachedSession } | undefined;

  constructor(options: McParkenSessionOptions) {
    if (runsOnWebPage() && options?.dangerouslyAllowBrowser !== true) {
      throw new ConfigurationError(
        'McParkenSession refuses to run on a web page: McParken requires that the apikey, username and password never sit where a visitor can read them. Call McParken from your server and give the page only the data it needs. (Pass `dangerouslyAllowBrowser: true` only for trusted environments such as jsdom tests.)',
      );
    }
    this.#options = resolveOptions(options);
    this.baseUrl = this.#options.baseUrl;
    const { apiKey, username, password, timeoutMs, retries } = this.#options;
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
    this.http = this.#createHttp();
  }

  /** A valid access token: cached, renewed before expiry, one session call however many callers wait. */
  async getAccessToken(): Promise<string> {
    return (await this.#currentEntry()).accessToken;
  }

  /**
   * The current token with McParken's user id and its expiry (e.g. for "logged in as 72 until …").
   * Gets or renews the token like {@link McParkenSession.getAccessToken}.
   */
  async getSession(): Promise<McParkenSessionInfo> {
    const entry = await this.#currentEntry();
    const info: McParkenSessionInfo = {
      accessToken: entry.accessToken,
      expiresAt: new Date(entry.receivedAt + entry.lifetimeMs),
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
  async invalidate(accessToken: string): Promise<void> {
    const serialized = this.#entries.get(accessToken);
    if (serialized !== undefined) await this.#tokens.invalidate(serialized);
  }

  /** Secret-free description for logs and `util.inspect`. */
  toJSON(): Record<string, unknown> {
    return { baseUrl: this.baseUrl };
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
    if (this.#entries.size > 16) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  get #secrets(): string[] {
    return [this.#options.password, this.#options.apiKey, this.#options.username];
  }

  /**
   * Calls `session/getsession`, retrying network errors and 408/429/5xx (never a McParken error
   * body), and returns the token for the cache. A refusal is remembered for `refusedLoginCooldownMs`
   * and answered from memory (this session's, or the store's) instead of asking again.
   */
  async #requestToken(): Promise<{ token: string; lifetimeMs: number }> {
    const { apiKey, username, password, retries, timeoutMs, now } = this.#options;
    const url = new URL(`${this.baseUrl}/session/getsession`);
    url.searchParams.set('username', username);
    url.searchParams.set('password', password);
    const shownUrl = `${this.baseUrl}/session/getsession?username=${REDACTED}&password=${REDACTED}`;
    const refusalKey = await this.#refusalKey;
    await this.#throwIfRecentlyRefused(refusalKey, shownUrl);
    for (let attempt = 0; ; attempt += 1) {
      let answer: Awaited<ReturnType<typeof fetchWithDeadline>>;
      try {
        answer = await fetchWithDeadline(
          this.#options.fetch,
          url.href,
          { method: 'GET', headers: { apikey: apiKey, accept: 'application/json' } },
          { timeoutMs, shownUrl, readBody: true },
        );
      } catch (error) {
        if (isNetworkFailure(error) && attempt < retries) {
          await sleep(backoffMs(attempt));
          continue;
        }
        throw error;
      }
      const { response } = answer;
      const bodyText = answer.bodyText ?? '';
      const receivedAt = now();
      const refusal = detectVendorError(bodyText, this.#secrets);
      if (refusal) {
        await this.#rememberRefusal(refusalKey, {
          code: refusal.code,
          status: response.status,
          ...(refusal.message === undefined ? {} : { vendorMessage: refusal.message }),
          refusedAt: now(),
        });
      } else if (RETRY_STATUSES.has(response.status) && attempt < retries) {
        const wait = retryAfterMs(response.headers.get('retry-after')) ?? backoffMs(attempt);
        if (wait <= MAX_SESSION_RETRY_WAIT_MS) {
          await sleep(wait);
          continue;
        }
      } else if (isRedirect(response.status)) {
        throw this.#redirectError(response, url.href, shownUrl);
      }
      const parsed = parseSessionAnswer(
        { status: response.status, bodyText, dateHeader: response.headers.get('date') },
        { url: shownUrl, secrets: this.#secrets },
      );
      const entry: CachedSession = { accessToken: parsed.accessToken, receivedAt, lifetimeMs: parsed.lifetimeMs };
      if (parsed.userId !== undefined) entry.userId = parsed.userId;
      if (parsed.tokenType !== undefined) entry.tokenType = parsed.tokenType;
      if (parsed.issued !== undefined) entry.issued = parsed.issued;
      if (parsed.expires !== undefined) entry.expires = parsed.expires;
      const serialized = JSON.stringify(entry);
      this.#remember(entry.accessToken, serialized);
      return { token: serialized, lifetimeMs: parsed.lifetimeMs };
    }
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

  /** A 3xx answer: not followed, so that the apikey, the token and the password never go to another address. */
  #redirectError(response: Response, requestUrl: string, shownUrl: string): McParkenError {
    const location = response.headers.get('location');
    let target = '';
    if (location !== null) {
      try {
        target = ` to ${this.#showUrl(new URL(location, requestUrl).href)}`;
      } catch {
        target = ' to an unreadable address';
      }
    }
    return new McParkenError(
      'http_error',
      `McParken redirected (HTTP ${response.status}) ${shownUrl}${target}. Redirects are not followed, so that credentials and tokens never leave baseUrl: set baseUrl to the address McParken's API really answers on.`,
      { status: response.status, url: shownUrl },
    );
  }

  /** The URL of a request as it may be shown: secret query parameters and secret values redacted. */
  #showUrl(url: string): string {
    return redactSecrets(redactUrl(url, URL_SECRET_PARAMS), this.#secrets);
  }

  /**
   * Throws `outside_base_url` unless `href` lies under `baseUrl`: same origin, no user info, a
   * path below the base path, and no segment that a server could still read as `.`, `..` or a
   * path separator once percent-decoded (`%2e%2e`, `..%2f`, `%5c`, double encodings).
   */
  #assertInsideBase(method: string, href: string): void {
    const base = new URL(`${this.baseUrl}/`);
    let url: URL | undefined;
    try {
      url = new URL(href, base);
    } catch {
      url = undefined;
    }
    if (
      url !== undefined &&
      url.origin === base.origin &&
      url.username === '' &&
      url.password === '' &&
      url.pathname.startsWith(base.pathname) &&
      url.pathname
        .slice(base.pathname.length)
        .split('/')
        .every((segment) => isPlainSegment(segment))
    ) {
      return;
    }
    throw this.#outsideBase(method, url === undefined ? undefined : url.href);
  }

  #outsideBase(method: string, href: string | undefined): McParkenError {
    const shown = href === undefined ? 'an unparsable URL' : this.#showUrl(href);
    return new McParkenError(
      'outside_base_url',
      `session.http refused ${method.toUpperCase()} ${shown}: the token and apikey are sent only to baseUrl ${this.baseUrl}, and nothing was sent. Pass a path relative to baseUrl, such as 'parking/zones' (no leading slash, no '..' segment, not an absolute URL, nor a URL or Request object pointing elsewhere).`,
      { url: shown, reason: 'outside baseUrl' },
    );
  }

  #createHttp(): KyInstance {
    const { apiKey, timeoutMs, retries } = this.#options;
    const deadlineFetch = async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
      const request = input instanceof URL ? input.href : input;
      const href = typeof request === 'string' ? request : request.url;
      // The last point before anything is sent: also covers hooks added by callers that swap the request.
      this.#assertInsideBase(init?.method ?? (typeof request === 'string' ? 'GET' : request.method), href);
      const shownUrl = this.#showUrl(href);
      try {
        return (await fetchWithDeadline(this.#options.fetch, request, init, { timeoutMs, shownUrl })).response;
      } catch (error) {
        if (isNetworkFailure(error)) this.#retryableErrors.add(error);
        throw error;
      }
    };
    const base = createHttp({
      baseUrl: this.baseUrl,
      fetch: deadlineFetch as typeof fetch,
      timeoutMs,
      retries,
      ky: {
        // Deadlines are enforced by deadlineFetch, which throws a typed, redacted error instead of ky's TimeoutError.
        timeout: false,
        hooks: {
          beforeRequest: [
            async (request) => {
              // Before the login too: a request that will be refused must not cost a session call.
              this.#assertInsideBase(request.method, request.url);
              request.headers.set('authorization', `Bearer ${await this.getAccessToken()}`);
              request.headers.set('apikey', apiKey);
            },
          ],
          afterResponse: [
            async (request, _options, response) => {
              const found = await sniffVendorError(response, this.#secrets);
              if (found === undefined) return undefined;
              if (!isExpiredTokenError(found)) {
                // McParken's error fields appear only on errors: a 2xx carrying them is a failure too.
                // Non-2xx answers are converted in beforeError, after ky's retry decision.
                if (response.ok) throw this.#vendorFailure(found, response.status, request.url);
                return undefined;
              }
              const refused = bearerToken(request.headers.get('authorization'));
              if (refused !== undefined) await this.invalidate(refused);
              const retryRequest = request.clone();
              retryRequest.headers.set('authorization', `Bearer ${await this.getAccessToken()}`);
              const retried = await deadlineFetch(retryRequest);
              const again = await sniffVendorError(retried.clone(), this.#secrets);
              if (again !== undefined && (retried.ok || isExpiredTokenError(again))) {
                void retried.body?.cancel().catch(() => undefined);
                const renewed = bearerToken(retryRequest.headers.get('authorization'));
                if (renewed !== undefined && isExpiredTokenError(again)) await this.invalidate(renewed);
                throw this.#vendorFailure(again, retried.status, request.url);
              }
              return retried;
            },
          ],
          beforeRetry: [
            // Backstop for callers whose own `retry` option replaced shouldRetry: repeat only what may be repeated.
            ({ error }) => {
              if (!this.#mayRetry(error)) throw error;
            },
          ],
          beforeError: [
            async (error, state) => {
              if (kyWillRetry(error, state.retryCount)) return error;
              throw await this.#toMcParkenError(error);
            },
          ],
        },
      },
    });
    const http = base.extend({
      retry: {
        // Decided by identity, never by an error's name or code: a bundler may rename classes, and a
        // McParken error body (even in a 200 answer) must not make a PUT or DELETE go out again.
        shouldRetry: ({ error }) => (this.#mayRetry(error) ? undefined : false),
      },
    });
    return refuseNonRelativeInput(http, (method, input) => {
      throw this.#outsideBase(method, input);
    });
  }

  /** Only a failed connection of this client's own fetch, or a ky HTTPError (ky checks method and status), is repeated. */
  #mayRetry(error: unknown): boolean {
    return isHTTPError(error) || (typeof error === 'object' && error !== null && this.#retryableErrors.has(error));
  }

  #vendorFailure(found: VendorErrorBody, status: number, url: string): McParkenError {
    return McParkenError.fromVendorCode(found.code, {
      status,
      url: this.#showUrl(url),
      ...(found.message === undefined ? {} : { vendorMessage: found.message }),
    });
  }

  /** Turns ky's HTTPError (which holds headers with the apikey and token) into a redacted McParkenError. */
  async #toMcParkenError(error: HTTPError): Promise<McParkenError> {
    const { response, request } = error;
    const url = this.#showUrl(request.url);
    let bodyText = '';
    try {
      bodyText = await response.text();
    } catch {
      // An unreadable body still leaves the status to report.
    }
    const found = detectVendorError(bodyText, this.#secrets);
    if (found) return this.#vendorFailure(found, response.status, request.url);
    if (isRedirect(response.status)) return this.#redirectError(response, request.url, url);
    return new McParkenError('http_error', `McParken answered HTTP ${response.status} to ${request.method} ${url}.`, {
      status: response.status,
      url,
    });
  }
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

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400 && status !== 304;
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

/**
 * Wraps a ky instance so that a string input that is not a relative path gets the typed refusal:
 * one starting with `/` (ky throws a plain TypeError for it, and it would leave the base path) or
 * an absolute URL (ky would append it to baseUrl). Instances made with `extend` are wrapped too.
 */
function refuseNonRelativeInput(instance: KyInstance, refuse: (method: string, href: string) => void): KyInstance {
  const check = (input: unknown, method: unknown) => {
    if (typeof input === 'string' && (input.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(input))) {
      refuse(typeof method === 'string' ? method : 'GET', input);
    }
  };
  return new Proxy(instance, {
    apply(target, thisArg, args: unknown[]) {
      check(args[0], (args[1] as { method?: unknown } | undefined)?.method);
      return Reflect.apply(target, thisArg, args);
    },
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      if (KY_METHODS.has(property)) {
        return (input: unknown, options?: unknown) => {
          check(input, property);
          return Reflect.apply(value, target, [input, options]);
        };
      }
      if (property === 'extend') {
        return (...args: unknown[]) => refuseNonRelativeInput(Reflect.apply(value, target, args) as KyInstance, refuse);
      }
      return value;
    },
  });
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

/** Reads McParken's error fields from a small JSON or text answer; undefined for anything else. */
async function sniffVendorError(response: Response, secrets: string[]): Promise<VendorErrorBody | undefined> {
  const type = response.headers.get('content-type') ?? '';
  if (type !== '' && !/json|text/i.test(type)) return undefined;
  if (Number(response.headers.get('content-length') ?? 0) > MAX_SNIFFED_BODY) return undefined;
  const text = await readTextUpTo(response, MAX_SNIFFED_BODY).catch(() => undefined);
  if (text === undefined || !text.includes('error')) return undefined;
  return detectVendorError(text, secrets);
}

function bearerToken(header: string | null): string | undefined {
  const match = header === null ? null : /^Bearer (.+)$/i.exec(header);
  return match?.[1];
}

/** Mirrors ky 1's retry decision for an HTTPError, so only the final failure is converted. */
function kyWillRetry(error: HTTPError, retryCount: number): boolean {
  const retry = error.options.retry;
  if (typeof retry !== 'object' || retry === null) return false;
  const limit = retry.limit ?? 0;
  const status = error.response.status;
  if (retryCount >= limit) return false;
  if (!(retry.methods ?? []).includes(error.request.method.toLowerCase())) return false;
  if (!(retry.statusCodes ?? []).includes(status)) return false;
  if (status === 413 && !error.response.headers.has('retry-after')) return false;
  return true;
}

function backoffMs(attempt: number): number {
  return Math.min(300 * 2 ** attempt, MAX_SESSION_RETRY_WAIT_MS);
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
