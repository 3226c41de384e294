import { PrintLoungeError } from './errors.js';

/** A value PHP's `http_build_query` accepts for a flat field. `null`/`undefined` fields are skipped. */
export type QueryValue = string | number | bigint | boolean | null | undefined;

/**
 * Fields in the order PHP should see them. A plain object keeps JavaScript's key order, which puts
 * integer-like keys (`"7"`) first; pass a `Map` or an array of pairs when that matters. In an array of
 * pairs a repeated name behaves like a PHP array key assigned twice: first position, last value.
 */
export type QueryFields =
  | Readonly<Record<string, QueryValue>>
  | ReadonlyMap<string, QueryValue>
  | ReadonlyArray<readonly [string, QueryValue]>;

const HEX = '0123456789ABCDEF';

// What urlencode writes for each byte: itself for A-Z a-z 0-9 . _ -, '+' for space, else %XX.
const ESCAPED: string[] = [];
for (let b = 0; b < 256; b++) {
  const ch = String.fromCharCode(b);
  ESCAPED.push(/[A-Za-z0-9._-]/.test(ch) ? ch : b === 0x20 ? '+' : `%${HEX[b >> 4]}${HEX[b & 15]}`);
}
const KEEP = new Uint8Array(128);
for (let c = 0; c < 128; c++) KEEP[c] = ESCAPED[c]!.length === 1 && c !== 0x20 ? 1 : 0;

function loneSurrogate(): PrintLoungeError {
  return new PrintLoungeError(
    'invalid_field',
    'A field name or value contains an unpaired UTF-16 surrogate: it has no UTF-8 form.',
    {
      rule: 'utf8',
    },
  );
}

/**
 * PHP's `urlencode`: UTF-8 bytes, only `A-Za-z0-9._-` left as they are, space → `+`,
 * everything else `%XX` with uppercase hex (so `*` → `%2A` and `~` → `%7E`, unlike `encodeURIComponent`).
 * Throws `invalid_field` for strings with unpaired UTF-16 surrogates (they have no UTF-8 form).
 */
export function phpUrlencode(text: string): string {
  let out = '';
  let run = 0; // start of the current stretch of characters that pass through
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && KEEP[c] === 1) continue;
    if (run < i) out += text.slice(run, i);
    if (c < 0x80) {
      out += ESCAPED[c]!;
    } else if (c < 0x800) {
      out += ESCAPED[0xc0 | (c >> 6)]! + ESCAPED[0x80 | (c & 63)]!;
    } else if (c < 0xd800 || c > 0xdfff) {
      out += ESCAPED[0xe0 | (c >> 12)]! + ESCAPED[0x80 | ((c >> 6) & 63)]! + ESCAPED[0x80 | (c & 63)]!;
    } else {
      const low = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || low < 0xdc00 || low > 0xdfff) throw loneSurrogate();
      const cp = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
      out +=
        ESCAPED[0xf0 | (cp >> 18)]! +
        ESCAPED[0x80 | ((cp >> 12) & 63)]! +
        ESCAPED[0x80 | ((cp >> 6) & 63)]! +
        ESCAPED[0x80 | (cp & 63)]!;
      i++;
    }
    run = i + 1;
  }
  return run === 0 ? text : run < n ? out + text.slice(run) : out;
}

/**
 * A number as PHP 8 prints it in `http_build_query` (and `echo`) with the default `precision=14`:
 * safe integers are PHP ints; other numbers are PHP floats (`0.1`, `1.0E+25`, `1.0E-5`, `NAN`, `INF`, `-0`).
 */
export function phpNumberToString(value: number): string {
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
  return phpFloatToString(value, 14);
}

