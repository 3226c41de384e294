import type { RequestOptions } from '@vendorkit/core';
import type * as z from 'zod/mini';
import { OfficeRnDError } from '../errors.js';
import { callBudget } from '../http.js';
import { iteratePages, type ListQuery, serializeQuery } from '../pagination.js';
import { type Page, pageSchema } from '../schemas.js';
import type { Transport } from '../transport.js';

/**
 * The read operations every v2 resource has. Each takes the per-call options last
 * (`{ signal, timeoutMs, headers }`): an aborted `signal` rejects at once with its reason.
 */
export interface ReadableResource<T, Q extends ListQuery> {
  /**
   * Every item matching `query`, across all pages, fetched page by page as you iterate
   * (`for await (const m of client.members.list({ status: 'active' }))`). Throws
   * `invalid_query` (bad query) or `missing_scope` right away, before any request. Aborting
   * `options.signal` stops the iteration: the pending or next step rejects with the signal's
   * reason and no further page is asked for; `timeoutMs` bounds each page's request.
   */
  list(query?: Q, options?: RequestOptions): AsyncIterable<T>;
  /** One page: `{ results, cursorNext, cursorPrev, rangeStart?, rangeEnd? }`; pass `cursorNext` back as `$cursorNext`. */
  page(query?: Q, options?: RequestOptions): Promise<Page<T>>;
  /** One item by `_id`; `not_found` when it does not exist. */
  get(id: string, options?: RequestOptions): Promise<T>;
}

/** Where a readable resource lives and what reading it needs. */
export interface ResourceSpec<S extends z.ZodMiniType> {
  /** Path below the organisation, e.g. `members`; also the name in messages. */
  path: string;
  /** Schema of one item. */
  item: S;
  /** Scope of `list`/`page`/`get`. */
  readScope: string;
}

/**
 * Characters an id may not hold: path and query delimiters, `%` (a percent-encoded dot segment
 * such as `%2e%2e` is resolved by the URL parser), backslash (a path separator to WHATWG URLs)
 * and control characters. OfficeRnD ids are 24 hex digits.
 */
const UNSAFE_ID = /[/\\?#%\p{Cc}]/u;

/**
 * Checks an object id before it goes into a path and returns it encoded as one segment. Refuses
 * (`invalid_query`, before any request) empty ids, dot segments (`.`, `..`) and anything that
 * would change the path once the URL is normalised.
 */
export function pathId(resource: string, id: unknown): string {
  const refuse = (why: string) =>
    new OfficeRnDError('invalid_query', `${resource} id ${why}; OfficeRnD ids look like "65a1b2c3d4e5f60718293a4b".`);
  if (typeof id !== 'string') throw refuse(`must be a string, got ${typeof id}`);
  if (id.trim() === '' || id.length > 200) throw refuse('must be a non-empty string of at most 200 characters');
  if (id === '.' || id === '..' || UNSAFE_ID.test(id)) {
    throw refuse(`${JSON.stringify(id.slice(0, 40))} is a dot segment or holds / \\ ? # % or a control character`);
  }
  let segment: string;
  try {
    segment = encodeURIComponent(id);
  } catch {
    throw refuse('is not well-formed Unicode (a lone surrogate)');
  }
  // The segment must come out of URL normalisation exactly as it went in.
  if (new URL(`https://host/${segment}`).pathname !== `/${segment}`) {
    throw refuse(`${JSON.stringify(id.slice(0, 40))} would change the request path`);
  }
  return segment;
}

/** Builds list/page/get for the resource at `spec.path` whose items match `spec.item`. */
export function createReadableResource<S extends z.ZodMiniType, Q extends ListQuery>(
  transport: Transport,
  spec: ResourceSpec<S>,
): ReadableResource<z.output<S>, Q> {
  const { path, item, readScope } = spec;
  const schema = pageSchema(item);
  const page = async (query?: Q, options?: RequestOptions): Promise<Page<z.output<S>>> =>
    (await transport.request(
      {
        method: 'GET',
        call: `${path}.page`,
        scope: readScope,
        path,
        searchParams: serializeQuery(query),
        schema,
      },
      options,
    )) as Page<z.output<S>>;
  return {
    list(query, options) {
      // Fail fast, before the first request.
      transport.requireScope(readScope, `${path}.list`);
      serializeQuery(query);
      callBudget(options);
      return iteratePages((q) => page(q, options), (query ?? {}) as Q, options?.signal);
    },
    page,
    async get(id, options) {
      return (await transport.request(
        {
          method: 'GET',
          call: `${path}.get`,
          scope: readScope,
          path: `${path}/${pathId(path, id)}`,
          schema: item,
        },
        options,
      )) as z.output<S>;
    },
  };
}
