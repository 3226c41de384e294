import {
  type ClientHooks,
  ConfigurationError,
  checkRequestOptions,
  createRequester,
  type Logger,
  type Requester,
  type RequestFailure,
  type RequestOptions,
  settleWithin,
} from '@vendorkit/core';
import { WialonAuthError } from './errors.js';
import { USER_AGENT } from './version.js';

/** Longest upstream answer read; a longer one is `upstream_unavailable` (nothing this package asks for is near it). */
const MAX_BODY_BYTES = 1024 * 1024;

/** What every requester of one client shares. */
export interface HttpSettings {
  fetch: typeof fetch | undefined;
  /** Deadline of one attempt, headers and body. */
  timeoutMs: number;
  logger: Logger | undefined;
  hooks: ClientHooks | undefined;
  /** Removes every secret this client knows from a text shown to hooks, logs or errors. */
  redact: (text: string) => string;
}

/**
 * Core's request core on one upstream base URL (a trusted Wialon server, the Okdesk account),
 * with this package's error: every transport failure is `upstream_unavailable` naming the
 * upstream. At most 1 MiB per answer; redirects are failures; the User-Agent is this package's.
 */
export function createUpstreamRequester(
  baseUrl: string,
  upstream: 'wialon' | 'okdesk',
  settings: HttpSettings,
): Requester {
  const { hooks } = settings;
  return createRequester({
    baseUrl,
    userAgent: USER_AGENT,
    ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }),
    timeoutMs: settings.timeoutMs,
    maxBodyBytes: MAX_BODY_BYTES,
    // Wialon documents no request-id header: none is read (nor shown to hooks) from its answers.
    ...(upstream === 'wialon' ? { requestIdHeaders: [] } : {}),
    redact: settings.redact,
    ...(settings.logger === undefined ? {} : { logger: settings.logger }),
    // Called as methods, so hooks given as a class instance keep their `this`.
    ...(hooks === undefined
      ? {}
      : {
          hooks: {
            onRequest: (info) => hooks.onRequest?.(info),
            onResponse: (info) => hooks.onResponse?.(info),
            onRetry: (info) => hooks.onRetry?.(info),
            onError: (info) => hooks.onError?.(info),
          },
        }),
    toError: (failure) => upstreamFailure(upstream, failure),
  });
}

const SYSTEM_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const TLS_CODE = /^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_SSL_|HOSTNAME_MISMATCH)/;

/**
 * A transport failure as the user can act on it. A network failure keeps its system error code
 * (`ECONNREFUSED`, `CERT_HAS_EXPIRED`…) in the message and as `cause.code`; without one, only the
 * error's class name is shown — never its text, which can hold a URL.
 */
function upstreamFailure(upstream: 'wialon' | 'okdesk', failure: RequestFailure): WialonAuthError {
  const what = upstream === 'wialon' ? 'Wialon' : 'Okdesk';
  const code = failure.kind === 'network' && SYSTEM_CODE.test(failure.reason) ? failure.reason : undefined;
  const redirectStatus = /^redirect (\d{3})$/.exec(failure.reason)?.[1];
  let detail: string;
  if (code !== undefined) detail = `${meaningOf(code)} (${code})`;
  else if (failure.kind === 'network') detail = `network error (${failure.cause?.name ?? 'unknown'})`;
  else if (failure.kind === 'timeout') detail = 'no complete answer within the deadline (timeout)';
  else if (failure.kind === 'too_large') detail = `answer larger than ${MAX_BODY_BYTES} bytes`;
  else if (failure.kind === 'redirect') {
    detail = `answered with a redirect (HTTP ${redirectStatus ?? '3xx'}); redirects are not followed`;
  } else detail = 'refused a request outside its base URL';
  return new WialonAuthError('upstream_unavailable', `${what} is unavailable: ${detail}.`, {
    upstream,
    ...(redirectStatus === undefined ? {} : { upstreamStatus: Number(redirectStatus) }),
    ...(code === undefined ? {} : { cause: Object.assign(new Error(code), { code }) }),
  });
}

