import { redactSecrets } from '@vendorkit/core';

/** Fields of a Node system error (`ECONNREFUSED`, `ENOTFOUND`, TLS errors) that say what failed and hold no secret. */
const SYSTEM_FIELDS = ['code', 'errno', 'syscall', 'hostname', 'address', 'port'] as const;

type SystemError = Error & Partial<Record<(typeof SYSTEM_FIELDS)[number], unknown>>;

/**
 * The error that says why a connection failed: `fetch` rejects with `TypeError: fetch failed`
 * whose `cause` is the system error (or an `AggregateError` of one per address tried). Found by
 * walking `cause` and `errors`; the first error with a string `code` wins.
 */
function findSystemError(error: unknown, depth = 0): SystemError | undefined {
  if (!(error instanceof Error) || depth > 4) return undefined;
  if (typeof (error as SystemError).code === 'string') return error as SystemError;
  const nested = [(error as { cause?: unknown }).cause, ...((error as { errors?: unknown[] }).errors ?? [])];
  for (const candidate of nested) {
    const found = findSystemError(candidate, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** A network failure, described without secrets: a one-line `reason` and a `cause` that keeps the system error's code. */
export interface NetworkFailure {
  /** E.g. `fetch failed: connect ECONNREFUSED 127.0.0.1:443 (ECONNREFUSED)`. */
  reason: string;
  /** A fresh `Error` carrying the system error's `code`, `syscall`, `hostname`, `address`, `port` (redacted copies). */
  cause: Error;
  /** The system error code (`ECONNREFUSED`, `ENOTFOUND`, `ETIMEDOUT`, `CERT_HAS_EXPIRED`, …), when there is one. */
  code?: string;
}

/**
 * Describes a failed `fetch` for an error message and `cause`, keeping the system error's code
 * and removing every secret. The original error is not kept: it may hold the request (and so
 * the `Authorization` header) or a secret in its message.
 */
export function describeNetworkFailure(error: unknown, secrets: readonly string[]): NetworkFailure {
  const redact = (text: string) => redactSecrets(text, secrets).slice(0, 300);
  const outer = error instanceof Error ? error : new Error(String(error));
  const system = findSystemError(outer);
  const source = system ?? outer;
  const cause = new Error(redact(source.message));
  cause.name = /^[A-Za-z]{1,40}$/.test(source.name) ? source.name : 'Error';
  if (system) {
    const target = cause as unknown as Record<string, unknown>;
    for (const field of SYSTEM_FIELDS) {
      const value = system[field];
      if (typeof value === 'string') target[field] = redact(value);
      else if (typeof value === 'number' && Number.isFinite(value)) target[field] = value;
    }
  }
  const code = typeof system?.code === 'string' ? redact(system.code) : undefined;
  const detail = system && system !== outer ? `: ${cause.message}` : '';
  const reason = `${redact(outer.message)}${detail}${code === undefined ? ` (${cause.name})` : ` (${code})`}`;
  return { reason, cause, ...(code === undefined ? {} : { code }) };
}

/** Thrown by {@link readBodyWithin} when the body did not arrive in time. */
export class BodyTimeoutError extends Error {
  override readonly name = 'BodyTimeoutError';
}

/**
 * Reads `response` as text within `timeoutMs`: a server that sends the headers and then stalls
 * cannot hang a call (fetch's own timeout ends with the headers). On expiry `abort` is aborted,
 * which also cancels the stream of a fetch given that signal.
 */
export async function readBodyWithin(response: Response, timeoutMs: number, abort?: AbortController): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort?.abort();
      reject(new BodyTimeoutError(`No complete answer within ${timeoutMs} ms.`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([response.text(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
