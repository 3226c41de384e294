import { readTextUpTo } from '@vendorkit/core';
import ky, { type KyInstance } from 'ky';

/** Why an HTTP exchange produced no usable answer. Carries no URL, header or body. */
export class ExchangeFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'network' | 'redirect' | 'too_large',
    message: string,
    /** The system error code of a network failure (`ECONNREFUSED`, `CERT_HAS_EXPIRED`, …), when there was one. */
    readonly systemCode?: string,
  ) {
    super(message);
    this.name = 'ExchangeFailure';
  }
}

/** A finished exchange: status and body text. */
export interface ExchangeResult {
  status: number;
  text: string;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The ky instance used for every upstream call: no retries (a POST that may have consumed a
 * one-time hash must not be repeated), no redirects followed, no HTTP-error throwing (status
 * codes are interpreted by the caller), and `fetch` late-bound so MSW patches are seen.
 */
export function createExchangeClient(fetchImpl: typeof fetch | undefined): KyInstance {
  return ky.create({
    fetch: fetchImpl ?? ((input, init) => globalThis.fetch(input, init)),
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    redirect: 'manual',
  });
}

/**
 * Performs one request and reads its body, all within `timeoutMs` (headers AND body: a server
 * that sends headers and then stalls still times out). Redirects are failures, bodies above
 * 1 MiB are failures. Rejects only with {@link ExchangeFailure}.
 */
export async function exchange(
  client: KyInstance,
  url: string,
  init: { method: 'GET' | 'POST'; body?: string; headers?: Record<string, string> },
  timeoutMs: number,
): Promise<ExchangeResult> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ExchangeFailure('timeout', `no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const work = (async () => {
    let response: Response;
    try {
      response = await client(url, {
        method: init.method,
        signal: controller.signal,
        ...(init.body === undefined ? {} : { body: init.body }),
        ...(init.headers === undefined ? {} : { headers: init.headers }),
      });
    } catch (error) {
      if (controller.signal.aborted) throw new ExchangeFailure('timeout', `no answer within ${timeoutMs} ms`);
      throw networkFailure(error);
    }
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      await response.body?.cancel().catch(() => undefined);
      throw new ExchangeFailure(
        'redirect',
        `answered with a redirect (HTTP ${response.status}); redirects are not followed`,
      );
    }
    const text = await readCapped(response, controller.signal, timeoutMs);
    return { status: response.status, text };
  })();
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}

async function readCapped(response: Response, signal: AbortSignal, timeoutMs: number): Promise<string> {
  let text: string | undefined;
  try {
    text = await readTextUpTo(response, MAX_BODY_BYTES);
  } catch (error) {
    if (signal.aborted) throw new ExchangeFailure('timeout', `answer not complete within ${timeoutMs} ms`);
    const code = systemCodeOf(error);
    throw new ExchangeFailure('network', `connection lost while reading the answer (${code ?? safeName(error)})`, code);
  }
  if (text === undefined) throw new ExchangeFailure('too_large', `answer larger than ${MAX_BODY_BYTES} bytes`);
  return text;
}

/**
 * A fetch failure as the user can act on it: the system error code (fetch wraps it in a
 * `TypeError('fetch failed')` whose `cause` has it) with what it means. Only the code and fixed
 * wording are kept — messages and causes of fetch errors can carry URLs.
 */
function networkFailure(error: unknown): ExchangeFailure {
  const code = systemCodeOf(error);
  if (code === undefined) return new ExchangeFailure('network', `network error (${safeName(error)})`);
  return new ExchangeFailure('network', `${meaningOf(code)} (${code})`, code);
}

/** The first plausible system error code (`ECONNREFUSED`, `UND_ERR_…`, `CERT_…`) on the cause chain. */
function systemCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const TLS_CODE = /^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_SSL_|HOSTNAME_MISMATCH)/;

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

function safeName(error: unknown): string {
  if (error instanceof Error && /^[A-Za-z]{1,40}$/.test(error.name)) return error.name;
  return 'unknown';
}
