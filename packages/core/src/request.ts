import { readTextUpTo } from './body.js';
import { ConfigurationError } from './errors.js';

/**
 * A logger a client may be given. Every method is optional; a client with no logger is silent.
 * Messages and fields reaching it never hold a secret.
 */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

/** What every request hook is told. The URL has its secrets redacted. */
export interface RequestInfo {
  method: string;
  url: string;
  /** 1 for the first attempt, 2 for the first retry… */
  attempt: number;
}

/**
 * Observability hooks a client may be given (for metrics, tracing, OpenTelemetry spans).
 * Hooks are called synchronously; an exception thrown by a hook is swallowed (and logged as a
 * warning) so that it cannot break the request.
 */
export interface ClientHooks {
  /** Before each attempt is sent. */
  onRequest?(info: RequestInfo): void;
  /** When an attempt got an answer (any status), after its body was read. */
  onResponse?(info: RequestInfo & { status: number; durationMs: number; requestId?: string }): void;
  /** Before waiting to retry: why (`status 503`, `ECONNRESET`, `timeout`) and for how long. */
  onRetry?(info: RequestInfo & { reason: string; delayMs: number }): void;
  /** When an attempt failed without an answer (timeout, network failure, abort, oversized body). */
  onError?(info: RequestInfo & { error: unknown }): void;
}

/** Options every public async call takes as its last, optional argument. */
export interface RequestOptions {
  /** Cancels the call: it rejects promptly with the signal's reason, and stops retries and pagination. */
  signal?: AbortSignal;
  /** Deadline of this call in milliseconds, all attempts included (overrides the client's total timeout). */
  timeoutMs?: number;
  /** Extra headers for the requests this call makes. */
  headers?: Record<string, string>;
}

/** Why a request produced no usable answer. Packages turn it into their own typed error. */
export type RequestFailureKind = 'timeout' | 'network' | 'too_large' | 'redirect' | 'outside_base_url';

/** A failure of the transport itself; its message and fields hold no secret. */
export interface RequestFailure {
  kind: RequestFailureKind;
  method: string;
  /** The URL, secrets redacted. */
  url: string;
  /** A secret-free reason: a system code (`ECONNREFUSED`, `CERT_HAS_EXPIRED`…), `timeout`, or a short phrase. */
  reason: string;
  /** A sentence for the error message. */
  message: string;
  /** A sanitised copy of the underlying error: its name, code and redacted message only. */
  cause?: Error;
  /** For a `redirect`: the answer's status. */
  status?: number;
  /** For a `redirect`: where it pointed (resolved against the request URL), secrets redacted. */
  location?: string;
}

/** Options of {@link createRequester}. */
export interface RequesterOptions {
  /** Every request must stay below this URL (same origin, path under it); others are refused before sending. */
  baseUrl: string;
  /** `vendorkit-<package>/<version>`; merged in front of a User-Agent the caller sets. */
  userAgent: string;
  /** A `fetch` implementation; default `globalThis.fetch`, looked up at call time (so MSW sees it). */
  fetch?: typeof fetch;
  /** Deadline of one attempt, headers and body, in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** Deadline of a whole call, retries and waits included. Default `timeoutMs × (retries + 1)` plus the waits. */
  totalTimeoutMs?: number;
  /** Retries of retryable failures. Default 2. */
  retries?: number;
  /** Longest body read, in bytes; a longer one is a `too_large` failure. Default 10 MiB. */
  maxBodyBytes?: number;
  /** First backoff step in milliseconds (full jitter: a random wait up to base × 2^retry). Default 300. */
  retryBaseMs?: number;
  /** Longest backoff wait. Default 10 000. */
  retryMaxDelayMs?: number;
  /** A `Retry-After` longer than this ends the retries instead of waiting. Default 60 000. */
  maxRetryAfterMs?: number;
  /** Removes secrets from any text shown (URLs, messages). */
  redact?: (text: string) => string;
  /** Headers that carry the vendor's request id, in order of preference. Default `x-request-id`, `request-id`. */
  requestIdHeaders?: readonly string[];
  logger?: Logger;
  hooks?: ClientHooks;
  /** Turns a transport failure into the package's error. */
  toError: (failure: RequestFailure) => Error;
  /** Random numbers in [0, 1) for the jitter, for tests. Default `Math.random`. */
  random?: () => number;
}

