import type { RequestOptions } from '@vendorkit/core';

/**
 * Query parameters: a query string, `URLSearchParams`, name/value pairs, or an object whose
 * `undefined` values are left out and other values written with `String(value)`.
 */
export type SearchParamsInit =
  | string
  | URLSearchParams
  | ReadonlyArray<readonly [string, string]>
  | Readonly<Record<string, string | number | boolean | undefined>>;

/** Options of a `session.http` call: the per-call options every vendorkit call takes, and a query. */
export interface McParkenHttpOptions extends RequestOptions {
  /** Added to the path's own query string, if it has one. */
  searchParams?: SearchParamsInit;
  /**
   * Whether network failures, timeouts and 408/429/5xx answers may be retried (up to `retries`
   * times). Default: for GET, PUT and DELETE only; pass `true` for a POST or PATCH that is safe
   * to repeat, `false` for a call that must go out once. An answer with a McParken error body is
   * never retried either way.
   */
  retry?: boolean;
}

/** Options of a call that may send a body. Give `json` or `body`, not both. */
export interface McParkenHttpBodyOptions extends McParkenHttpOptions {
  /** Sent as JSON, with `content-type: application/json` unless `headers` set another. */
  json?: unknown;
  /** Sent as it is: text, or form fields (`application/x-www-form-urlencoded`). */
  body?: string | URLSearchParams;
}

/** A successful answer (2xx without a McParken error body). The body is already read. */
export interface McParkenResponse {
  /** The HTTP status, 200–299. */
  readonly status: number;
  readonly headers: Headers;
  /** The URL requested, secrets redacted. */
  readonly url: string;
  /** The answer's `x-request-id` (or `request-id`) header, when there is one. */
  readonly requestId?: string;
  /** The body as text (`''` when empty). */
  text(): string;
  /** The body parsed as JSON (`undefined` when empty); throws `McParkenError` `invalid_response` when it is not JSON. */
  json<T = unknown>(): T;
}

/** What a `session.http` call returns: a promise of the answer that also reads it in one step. */
export interface McParkenResponsePromise extends Promise<McParkenResponse> {
  /** `await session.http.get(path).json<T>()`: the answer's body parsed as JSON. */
  json<T = unknown>(): Promise<T>;
  /** The answer's body as text. */
  text(): Promise<string>;
}

/**
 * Requests to McParken's API with the session's token and apikey. Paths are relative to
 * `baseUrl` (`'parking/zones'`); an absolute URL is accepted only below `baseUrl`.
 */
export interface McParkenHttp {
  get(path: string | URL, options?: McParkenHttpOptions): McParkenResponsePromise;
  post(path: string | URL, options?: McParkenHttpBodyOptions): McParkenResponsePromise;
  put(path: string | URL, options?: McParkenHttpBodyOptions): McParkenResponsePromise;
  patch(path: string | URL, options?: McParkenHttpBodyOptions): McParkenResponsePromise;
  delete(path: string | URL, options?: McParkenHttpBodyOptions): McParkenResponsePromise;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The session's side of a call: sends it (token, renewal, errors) and resolves to the answer. */
export type SendRequest = (
  method: HttpMethod,
  path: string | URL,
  options: McParkenHttpBodyOptions,
) => Promise<McParkenResponse>;

/** The public `session.http` object over the session's `send`. */
export function createHttpClient(send: SendRequest): McParkenHttp {
  const method =
    (name: HttpMethod) =>
    (path: string | URL, options: McParkenHttpBodyOptions = {}): McParkenResponsePromise => {
      const answer = send(name, path, options);
      return Object.assign(answer, {
        json: <T>() => answer.then((response) => response.json<T>()),
        text: () => answer.then((response) => response.text()),
      });
    };
  return Object.freeze({
    get: method('GET'),
    post: method('POST'),
    put: method('PUT'),
    patch: method('PATCH'),
    delete: method('DELETE'),
  });
}

/** `searchParams` as `URLSearchParams`, or undefined when there are none. */
export function toSearchParams(init: SearchParamsInit | undefined): URLSearchParams | undefined {
  if (init === undefined) return undefined;
  if (typeof init === 'string' || init instanceof URLSearchParams || Array.isArray(init)) {
    return new URLSearchParams(init as string | URLSearchParams | string[][]);
  }
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(init)) if (value !== undefined) params.append(name, String(value));
  return params;
}
