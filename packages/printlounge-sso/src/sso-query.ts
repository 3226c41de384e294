import { PrintLoungeError } from './errors.js';
import { fieldEntries, phpScalarToString, phpUrlencode, type QueryValue } from './php-query.js';

/**
 * A value PHP's `http_build_query` accepts, nested values included: a scalar (see `QueryValue`), or a
 * plain object, `Map` or array, sent as `name[key]=value` (arrays with their indexes, as PHP does).
 */
export type SsoQueryValue =
  | QueryValue
  | { readonly [key: string]: SsoQueryValue }
  | ReadonlyMap<string, SsoQueryValue>
  | readonly SsoQueryValue[];

/** Fields in the order PHP should see them; see `QueryFields` for the key-order caveat of plain objects. */
export type SsoQueryFields =
  | Readonly<Record<string, SsoQueryValue>>
  | ReadonlyMap<string, SsoQueryValue>
  | ReadonlyArray<readonly [string, SsoQueryValue]>;

function nestedEntries(name: string, value: object): Iterable<readonly [string, SsoQueryValue]> {
  if (value instanceof Map) return Array.from(value, ([key, inner]) => [String(key), inner as SsoQueryValue] as const);
  if (Array.isArray(value)) return value.map((inner: SsoQueryValue, index) => [String(index), inner] as const);
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return Object.entries(value);
  throw new PrintLoungeError(
    'invalid_field',
    `Field ${JSON.stringify(name)} must be a scalar, a plain object, a Map or an array (got an instance of ${String(proto?.constructor?.name ?? 'a class')}).`,
    { field: name, rule: 'type' },
  );
}

/** `value` under `name` (already URL-encoded as `encodedName`) as `&`-joined pairs; '' when it sends nothing. */
function pairsOf(name: string, encodedName: string, value: SsoQueryValue, depth: number): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return `${encodedName}=${phpUrlencode(phpScalarToString(name, value))}`;
  if (depth >= 32) {
    throw new PrintLoungeError(
      'invalid_field',
      `Field ${JSON.stringify(name)} is nested too deeply (or is circular).`,
      {
        field: name,
        rule: 'type',
      },
    );
  }
  let out = '';
  for (const [key, inner] of nestedEntries(name, value)) {
    const pairs = pairsOf(`${name}[${key}]`, `${encodedName}%5B${phpUrlencode(key)}%5D`, inner, depth + 1);
    if (pairs !== '') out = out === '' ? pairs : `${out}&${pairs}`;
  }
  return out;
}

/**
 * PHP's `http_build_query($fields)` with nested values: like `httpBuildQuery`, and a plain object,
 * `Map` or array value becomes `name%5Bkey%5D=value` pairs (recursively; empty ones send nothing).
 */
export function httpBuildNestedQuery(fields: SsoQueryFields): string {
  let out = '';
  for (const [name, value] of fieldEntries(fields as never) as Iterable<readonly [string, SsoQueryValue]>) {
    if (typeof name !== 'string') {
      throw new PrintLoungeError('invalid_field', 'Field names must be strings.', { rule: 'type' });
    }
    const pairs = pairsOf(name, phpUrlencode(name), value, 0);
    if (pairs !== '') out = out === '' ? pairs : `${out}&${pairs}`;
  }
  return out;
}