/** One request. */
export interface RequestSpec {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to the base URL (no leading slash), or an absolute URL under it. */
  path: string;
  query?: URLSearchParams;
  headers?: Record<string, string>;
  /** A request body: text, or form fields. */
  body?: string | URLSearchParams;
  /** A JSON body (sets `content-type`). */
  json?: unknown;
  /**
   * Whether failures may be retried. Default: for GET, HEAD, PUT and DELETE only. A request that
   * must never be repeated (a one-time hash, a login) passes `false`.
   */
  retry?: boolean;
  /**
   * Decides from a completed answer whether to retry it (called only when retries remain and the
   * request is retryable). Default: statuses 408, 429, 500, 502, 503 and 504.
   */
  retryOn?: (response: RequesterResponse) => boolean;
}

/** A completed answer: status, headers and the whole body as text. */
export interface RequesterResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The vendor's request id, from the first of `requestIdHeaders` present. */
  requestId?: string;
  /** The URL requested, secrets redacted. */
  url: string;
}

/** Sends requests with deadlines, retries, cancellation and hooks. See {@link createRequester}. */
export interface Requester {
  /** The answer, whatever its status; rejects with the package's error on transport failures, or with the signal's reason. */
  request(spec: RequestSpec, options?: RequestOptions): Promise<RequesterResponse>;
  /** The absolute URL `path` resolves to, or the package's `outside_base_url` error. */
  resolve(path: string, query?: URLSearchParams): URL;
}

/** The statuses retried by default: 408, 429, 500, 502, 503, 504. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ConfigurationError(
      `${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}.`,
    );
  }
  return value;
}

/**
 * The one HTTP core every vendorkit client uses, on the platform's `fetch`:
 *
 * - base-URL confinement: a path that leaves `baseUrl` (`../`, an encoded dot segment, another
 *   origin) is refused before anything is sent, so credentials never travel elsewhere;
 * - a deadline per attempt (headers and body) and one for the whole call;
 * - retries of network failures and 408/429/5xx for idempotent requests, with exponential
 *   backoff and full jitter, honouring `Retry-After` (seconds or a date) on 429 and 503 when it
 *   fits the deadline;
 * - cancellation: an aborted `signal` rejects at once with its reason and stops retries, and no
 *   timer or socket is left behind;
 * - bounded body reads; redirects are not followed (a 3xx is a `redirect` failure);
 * - `User-Agent: vendorkit-<package>/<version>`, request ids, hooks and a logger, all with secrets
 *   redacted.
 */
