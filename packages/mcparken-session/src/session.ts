import {
  ConfigurationError,
  createHttp,
  createTokenCache,
  REDACTED,
  readTextUpTo,
  redactSecrets,
  redactUrl,
  type TokenCache,
} from '@vendorkit/core';
import type { HTTPError, KyInstance } from 'ky';
import { runsOnWebPage } from './environment.js';
import { isMcParkenError, McParkenError } from './errors.js';
import { type McParkenSessionOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { parseSessionAnswer } from './session-response.js';
import { fetchWithDeadline } from './transport.js';
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
   * code, even in a 2xx answer. Failures are `McParkenError`s
   * (vendor code, `http_error`, `timeout`, `network_error`) with redacted URLs and no `cause`.
   * Limit: ky's own per-call `timeout` option bypasses this; use `timeoutMs` instead.
   */
  readonly http: KyInstance;

  readonly #options: ResolvedOptions;
  /** Created once the store key is hashed (Web Crypto digests are asynchronous). */
  readonly #tokens: Promise<TokenCache>;
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
    this.#tokens = storeKey(this.baseUrl, this.#options.username).then((key) =>
      createTokenCache({
        store: this.#options.store,
        key,
        fetchToken: () => this.#requestToken(),
        // The cache uses min(margin, lifetime / 4) per token, so a 60-s token renews at 50 s.
        refreshMarginMs: this.#options.refreshMarginMs,
        // Other processes wait this long for us before presuming the renewal dead: cover every attempt.
        lockTtlMs:
          (this.#options.timeoutMs + MAX_SESSION_RETRY_WAIT_MS) * (this.#options.retries + 1) +
          MAX_SESSION_RETRY_WAIT_MS,
        now: this.#options.now,
      }),
    );
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
    if (serialized !== undefined) await (await this.#tokens).invalidate(serialized);
  }

  /** Secret-free description for logs and `util.inspect`. */
  toJSON(): Record<string, unknown> {
    return { baseUrl: this.baseUrl };
  }

  async #currentEntry(): Promise<CachedSession> {
    const tokens = await this.#tokens;
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

  /** Calls `session/getsession`, retrying network errors and 408/429/5xx, and returns the token for the cache. */
  async #requestToken(): Promise<{ token: string; lifetimeMs: number }> {
    const { apiKey, username, password, retries, timeoutMs, now } = this.#options;
    const url = new URL(`${this.baseUrl}/session/getsession`);
    url.searchParams.set('username', username);
    url.searchParams.set('password', password);
    const shownUrl = `${this.baseUrl}/session/getsession?username=${REDACTED}&password=${REDACTED}`;
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
        if (isMcParkenError(error, 'network_error') && attempt < retries) {
          await sleep(backoffMs(attempt));
          continue;
        }
        throw error;
      }
      const { response } = answer;
      const bodyText = answer.bodyText ?? '';
      const receivedAt = now();
      if (RETRY_STATUSES.has(response.status) && attempt < retries && !detectVendorError(bodyText)) {
        const wait = retryAfterMs(response.headers.get('retry-after')) ?? backoffMs(attempt);
        if (wait <= MAX_SESSION_RETRY_WAIT_MS) {
          await sleep(wait);
          continue;
        }
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

  /** The URL of a request as it may be shown: secret query parameters and secret values redacted. */
  #showUrl(url: string): string {
    return redactSecrets(redactUrl(url, URL_SECRET_PARAMS), this.#secrets);
  }

  #createHttp(): KyInstance {
    const { apiKey, timeoutMs, retries } = this.#options;
    const deadlineFetch = async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
      const request = input instanceof URL ? input.href : input;
      const shownUrl = this.#showUrl(typeof request === 'string' ? request : request.url);
      try {
        return (await fetchWithDeadline(this.#options.fetch, request, init, { timeoutMs, shownUrl })).response;
      } catch (error) {
        if (isMcParkenError(error, 'network_error')) this.#retryableErrors.add(error);
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
            // Backstop for callers whose own `retry` option replaced shouldRetry: never repeat a final typed error.
            ({ error }) => {
              if (isMcParkenError(error) && !this.#retryableErrors.has(error)) throw error;
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
    return base.extend({
      retry: {
        // Typed errors made by this package are final, except network errors from deadlineFetch.
        shouldRetry: ({ error }) => (isMcParkenError(error) && !this.#retryableErrors.has(error) ? false : undefined),
      },
    });
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
    return new McParkenError('http_error', `McParken answered HTTP ${response.status} to ${request.method} ${url}.`, {
      status: response.status,
      url,
    });
  }
}

/** Store key per API root and account, hashed so neither the username nor anything secret is readable in the store. */
async function storeKey(baseUrl: string, username: string): Promise<string> {
  const bytes = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${baseUrl}\n${username}`)),
  );
  const hex = Array.from(bytes.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  return `mcparken:token:${hex}`;
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
