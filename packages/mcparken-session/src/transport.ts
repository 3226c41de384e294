import { McParkenError } from './errors.js';

/** A response and, when asked for, its body text read within the same deadline. */
export interface TimedAnswer {
  response: Response;
  bodyText?: string;
}

/** Options of {@link fetchWithDeadline}. */
export interface FetchWithDeadlineOptions {
  /** Deadline in milliseconds for the headers (and the body, with `readBody`). */
  timeoutMs: number;
  /** The URL to show in errors, secrets already redacted. */
  shownUrl: string;
  /** Read the body as text before the deadline too. */
  readBody?: boolean;
}

/** Errors made by {@link fetchWithDeadline} for a connection failure: the only ones worth another attempt. */
const networkFailures = new WeakSet<object>();

/**
 * True for an `network_error` made by {@link fetchWithDeadline} (refused, reset, DNS…). Decided
 * by identity, not by name or code: a vendor answer that happens to carry the same code, or an
 * error renamed by a bundler, never qualifies.
 */
export function isNetworkFailure(error: unknown): error is McParkenError {
  return typeof error === 'object' && error !== null && networkFailures.has(error);
}

/**
 * Calls `fetchImpl` with a deadline and turns every failure into an {@link McParkenError}
 * (`timeout` or `network_error`) that keeps no `cause`: fetch errors can carry sockets, URLs
 * and headers. An abort by the caller's own signal is passed through unchanged.
 *
 * The deadline holds even for a `fetch` that ignores its signal, so the time a request can take
 * is bounded (the renewal lock's lifetime is computed from it). Redirects are not followed
 * (`redirect: 'manual'`): a 3xx comes back as it is, so the apikey and token, sent as headers,
 * never reach another address.
 */
export async function fetchWithDeadline(
  fetchImpl: typeof fetch,
  input: Request | string,
  init: RequestInit | undefined,
  options: FetchWithDeadlineOptions,
): Promise<TimedAnswer> {
  const outer = init?.signal ?? (input instanceof Request ? input.signal : undefined);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
  const signal = outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const response = await Promise.race([fetchImpl(input, { ...init, redirect: 'manual', signal }), aborted]);
    if (!options.readBody) return { response };
    const bodyText = await Promise.race([response.text(), aborted]);
    return { response, bodyText };
  } catch (error) {
    if (outer?.aborted && !deadline.signal.aborted) throw outer.reason;
    if (deadline.signal.aborted) {
      throw new McParkenError(
        'timeout',
        `McParken did not answer within ${options.timeoutMs} ms (${options.shownUrl}).`,
        {
          url: options.shownUrl,
          reason: 'timeout',
        },
      );
    }
    const reason = networkReason(error);
    const failure = new McParkenError('network_error', `Could not reach McParken (${reason}) at ${options.shownUrl}.`, {
      url: options.shownUrl,
      reason,
    });
    networkFailures.add(failure);
    throw failure;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
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
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' && /^[A-Za-z]{1,40}$/.test(name) ? name : 'unknown failure';
}