export function createRequester(options: RequesterOptions): Requester {
  const timeoutMs = positive('timeoutMs', options.timeoutMs, 30_000);
  const retries = positive('retries', options.retries, 2, true);
  if (!Number.isInteger(retries)) throw new ConfigurationError(`retries must be a whole number, got ${retries}.`);
  const maxBodyBytes = positive('maxBodyBytes', options.maxBodyBytes, 10 * 1024 * 1024);
  const retryBaseMs = positive('retryBaseMs', options.retryBaseMs, 300, true);
  const retryMaxDelayMs = positive('retryMaxDelayMs', options.retryMaxDelayMs, 10_000, true);
  const maxRetryAfterMs = positive('maxRetryAfterMs', options.maxRetryAfterMs, 60_000, true);
  const totalTimeoutMs = positive(
    'totalTimeoutMs',
    options.totalTimeoutMs,
    timeoutMs * (retries + 1) + retries * retryMaxDelayMs,
  );
  const base = parseBase(options.baseUrl);
  const redact = options.redact ?? ((text: string) => text);
  const random = options.random ?? Math.random;
  const requestIdHeaders = options.requestIdHeaders ?? ['x-request-id', 'request-id'];
  const { logger, hooks, toError } = options;

  const callHook = <K extends keyof ClientHooks>(name: K, info: Parameters<NonNullable<ClientHooks[K]>>[0]) => {
    const hook = hooks?.[name] as ((info: unknown) => void) | undefined;
    if (hook === undefined) return;
    try {
      hook(info);
    } catch (error) {
      logger?.warn?.(`vendorkit: the ${name} hook threw; ignored.`, { error: safeName(error) });
    }
  };

  const resolve = (path: string, query?: URLSearchParams): URL => {
    const url = confine(base, path);
    if (url === undefined) {
      throw toError({
        kind: 'outside_base_url',
        method: 'any',
        url: redact(base.href),
        reason: 'outside_base_url',
        message: `Refused a request outside the client's base URL ${redact(base.href)}: pass a path below it (ids may not be "." or ".." or contain "/", "?" or "#").`,
      });
    }
    if (query !== undefined) for (const [name, value] of query) url.searchParams.append(name, value);
    return url;
  };

  const request = async (spec: RequestSpec, callOptions: RequestOptions = {}): Promise<RequesterResponse> => {
    const signal = callOptions.signal;
    signal?.throwIfAborted();
    const url = resolve(spec.path, spec.query);
    const shownUrl = redact(url.href);
    const callDeadline = Date.now() + positive('timeoutMs', callOptions.timeoutMs, totalTimeoutMs);
    const retryable = spec.retry ?? IDEMPOTENT.has(spec.method);
    const headers = new Headers(spec.headers);
    for (const [name, value] of Object.entries(callOptions.headers ?? {})) headers.set(name, value);
    const given = headers.get('user-agent');
    headers.set('user-agent', given ? `${options.userAgent} ${given}` : options.userAgent);
    let body: string | URLSearchParams | undefined = spec.body;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }

    for (let attempt = 1; ; attempt++) {
      const info: RequestInfo = { method: spec.method, url: shownUrl, attempt };
      const remaining = callDeadline - Date.now();
      const canRetry = retryable && attempt <= retries;
      callHook('onRequest', info);
      logger?.debug?.(`${spec.method} ${shownUrl}`, { attempt });
      const started = Date.now();
      let outcome: Attempt;
      try {
        outcome = await attemptOnce(
          options.fetch ?? globalThis.fetch,
          url,
          { method: spec.method, headers, body },
          Math.min(timeoutMs, Math.max(remaining, 1)),
          maxBodyBytes,
          signal,
        );
      } catch (error) {
        // Only the caller's abort reaches here: rethrow its reason untouched.
        callHook('onError', { ...info, error });
        throw error;
      }
      if ('failure' in outcome) {
        const failure: RequestFailure = {
          ...outcome.failure,
          method: spec.method,
          url: shownUrl,
          message: `${spec.method} ${shownUrl}: ${outcome.failure.message}`,
        };
        if (failure.location !== undefined) failure.location = redact(failure.location);
        if (failure.cause) failure.cause.message = redact(failure.cause.message);
        const error = toError(failure);
        callHook('onError', { ...info, error });
        // A refused connection never reached the server: retrying it is safe for any method.
        const mayRetry = canRetry || (attempt <= retries && failure.reason === 'ECONNREFUSED');
        if ((failure.kind === 'network' || failure.kind === 'timeout') && mayRetry) {
          const delayMs = backoff(attempt);
          if (Date.now() + delayMs < callDeadline) {
            callHook('onRetry', { ...info, reason: failure.reason, delayMs });
            await sleep(delayMs, signal);
            continue;
          }
        }
        logger?.debug?.(`${spec.method} ${shownUrl} failed: ${failure.reason}`, { attempt });
        throw error;
      }
      const response = outcome.response;
      const requestId = requestIdHeaders.map((name) => response.headers.get(name)).find((id) => id !== null);
      const answer: RequesterResponse = {
        status: response.status,
        headers: response.headers,
        text: outcome.text,
        url: shownUrl,
        ...(requestId ? { requestId: redact(requestId).slice(0, 200) } : {}),
      };
      callHook('onResponse', {
        ...info,
        status: answer.status,
        durationMs: Date.now() - started,
        ...(answer.requestId ? { requestId: answer.requestId } : {}),
      });
      const wantsRetry = canRetry && (spec.retryOn ? spec.retryOn(answer) : RETRYABLE_STATUSES.has(answer.status));
      if (wantsRetry) {
        const retryAfter =
          answer.status === 429 || answer.status === 503
            ? parseRetryAfter(answer.headers.get('retry-after'))
            : undefined;
        const delayMs = retryAfter ?? backoff(attempt);
        if (delayMs <= maxRetryAfterMs && Date.now() + delayMs < callDeadline) {
          callHook('onRetry', { ...info, reason: `status ${answer.status}`, delayMs });
          await sleep(delayMs, signal);
          continue;
        }
      }
      return answer;
    }
  };

  /** Full jitter: a random wait between 0 and min(cap, base × 2^(attempt-1)). */
  const backoff = (attempt: number) =>
    Math.floor(random() * Math.min(retryMaxDelayMs, retryBaseMs * 2 ** (attempt - 1)));

  return { request, resolve };
}

type Attempt = { response: Response; text: string } | { failure: Omit<RequestFailure, 'method' | 'url'> };

