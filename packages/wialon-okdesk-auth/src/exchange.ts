import { readTextUpTo } from '@vendorkit/core';
import ky, { type KyInstance } from 'ky';

/** Why an HTTP exchange produced no usable answer. Carries no URL, header or body. */
export class ExchangeFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'network' | 'redirect' | 'too_large',
    message: string,
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
      // Only the error's class name: messages and causes of fetch errors can carry URLs.
      throw new ExchangeFailure('network', `network error (${safeName(error)})`);
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
    throw new ExchangeFailure('network', `connection lost while reading the answer (${safeName(error)})`);
  }
  if (text === undefined) throw new ExchangeFailure('too_large', `answer larger than ${MAX_BODY_BYTES} bytes`);
  return text;
}

function safeName(error: unknown): string {
  if (error instanceof Error && /^[A-Za-z]{1,40}$/.test(error.name)) return error.name;
  return 'unknown';
}