/** PHP's `%.*G` (zend_gcvt) with exact, round-half-even rounding to `precision` significant digits. */
function phpFloatToString(value: number, precision: number): string {
  if (Number.isNaN(value)) return 'NAN';
  if (value === Number.POSITIVE_INFINITY) return 'INF';
  if (value === Number.NEGATIVE_INFINITY) return '-INF';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const negative = value < 0;
  const { digits, pointAt } = roundHalfEven(exactDecimal(Math.abs(value)), precision);
  // digits = significant digits without trailing zeros; value = 0.digits × 10^pointAt
  const exponent = pointAt - 1;
  let body: string;
  if (exponent < -4 || exponent >= precision) {
    const mantissa = digits.length === 1 ? `${digits}.0` : `${digits[0]}.${digits.slice(1)}`;
    body = `${mantissa}E${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
  } else if (pointAt <= 0) {
    body = `0.${'0'.repeat(-pointAt)}${digits}`;
  } else if (pointAt >= digits.length) {
    body = digits + '0'.repeat(pointAt - digits.length);
  } else {
    body = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  }
  return negative ? `-${body}` : body;
}

/** The exact decimal expansion of a positive finite double: all digits, value = 0.digits × 10^pointAt. */
function exactDecimal(value: number): { digits: string; pointAt: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let exponent2: number;
  if (biasedExponent === 0) {
    exponent2 = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent2 = biasedExponent - 1075;
  }
  if (exponent2 >= 0) {
    const digits = (mantissa << BigInt(exponent2)).toString();
    return { digits, pointAt: digits.length };
  }
  // mantissa × 2^-k = mantissa × 5^k / 10^k
  const k = -exponent2;
  const digits = (mantissa * 5n ** BigInt(k)).toString();
  return { digits, pointAt: digits.length - k };
}

function roundHalfEven(
  exact: { digits: string; pointAt: number },
  precision: number,
): { digits: string; pointAt: number } {
  let { digits, pointAt } = exact;
  if (digits.length > precision) {
    const kept = digits.slice(0, precision);
    const rest = digits.slice(precision);
    const first = rest.charCodeAt(0) - 48;
    const beyondHalf = first > 5 || (first === 5 && /[1-9]/.test(rest.slice(1)));
    const tie = first === 5 && !beyondHalf;
    const lastOdd = (kept.charCodeAt(kept.length - 1) - 48) % 2 === 1;
    let n = BigInt(kept);
    if (beyondHalf || (tie && lastOdd)) n += 1n;
    digits = n.toString();
    if (digits.length > precision) {
      // 999… rounded up to 1000…
      pointAt += 1;
      digits = digits.slice(0, precision);
    }
  }
  digits = digits.replace(/0+$/, '');
  return { digits: digits === '' ? '0' : digits, pointAt };
}

/** The string PHP's `http_build_query` puts for one scalar value (booleans as 1/0). */
export function phpScalarToString(field: string, value: Exclude<QueryValue, null | undefined>): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return phpNumberToString(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? '1' : '0';
    default:
      throw new PrintLoungeError(
        'invalid_field',
        `Field ${JSON.stringify(field)} must be a string, number, bigint, boolean, null or undefined, got ${describeType(value)}. Nested arrays and objects are not supported.`,
        { field, rule: 'type' },
      );
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Iterates fields in the order PHP would see them. */
export function fieldEntries(fields: QueryFields): Iterable<readonly [string, QueryValue]> {
  if (fields instanceof Map) return fields.entries();
  if (Array.isArray(fields)) {
    for (const pair of fields) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
        throw new PrintLoungeError('invalid_field', 'Field pairs must be [name, value] arrays with a string name.', {
          rule: 'type',
        });
      }
    }
    // Like assigning into a PHP array: a repeated name keeps its first position and takes the last value.
    const merged = new Map<string, QueryValue>();
    for (const [name, value] of fields as ReadonlyArray<readonly [string, QueryValue]>) merged.set(name, value);
    return merged.entries();
  }
  if (typeof fields !== 'object' || fields === null) {
    throw new PrintLoungeError(
      'invalid_field',
      `Fields must be an object, a Map or an array of [name, value] pairs, got ${describeType(fields)}.`,
      {
        rule: 'type',
      },
    );
  }
  return Object.entries(fields as Record<string, QueryValue>);
}

/**
 * PHP's `http_build_query($fields)` for flat fields: insertion order, `&` between pairs, `null`
 * (and `undefined`) skipped, `true` → `1`, `false` → `0`, names and values through {@link phpUrlencode}.
 * Throws `invalid_field` for nested values (arrays, objects) and other types PHP would not see as scalars.
 */
export function httpBuildQuery(fields: QueryFields): string {
  let out = '';
  for (const [name, value] of fieldEntries(fields)) {
    if (typeof name !== 'string') {
      throw new PrintLoungeError('invalid_field', `Field names must be strings, got ${describeType(name)}.`, {
        rule: 'type',
      });
    }
    if (value === null || value === undefined) continue;
    const text = phpScalarToString(name, value);
    if (out !== '') out += '&';
    out += `${phpUrlencode(name)}=${phpUrlencode(text)}`;
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

let byteScratch = new Uint8Array(1024);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * @internal Strict UTF-8: the platform's decoder with `fatal` (invalid bytes are refused, not
 * replaced) and `ignoreBOM` (a leading BOM is kept as U+FEFF, as PHP keeps those bytes).
 * `undefined` for invalid input.
 */
export function utf8DecodeStrict(bytes: Uint8Array, length = bytes.length): string | undefined {
  try {
    return strictUtf8.decode(length === bytes.length ? bytes : bytes.subarray(0, length));
  } catch {
    return undefined;
  }
}

/**
 * PHP's `urldecode` on the bytes of `text` (`+` → space, `%XX` decoded, a `%` not followed by two hex
 * digits kept as it is; other characters as their UTF-8 bytes), then strict UTF-8. Returns `undefined`
 * when the result is not valid UTF-8.
 */
export function phpUrldecode(text: string): string | undefined {
  if (!/[%+]/.test(text)) return text;
  const n = text.length;
  if (byteScratch.length < n * 3) byteScratch = new Uint8Array(n * 3);
  const bytes = byteScratch;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2b) {
      bytes[o++] = 0x20;
    } else if (
      c === 0x25 &&
      i + 2 < n &&
      hexValue(text.charCodeAt(i + 1)) >= 0 &&
      hexValue(text.charCodeAt(i + 2)) >= 0
    ) {
      bytes[o++] = (hexValue(text.charCodeAt(i + 1)) << 4) | hexValue(text.charCodeAt(i + 2));
      i += 2;
    } else if (c < 0x80) {
      bytes[o++] = c;
    } else if (c < 0x800) {
      bytes[o++] = 0xc0 | (c >> 6);
      bytes[o++] = 0x80 | (c & 63);
    } else if (c < 0xd800 || c > 0xdfff) {
      bytes[o++] = 0xe0 | (c >> 12);
      bytes[o++] = 0x80 | ((c >> 6) & 63);
      bytes[o++] = 0x80 | (c & 63);
    } else {
      const low = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || low < 0xdc00 || low > 0xdfff) return undefined;
      const cp = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
      bytes[o++] = 0xf0 | (cp >> 18);
      bytes[o++] = 0x80 | ((cp >> 12) & 63);
      bytes[o++] = 0x80 | ((cp >> 6) & 63);
      bytes[o++] = 0x80 | (cp & 63);
      i++;
    }
  }
  return utf8DecodeStrict(bytes, o);
}

/**
 * PHP's `parse_str` for flat names, on an ASCII query string: split on `&`, empty pieces skipped,
 * a piece without `=` gives `""`, names and values URL-decoded; in names, leading spaces are dropped,
 * `' '` and `'.'` become `_` and a NUL byte ends the name; empty names are skipped; a later duplicate wins.
 *
 * Where it stops: a name with brackets (`a[b]`) is kept verbatim as one flat key (after the
 * `' '`/`'.'` → `_` rule applied before its first `[`), whereas PHP would build the nested array
 * `a => [b => …]`. This mirrors what {@link httpBuildQuery} produced from a flat field named `a[b]`.
 * Like PHP, a name starting with `[` is skipped and an unclosed `[` turns into `_` (`a[b` → `a_b`).
 * Returns `undefined` when a name or value is not valid UTF-8.
 */
export function parseStr(query: string): Record<string, string> | undefined {
  const out = new Map<string, string>();
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const rawName = eq === -1 ? piece : piece.slice(0, eq);
    const rawValue = eq === -1 ? '' : piece.slice(eq + 1);
    const decodedName = phpUrldecode(rawName);
    const value = phpUrldecode(rawValue);
    if (decodedName === undefined || value === undefined) return undefined;
    const name = phpVariableName(decodedName);
    if (name !== undefined) out.set(name, value);
  }
  return Object.fromEntries(out);
}

/** @internal One `&`-separated piece of a query string, as PHP's `parse_str` reads it. */
export interface QueryPiece {
  /** The name after URL-decoding, before PHP's rewriting. */
  decodedName: string;
  /** The name PHP registers (leading spaces dropped, ' ' and '.' as '_', …); `undefined` when PHP drops it. */
  name: string | undefined;
  value: string;
  /** The piece had an `=`. */
  hasValue: boolean;
}

/**
 * @internal The pieces of `query` in order, empty ones skipped — what {@link parseStr} builds its result
 * from, for receivers that check more than PHP does. `undefined` when a name or value is not valid UTF-8.
 */
export function queryPieces(query: string): QueryPiece[] | undefined {
  const pieces: QueryPiece[] = [];
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const decodedName = phpUrldecode(eq === -1 ? piece : piece.slice(0, eq));
    const value = phpUrldecode(eq === -1 ? '' : piece.slice(eq + 1));
    if (decodedName === undefined || value === undefined) return undefined;
    pieces.push({ decodedName, name: phpVariableName(decodedName), value, hasValue: eq !== -1 });
  }
  return pieces;
}

/** PHP's rewriting of a (decoded) flat variable name, as in {@link parseStr}; `undefined` when PHP drops it. */
function phpVariableName(decoded: string): string | undefined {
  const nul = decoded.indexOf('\0');
  const name = (nul === -1 ? decoded : decoded.slice(0, nul)).replace(/^ +/, '');
  if (name === '') return undefined;
  const bracket = name.indexOf('[');
  if (bracket === 0) return undefined; // PHP: empty variable name
  if (bracket === -1) return name.replace(/[ .]/g, '_');
  if (name.indexOf(']', bracket) === -1) return name.replace(/[ .[]/g, '_'); // PHP: "not an index"
  return name.slice(0, bracket).replace(/[ .]/g, '_') + name.slice(bracket);
}

/**
 * The raw (still URL-encoded) value PHP's `$_GET[name]` would be built from: the last piece of `query`
 * whose name PHP rewrites to `name` (so `u.data=` counts as `u_data`). Values are not decoded, so junk
 * elsewhere in the query does not matter.
 */
export function phpQueryParameter(query: string, name: string): string | undefined {
  let found: string | undefined;
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const decodedName = phpUrldecode(eq === -1 ? piece : piece.slice(0, eq));
    if (decodedName !== undefined && phpVariableName(decodedName) === name)
      found = eq === -1 ? '' : piece.slice(eq + 1);
  }
  return found;
}

/** @internal What a strict receiver refuses in a decoded query string (see {@link strictQueryFields}). */
export type StrictQueryRule = 'rewritten_name' | 'missing_value' | 'unknown_field' | 'duplicate_field';

/**
 * @internal The fields of `query` for a strict receiver: every piece must be `name=value` with a name PHP
 * keeps as it is (no leading space, no ' ' or '.', no NUL, no '[' that would make an array), known to `isKnown`, and
 * given once. Links from our senders always are; a spliced one mostly is not. `fail` reports a breach
 * (it must throw); a name in its message is quoted and cut to 40 characters, as it may be junk.
 * `undefined` when a name or value is not valid UTF-8.
 */
export function strictQueryFields(
  query: string,
  isKnown: (name: string) => boolean,
  fail: (rule: StrictQueryRule, name: string) => never,
): Record<string, string> | undefined {
  const pieces = queryPieces(query);
  if (pieces === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const piece of pieces) {
    const name = piece.decodedName;
    // PHP rewrote the name, or will make an array of it (a '[' in a name no field table has).
    if (piece.name !== name || (name.includes('[') && !isKnown(name))) fail('rewritten_name', name);
    if (!piece.hasValue) fail('missing_value', name);
    if (!isKnown(name)) fail('unknown_field', name);
    if (Object.hasOwn(fields, name)) fail('duplicate_field', name);
    fields[name] = piece.value;
  }
  return fields;
}

const STRICT_REASON: Record<StrictQueryRule, string> = {
  rewritten_name: "a field name PHP's parse_str would rewrite",
  missing_value: 'a field without "="',
  unknown_field: "a field that is not in the vendor's table",
  duplicate_field: 'a field that occurs twice',
};

/**
 * @internal The `fail` of {@link strictQueryFields} for links that `sender` makes: an `invalid_field`
 * naming the rule and the field (quoted, cut to 40 characters: it may be junk), never a value.
 */
export function refuseStrictField(sender: string): (rule: StrictQueryRule, name: string) => never {
  return (rule, name) => {
    const quoted = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
    throw new PrintLoungeError(
      'invalid_field',
      `The link holds ${STRICT_REASON[rule]} (${quoted}). Links from ${sender} never do: it was spliced from other links or built by hand. Pass strict: false to read it as PHP would.`,
      { field: name, rule },
    );
  };
}