function meaningOf(code: string): string {
  if (code === 'ECONNREFUSED') return 'connection refused: nothing listens at that address and port';
  if (code === 'ENOTFOUND') return 'host name not found: check the host in the URL';
  if (code === 'EAI_AGAIN') return 'host name lookup failed for now (DNS)';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'connection timed out';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset by the server';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'network unreachable';
  if (TLS_CODE.test(code)) return 'TLS certificate not accepted';
  return 'network error';
}

/** The largest delay `setTimeout` honours. */
const MAX_TIMER_MS = 2_147_483_647;

/** Checks a timeout option: a positive number of milliseconds that a timer can wait. */
export function checkTimeoutMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new ConfigurationError(`${name} must be a positive number of milliseconds, got ${String(value)}.`);
  }
  return value;
}

/** Checks the `logger` and `hooks` options: objects whose given members are functions. */
export function checkObservers(options: { logger?: unknown; hooks?: unknown }, prefix = ''): void {
  const members = {
    logger: ['debug', 'info', 'warn', 'error'],
    hooks: ['onRequest', 'onResponse', 'onRetry', 'onError'],
  } as const;
  for (const name of ['logger', 'hooks'] as const) {
    const value = options[name];
    if (value === undefined) continue;
    const bad =
      typeof value !== 'object' ||
      value === null ||
      members[name].some((member) => {
        const fn = (value as Record<string, unknown>)[member];
        return fn !== undefined && typeof fn !== 'function';
      });
    if (bad) {
      throw new ConfigurationError(
        `${prefix}${name} must be an object whose ${members[name].join('/')} members, where given, are functions.`,
      );
    }
  }
}

/**
 * One public call's cancellation, deadline and extra headers (the last, optional argument of
 * every public async function), checked up front: a bad value is a ConfigurationError.
 */
export interface CallScope {
  readonly signal: AbortSignal | undefined;
  /** Milliseconds left of the call's `timeoutMs` (at least 1), or undefined without one. */
  remaining(): number | undefined;
  /** Options for one upstream request of this call: its signal, the time left, its headers. */
  requestOptions(): RequestOptions;
  /**
   * `work`, or a rejection with the signal's reason as soon as the call is aborted, or with
   * `onTimeout()` after `limitMs` (and never later than the call's own deadline). For steps the
   * request core does not run: the replay store, a custom contact directory, a shared lookup.
   */
  bound<T>(work: Promise<T>, limitMs: number | undefined, onTimeout: () => Error): Promise<T>;
}

export function callScope(options: RequestOptions | undefined): CallScope {
  const { signal, headers, remaining } = checkRequestOptions(options);
  return {
    signal,
    remaining,
    requestOptions() {
      const left = remaining();
      return {
        ...(signal === undefined ? {} : { signal }),
        ...(left === undefined ? {} : { timeoutMs: left }),
        ...(headers === undefined ? {} : { headers }),
      };
    },
    bound(work, limitMs, onTimeout) {
      const left = remaining();
      const ms = left === undefined ? limitMs : limitMs === undefined ? left : Math.min(left, limitMs);
      return settleWithin(work, { signal, timeoutMs: ms, onTimeout });
    },
  };
}

/** The secrets of work in flight (auth hashes, session ids), redacted while they live. */
export interface LiveSecrets {
  /** Every secret currently held. */
  readonly current: () => readonly string[];
  /** Holds `secret` until the returned function is called. */
  hold(secret: string): () => void;
}

export function liveSecrets(): LiveSecrets {
  const held: string[] = [];
  return {
    current: () => held,
    hold(secret) {
      held.push(secret);
      return () => {
        const index = held.indexOf(secret);
        if (index >= 0) held.splice(index, 1);
      };
    },
  };
}
