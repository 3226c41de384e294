import { type ClientHooks, ConfigurationError, createMemoryStore, type Logger, type Store } from '@vendorkit/core';

/** McParken's production API. */
export const DEFAULT_BASE_URL = 'https://mcparken.se/api';
/** Default {@link McParkenSessionOptions.refreshMarginMs}. */
export const DEFAULT_REFRESH_MARGIN_MS = 10_000;
/** Default {@link McParkenSessionOptions.timeoutMs}. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Default {@link McParkenSessionOptions.retries}. */
export const DEFAULT_RETRIES = 2;
/** Default {@link McParkenSessionOptions.refusedLoginCooldownMs}: one minute. */
export const DEFAULT_REFUSED_LOGIN_COOLDOWN_MS = 60_000;

/** Options of `new McParkenSession(…)`. */
export interface McParkenSessionOptions {
  /** The `apikey` McParken issued (valid 90 days). Sent as a header, never logged. */
  apiKey: string;
  /** The API account's username. */
  username: string;
  /** The API account's password. It travels in the session call's query string (vendor design) and is redacted everywhere this package shows a URL. */
  password: string;
  /** API root; default `https://mcparken.se/api`. A trailing slash is optional. */
  baseUrl?: string;
  /**
   * Renew this many milliseconds before the token expires. Default 10 000. The margin actually
   * used is at most a quarter of the token's lifetime, so a short-lived token is not renewed on
   * every call.
   */
  refreshMarginMs?: number;
  /**
   * The same margin in seconds.
   * @deprecated Use `refreshMarginMs` (milliseconds, like every other duration); this alias goes in the next release.
   */
  refreshMarginSeconds?: number;
  /** A `fetch` implementation; default `globalThis.fetch`, looked up at call time (so MSW sees it). */
  fetch?: typeof fetch;
  /** Where the token is cached; share one (e.g. `@vendorkit/redis-store`) to share a token between processes. Default: in memory. */
  store?: Store;
  /** Per-attempt deadline in milliseconds for every request (session call: headers and body). Default 10 000. */
  timeoutMs?: number;
  /**
   * Retries on network errors, timeouts, 408, 429 and 5xx for the login and idempotent requests
   * (GET, PUT, DELETE; others with `retry: true`), with jittered backoff. Default 2. An answer
   * with a McParken error body is never retried, whatever the method.
   */
  retries?: number;
  /**
   * Told what happens (requests, retries, renewals, refusals); secrets already redacted. Every
   * method is optional. Without a logger the package writes nothing anywhere.
   */
  logger?: Logger;
  /** Called around every request (`onRequest`, `onResponse`, `onRetry`, `onError`), URLs redacted; for metrics and tracing. */
  hooks?: ClientHooks;
  /**
   * After McParken refuses the login (`401.1`, `401.2`, `403.0`, `405.0` or any other error body to
   * the session call), answer every call with that refusal for this long instead of asking again,
   * so that a loop cannot lock the account. The refusal is kept in `store` under a digest of all the
   * credentials: processes sharing a store share it, and changed credentials are tried at once.
   * Default 60 000 (one minute); 0 asks again on every call.
   */
  refusedLoginCooldownMs?: number;
  /**
   * McParken forbids credentials on a web page, so construction throws in a browser. Set this only
   * where the "browser" is really trusted code (a jsdom test, an Electron main process).
   */
  dangerouslyAllowBrowser?: boolean;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
}

/** Options after validation, with defaults applied. */
export interface ResolvedOptions {
  apiKey: string;
  username: string;
  password: string;
  baseUrl: string;
  refreshMarginMs: number;
  /** The caller's fetch; undefined means `globalThis.fetch`, looked up per request. */
  fetch?: typeof fetch;
  store: Store;
  timeoutMs: number;
  retries: number;
  refusedLoginCooldownMs: number;
  logger?: Logger;
  hooks?: ClientHooks;
  now: () => number;
}

/**
 * Validates options and applies defaults. Throws a `ConfigurationError` naming the bad option and
 * what it must be — never quoting the value of `apiKey`, `username` or `password`.
 */
