import { OfficeRnDError } from './errors.js';
import type { Page } from './schemas.js';

/** Largest page OfficeRnD v2 returns (and its default `$limit`); a larger `$limit` is capped to it. */
export const MAX_PAGE_SIZE = 50;

/** A value a filter compares a field with. */
export type FilterScalar = string | number | boolean;

/**
 * A filter on a field, with OfficeRnD's operator names: a value (equality), an array
 * (shorthand for `$in`), or operators — `{ $in: ['active', 'pending'] }` is sent as
 * `status[$in]=active,pending`.
 */
export type FieldFilter<T extends FilterScalar = string> =
  | T
  | readonly T[]
  | { $in?: readonly T[]; $nin?: readonly T[]; $ne?: T };

/** A date filter: a date (equality) or range operators, sent as `modifiedAt[$gte]=<ISO date>`. */
export type DateFilter =
  | string
  | Date
  | { $gt?: string | Date; $gte?: string | Date; $lt?: string | Date; $lte?: string | Date };

/** Query options every v2 list accepts. */
export interface ListQuery {
  /** Page size from 1; above 50 (OfficeRnD's maximum) it is capped to 50, as OfficeRnD does. Default: the API's (50). */
  $limit?: number;
  /** Start after this cursor (from a previous page's `cursorNext`). */
  $cursorNext?: string;
  /** Start before this cursor (from a page's `cursorPrev`). */
  $cursorPrev?: string;
  /** Fields to return: `'name,email'` or `['name', 'email']`. */
  $select?: string | readonly string[];
  /** Sort field, `-` prefix for descending, e.g. `'-modifiedAt'`. */
  $sort?: string;
  _id?: FieldFilter;
  createdAt?: DateFilter;
  modifiedAt?: DateFilter;
}

/** Filters of `members.list` / `members.page`. */
export interface MemberQuery extends ListQuery {
  name?: FieldFilter;
  email?: FieldFilter;
  location?: FieldFilter;
  company?: FieldFilter;
  status?: FieldFilter<import('./schemas.js').MemberStatus | (string & {})>;
}

/** Filters of `companies.list`. */
export interface CompanyQuery extends ListQuery {
  name?: FieldFilter;
  location?: FieldFilter;
  status?: FieldFilter;
}

/** Filters of `plans.list`. */
export interface PlanQuery extends ListQuery {
  name?: FieldFilter;
  code?: FieldFilter;
  type?: FieldFilter;
  location?: FieldFilter;
}

/** Filters of `memberships.list`, e.g. `{ member: id }`. */
export interface MembershipQuery extends ListQuery {
  member?: FieldFilter;
  company?: FieldFilter;
  plan?: FieldFilter;
  location?: FieldFilter;
  status?: FieldFilter;
  calculatedStatus?: FieldFilter;
}

/** Filters of `webhooks.list`. */
export type WebhookQuery = ListQuery;

const OPERATORS = new Set(['$in', '$nin', '$ne', '$gt', '$gte', '$lt', '$lte', '$eq']);
const LIST_OPERATORS = new Set(['$in', '$nin']);
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

function invalid(message: string): OfficeRnDError {
  return new OfficeRnDError('invalid_query', message);
}

function scalarText(field: string, value: unknown): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalid(`Filter "${field}" got an invalid Date.`);
    return value.toISOString();
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  throw invalid(`Filter "${field}" must be a string, finite number, boolean or Date, got ${typeof value}.`);
}

function listText(field: string, values: readonly unknown[]): string {
  if (values.length === 0) throw invalid(`Filter "${field}" got an empty list: it would match nothing.`);
  return values
    .map((v) => {
      const text = scalarText(field, v);
      // OfficeRnD separates list values with commas: a comma inside a value cannot be expressed.
      if (text.includes(',')) throw invalid(`Filter "${field}" value ${JSON.stringify(text)} contains a comma.`);
      return text;
    })
    .join(',');
}

/**
 * Serialises a typed query as OfficeRnD expects: `status[$in]=active,pending`,
 * `modifiedAt[$gte]=2024-01-01T00:00:00.000Z`, `$select=name,email`; a `$limit` above 50 is
 * sent as 50 (OfficeRnD caps it too). Throws an `invalid_query` error for a `$limit` that is not
 * a positive integer, unknown operators or unsupported values.
 */
export function serializeQuery(query: object | undefined): URLSearchParams {
  const params = new URLSearchParams();
  if (query === undefined || query === null) return params;
  if (typeof query !== 'object') throw invalid('The query must be an object.');
  for (const [field, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (field === '$limit') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
        throw invalid(
          `$limit must be a positive integer (at most ${MAX_PAGE_SIZE} take effect), got ${String(value)}.`,
        );
      }
      params.set('$limit', String(Math.min(value, MAX_PAGE_SIZE)));
    } else if (field === '$select') {
      params.set('$select', Array.isArray(value) ? listText(field, value) : scalarText(field, value));
    } else if (field === '$sort' || field === '$cursorNext' || field === '$cursorPrev') {
      if (typeof value !== 'string' || value === '') throw invalid(`${field} must be a non-empty string.`);
      params.set(field, value);
    } else {
      if (!FIELD_NAME.test(field)) throw invalid(`Unsupported query field ${JSON.stringify(field)}.`);
      if (Array.isArray(value)) {
        params.set(`${field}[$in]`, listText(field, value));
      } else if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
        const entries = Object.entries(value).filter(([, v]) => v !== undefined);
        if (entries.length === 0) throw invalid(`Filter "${field}" has no operator.`);
        for (const [op, operand] of entries) {
          if (!OPERATORS.has(op)) {
            throw invalid(
              `Filter "${field}" uses unknown operator ${JSON.stringify(op)}; use one of ${[...OPERATORS].join(', ')}.`,
            );
          }
          if (LIST_OPERATORS.has(op)) {
            if (!Array.isArray(operand)) throw invalid(`Filter "${field}[${op}]" must be an array.`);
            params.set(`${field}[${op}]`, listText(field, operand));
          } else {
            params.set(`${field}[${op}]`, scalarText(field, operand));
          }
        }
      } else {
        params.set(field, scalarText(field, value));
      }
    }
  }
  return params;
}

/**
 * Iterates over every item of a cursor-paginated list, fetching the next page only when
 * the previous one is consumed (memory stays at one page). Stops when `cursorNext` is
 * null; a cursor that repeats is an `invalid_response` rather than an endless loop. Once
 * `signal` is aborted the next step rejects with its reason and no other page is asked for.
 */
export async function* iteratePages<T, Q extends ListQuery>(
  fetchPage: (query: Q) => Promise<Page<T>>,
  query: Q,
  signal?: AbortSignal,
): AsyncGenerator<T, void, undefined> {
  let current: Q = query;
  const seen = new Set<string>();
  for (;;) {
    signal?.throwIfAborted();
    const page = await fetchPage(current);
    for (const item of page.results) {
      signal?.throwIfAborted();
      yield item;
    }
    const next = page.cursorNext;
    if (next === null || next === '' || page.results.length === 0) return;
    if (seen.has(next)) {
      throw new OfficeRnDError(
        'invalid_response',
        'OfficeRnD returned the same cursorNext twice; stopping to avoid an endless loop.',
      );
    }
    seen.add(next);
    const { $cursorPrev: _prev, ...rest } = current;
    current = { ...rest, $cursorNext: next } as Q;
  }
}
