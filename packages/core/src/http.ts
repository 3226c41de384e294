import ky, { type KyInstance, type Options as KyOptions } from 'ky';
import { ConfigurationError } from './errors.js';

/** Options of {@link createHttp}. */
export interface CreateHttpOptions {
  /** Base URL every relative path is resolved against (a trailing slash is added if missing). */
  baseUrl: string;
  /** A `fetch` implementation; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Per-attempt timeout in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** Retries on 408/413/429/500/502/503/504 for idempotent methods, honouring `Retry-After`. Default 2. */
  retries?: number;
  /** Extra ky options (hooks, headers, …), merged last. */
  ky?: KyOptions;
}

/**
 * The one ky instance a vendorkit client uses: base URL, injectable fetch, timeout and
 * retries on 429/503 with `Retry-After` honoured (capped at 60 s).
 */
export function createHttp(options: CreateHttpOptions): KyInstance {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 2;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ConfigurationError(
      `timeoutMs must be a positive number of milliseconds, got ${String(options.timeoutMs)}.`,
    );
  }
  if (!Number.isInteger(retries) || retries < 0) {
    throw new ConfigurationError(`retries must be a non-negative integer, got ${String(options.retries)}.`);
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new ConfigurationError('No fetch implementation: pass `fetch` or run on a platform that has one (Node 18+).');
  }
  return ky.create({
    prefixUrl: withTrailingSlash(options.baseUrl),
    // Late-bound so test tools that patch globalThis.fetch after construction (MSW) are seen.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeout: timeoutMs,
    retry: {
      limit: retries,
      methods: ['get', 'put', 'head', 'delete', 'options', 'trace'],
      statusCodes: [408, 413, 429, 500, 502, 503, 504],
      afterStatusCodes: [413, 429, 503],
      maxRetryAfter: 60_000,
      backoffLimit: 10_000,
    },
    ...options.ky,
  });
}

/** Parses `url` as an http(s) URL, or throws a ConfigurationError naming `name`. */
export function parseHttpUrl(name: string, url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError(`${name} must be an absolute http(s) URL, got ${JSON.stringify(String(url))}.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigurationError(`${name} must use http or https, got ${JSON.stringify(parsed.protocol)}.`);
  }
  return parsed;
}

export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