export function resolveOptions(options: McParkenSessionOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('McParkenSession needs an options object: { apiKey, username, password }.');
  }
  for (const name of ['apiKey', 'username', 'password'] as const) {
    const value: unknown = options[name];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ConfigurationError(
        `McParkenSession option \`${name}\` must be a non-empty string (got ${value === undefined ? 'nothing' : typeof value === 'string' ? 'an empty string' : `a ${typeof value}`}).`,
      );
    }
    if (/\p{Cs}/u.test(value)) {
      throw new ConfigurationError(
        `McParkenSession option \`${name}\` contains a lone UTF-16 surrogate (a cut string?); it cannot be sent as it is.`,
      );
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point
    if (name === 'apiKey' && /[\u0000-\u001f\u007f]/.test(value)) {
      throw new ConfigurationError(
        'McParkenSession option `apiKey` contains a control character (a stray newline?); it cannot be sent as a header.',
      );
    }
    if (name === 'apiKey' && [...value].some((char) => char.charCodeAt(0) > 0xff)) {
      throw new ConfigurationError(
        'McParkenSession option `apiKey` contains a character beyond Latin-1; HTTP headers cannot carry it. Copy the key exactly as McParken issued it.',
      );
    }
  }
  const baseUrl = resolveBaseUrl(options.baseUrl);
  const refreshMarginMs = resolveRefreshMargin(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2_147_483_647) {
    throw new ConfigurationError(
      `McParkenSession option \`timeoutMs\` must be a positive number of milliseconds, got ${String(options.timeoutMs)}.`,
    );
  }
  const retries = options.retries ?? DEFAULT_RETRIES;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new ConfigurationError(
      `McParkenSession option \`retries\` must be an integer from 0 to 10, got ${String(options.retries)}.`,
    );
  }
  const refusedLoginCooldownMs = options.refusedLoginCooldownMs ?? DEFAULT_REFUSED_LOGIN_COOLDOWN_MS;
  if (
    typeof refusedLoginCooldownMs !== 'number' ||
    !Number.isFinite(refusedLoginCooldownMs) ||
    refusedLoginCooldownMs < 0 ||
    refusedLoginCooldownMs > 2_147_483_647
  ) {
    throw new ConfigurationError(
      `McParkenSession option \`refusedLoginCooldownMs\` must be a number of milliseconds ≥ 0, got ${String(options.refusedLoginCooldownMs)}.`,
    );
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ConfigurationError('McParkenSession option `fetch` must be a function (a fetch implementation).');
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new ConfigurationError('McParkenSession option `now` must be a function returning epoch milliseconds.');
  }
  for (const name of ['logger', 'hooks'] as const) {
    const value: unknown = options[name];
    if (value !== undefined && (typeof value !== 'object' || value === null)) {
      throw new ConfigurationError(
        `McParkenSession option \`${name}\` must be an object of optional functions (${name === 'logger' ? 'debug, info, warn, error' : 'onRequest, onResponse, onRetry, onError'}).`,
      );
    }
  }
  const store = options.store;
  if (
    store !== undefined &&
    (typeof store !== 'object' ||
      store === null ||
      !['get', 'set', 'setIfAbsent', 'delete'].every(
        (m) => typeof (store as unknown as Record<string, unknown>)[m] === 'function',
      ))
  ) {
    throw new ConfigurationError(
      'McParkenSession option `store` must implement the Store interface (get, set, setIfAbsent, delete).',
    );
  }
  const now = options.now ?? Date.now;
  return {
    apiKey: options.apiKey,
    username: options.username,
    password: options.password,
    baseUrl,
    refreshMarginMs,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    store: store ?? createMemoryStore({ now }),
    timeoutMs,
    retries,
    refusedLoginCooldownMs,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
    now,
  };
}

/** `refreshMarginMs`, or the deprecated `refreshMarginSeconds` converted; never both. */
function resolveRefreshMargin(options: McParkenSessionOptions): number {
  const { refreshMarginMs, refreshMarginSeconds } = options;
  if (refreshMarginMs !== undefined && refreshMarginSeconds !== undefined) {
    throw new ConfigurationError(
      'McParkenSession options `refreshMarginMs` and `refreshMarginSeconds` were both given: pass only `refreshMarginMs` (`refreshMarginSeconds` is its deprecated alias in seconds).',
    );
  }
  const [name, value, scale] =
    refreshMarginSeconds === undefined
      ? (['refreshMarginMs', refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS, 1] as const)
      : (['refreshMarginSeconds', refreshMarginSeconds, 1000] as const);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(
      `McParkenSession option \`${name}\` must be a finite number ≥ 0, got ${String(value)}.`,
    );
  }
  return value * scale;
}

/** Checks `baseUrl` and returns it without a trailing slash. The value is not echoed: it might embed credentials. */
function resolveBaseUrl(value: unknown): string {
  if (value === undefined) return DEFAULT_BASE_URL;
  if (typeof value !== 'string') throw new ConfigurationError('McParkenSession option `baseUrl` must be a string URL.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(
      'McParkenSession option `baseUrl` must be an absolute http(s) URL such as https://mcparken.se/api.',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(`McParkenSession option \`baseUrl\` must use http or https, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new ConfigurationError(
      'McParkenSession option `baseUrl` must not contain user:password@; pass `username` and `password` instead.',
    );
  }
  if (url.search || url.hash) {
    throw new ConfigurationError('McParkenSession option `baseUrl` must not have a query string or fragment.');
  }
  return url.href.replace(/\/+$/, '');
}