/** One attempt with its own deadline over headers and body; rejects only with the caller's abort reason. */
async function attemptOnce(
  fetchImpl: typeof fetch,
  url: URL,
  init: { method: string; headers: Headers; body: string | URLSearchParams | undefined },
  timeoutMs: number,
  maxBodyBytes: number,
  outer: AbortSignal | undefined,
): Promise<Attempt> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const signal = outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal;
  // The race makes the deadline hold even for a fetch (or body stream) that ignores its signal.
  let stop: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason);
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  stopped.catch(() => undefined);
  const timedOut = (): Attempt => ({
    failure: { kind: 'timeout', reason: 'timeout', message: `no complete answer within ${timeoutMs} ms` },
  });
  try {
    let response: Response;
    try {
      response = await Promise.race([
        fetchImpl(url, {
          method: init.method,
          headers: init.headers,
          ...(init.body === undefined ? {} : { body: init.body }),
          redirect: 'manual',
          signal,
        }),
        stopped,
      ]);
    } catch (error) {
      if (outer?.aborted) throw outer.reason;
      if (deadline.signal.aborted) return timedOut();
      const reason = networkReason(error);
      return {
        failure: { kind: 'network', reason, message: `could not connect (${reason})`, cause: sanitize(error, reason) },
      };
    }
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      void response.body?.cancel().catch(() => undefined);
      return {
        failure: {
          kind: 'redirect',
          reason: `redirect ${response.status}`,
          message: `answered with a redirect (HTTP ${response.status}); redirects are not followed`,
          status: response.status,
          ...redirectTarget(response.headers.get('location'), url),
        },
      };
    }
    let text: string | undefined;
    try {
      text = await Promise.race([readTextUpTo(response, maxBodyBytes), stopped]);
    } catch (error) {
      if (outer?.aborted) throw outer.reason;
      if (deadline.signal.aborted) return timedOut();
      const reason = networkReason(error);
      return {
        failure: {
          kind: 'network',
          reason,
          message: `the answer broke off (${reason})`,
          cause: sanitize(error, reason),
        },
      };
    }
    if (text === undefined) {
      return {
        failure: { kind: 'too_large', reason: 'too_large', message: `the answer is larger than ${maxBodyBytes} bytes` },
      };
    }
    return { response, text };
  } finally {
    clearTimeout(timer);
    if (stop) signal.removeEventListener('abort', stop);
  }
}

/** The absolute address a `Location` header points to (redacted later by the caller), when it parses. */
function redirectTarget(location: string | null, requestUrl: URL): { location?: string } {
  if (location === null) return {};
  try {
    return { location: new URL(location, requestUrl).href };
  } catch {
    return {};
  }
}

