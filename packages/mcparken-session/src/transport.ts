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

/**
 * Calls `fetchImpl` with a deadline and turns every failure into an {@link McParkenError}
 * (`timeout` or `network_error`) that keeps no `cause`: fetch errors can carry sockets, URLs
 * and headers. An abort by the caller's own signal is passed through unchanged.
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
  try {
    const response = await fetchImpl(input, { ...init, signal });
    if (!options.readBody) return { response };
    const bodyText = await response.text();
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
    throw new McParkenError('network_error', `Could not reach McParken (${reason}) at ${options.shownUrl}.`, {
      url: options.shownUrl,
      reason,
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A secret-free name for a network failure: the first system-style code found along the
 * `cause` chain (`ECONNRESET`, `ECONNREFUSED`, `UND_ERR_SOCKET`…), else the error's class name.
 */
export function networkReason(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,39}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' && /^[A-Za-z]{1,40}$/.test(name) ? name : 'unknown failure';
}