function parseBase(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigurationError(`baseUrl must be an absolute http(s) URL, got ${JSON.stringify(String(baseUrl))}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(`baseUrl must use http or https, got ${JSON.stringify(url.protocol)}.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigurationError('baseUrl must not carry a user name or password.');
  }
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/**
 * `path` resolved against `base`, or `undefined` when the result leaves it: another origin, a
 * path not under the base path, or a path whose meaning a server would change by decoding it
 * (`%2e%2e`, `%2f`). A path may carry its own query string.
 */
function confine(base: URL, path: string): URL | undefined {
  if (typeof path !== 'string' || path.includes('\\') || hasControlCharacter(path)) return undefined;
  // Encoded dots and slashes, also encoded again (`%252e`), would change the path on a server that decodes.
  if (/%(25)*(2e|2f|5c)/i.test(path.split('?')[0] ?? '')) return undefined;
  let url: URL;
  try {
    url = new URL(path, base);
  } catch {
    return undefined;
  }
  if (url.origin !== base.origin || url.username !== '' || url.password !== '') return undefined;
  if (!url.pathname.startsWith(base.pathname)) return undefined;
  // Dot segments are resolved by URL parsing; refuse paths that had them anywhere.
  const segments = (path.split(/[?#]/)[0] ?? '').split('/');
  if (segments.some((segment) => segment === '.' || segment === '..')) return undefined;
  url.hash = '';
  return url;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20 || text.charCodeAt(i) === 0x7f) return true;
  return false;
}

/** Milliseconds from a `Retry-After` value (seconds or an HTTP date), or `undefined`. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - Date.now());
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const SYSTEM_CODE = /^[A-Z][A-Z0-9_]{1,39}$/;
/** Fetch's own short reasons without a code (undici: `bad port`), kept as words only. */
const PLAIN_REASON = /^[a-z][a-z ]{2,39}$/i;

/**
 * A secret-free name for a network failure: the first system-style code found along the
 * `cause` chain, including the `errors` of an AggregateError (`ECONNREFUSED`, `ENOTFOUND`,
 * `ETIMEDOUT`, `UND_ERR_SOCKET`, `CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`…); else the
 * innermost cause's message when it is a few plain words (fetch refusing a port says `bad port`);
 * else the error's class name.
 */
export function networkReason(error: unknown): string {
  let current: unknown = error;
  let innermostMessage: unknown;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth += 1) {
    const { code, errors, message, cause } = current as {
      code?: unknown;
      errors?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && SYSTEM_CODE.test(code)) return code;
    if (Array.isArray(errors)) {
      for (const inner of errors) {
        const innerCode = (inner as { code?: unknown } | null)?.code;
        if (typeof innerCode === 'string' && SYSTEM_CODE.test(innerCode)) return innerCode;
      }
    }
    innermostMessage = message;
    current = cause;
  }
  if (typeof innermostMessage === 'string' && PLAIN_REASON.test(innermostMessage)) return innermostMessage;
  return safeName(error);
}

function safeName(error: unknown): string {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' && /^[A-Za-z]{1,40}$/.test(name) ? name : 'unknown failure';
}

/** A copy of a network error that keeps its class name and code, and a message that is just the code. */
function sanitize(error: unknown, reason: string): Error {
  const copy = new Error(reason);
  copy.name = safeName(error);
  Object.assign(copy, { code: reason });
  return copy;
}

/** Options of {@link settleWithin}. */
export interface SettleWithinOptions {
  /** Rejects with the signal's reason as soon as it aborts. */
  signal?: AbortSignal | undefined;
  /** Rejects with `onTimeout()` after this many milliseconds. */
  timeoutMs?: number | undefined;
  /** The error for a timeout. */
  onTimeout?: () => Error;
  /** Called with the reason when the caller gives up (abort or timeout), before rejecting. */
  onGiveUp?: (reason: unknown) => void;
}

/**
 * `work`, or a rejection with the signal's reason as soon as `signal` aborts, or with
 * `onTimeout()` after `timeoutMs` — whichever comes first. `work` itself goes on (it may be shared
 * with other callers); the listener and the timer are removed once this settles, so nothing is
 * left behind.
 */
export function settleWithin<T>(work: Promise<T>, options: SettleWithinOptions): Promise<T> {
  const { signal, timeoutMs } = options;
  if (signal === undefined && timeoutMs === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const giveUp = (reason: unknown) => {
      finish();
      options.onGiveUp?.(reason);
      reject(reason);
    };
    const onAbort = () => giveUp(signal?.reason);
    if (signal?.aborted) {
      work.catch(() => undefined);
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) {
      const onTimeout = options.onTimeout ?? (() => new Error(`timed out after ${timeoutMs} ms`));
      timer = setTimeout(() => giveUp(onTimeout()), Math.max(0, timeoutMs));
    }
    work.then(
      (value) => {
        finish();
        resolve(value);
      },
      (error: unknown) => {
        finish();
        reject(error);
      },
    );
  });
}

/** The longest delay a timer takes (2^31 − 1 ms); a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** {@link RequestOptions} once checked, with the time left of the call's `timeoutMs`. */
export interface CheckedRequestOptions {
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  headers: Record<string, string> | undefined;
  /** The call's deadline (`Date.now()` when checked plus `timeoutMs`), or undefined without one. */
  deadline: number | undefined;
  /** Milliseconds left until the deadline (at least 1), or undefined without one. */
  remaining(): number | undefined;
}

/**
 * Checks the last argument of a public async call, `{ signal?, timeoutMs?, headers? }`, and fixes
 * the call's deadline. A bad value is a `ConfigurationError` naming the option, thrown before any
 * work starts (not a `TypeError` from deep inside fetch).
 */
export function checkRequestOptions(options: unknown): CheckedRequestOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new ConfigurationError('The last argument must be an options object { signal?, timeoutMs?, headers? }.');
  }
  const { signal, timeoutMs, headers } = (options ?? {}) as {
    signal?: unknown;
    timeoutMs?: unknown;
    headers?: unknown;
  };
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ConfigurationError('The option `signal` must be an AbortSignal.');
  }
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMER_MS)
  ) {
    throw new ConfigurationError(
      `The option \`timeoutMs\` must be a positive number of milliseconds, got ${String(timeoutMs)}.`,
    );
  }
  if (
    headers !== undefined &&
    (typeof headers !== 'object' ||
      headers === null ||
      !Object.values(headers).every((value) => typeof value === 'string'))
  ) {
    throw new ConfigurationError('The option `headers` must be an object of header names to string values.');
  }
  const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  return {
    signal,
    timeoutMs,
    headers: headers as Record<string, string> | undefined,
    deadline,
    remaining: () => (deadline === undefined ? undefined : Math.max(1, deadline - Date.now())),
  };
}
