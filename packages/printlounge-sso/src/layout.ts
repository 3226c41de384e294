import { PrintLoungeError } from './errors.js';
import { phpUrlencode } from './php-query.js';

/*
 * The splice-resistant ("aligned") layout of the query string the high-level link builders encrypt.
 *
 * Neither link version has a MAC, so a user who gets several links can rearrange their cipher blocks
 * (v1 ECB) and the shop decrypts whatever comes out. What comes out is a sequence of plaintext blocks the
 * sender wrote; this layout makes sure no such sequence reads, to PHP's parse_str, as a field the user
 * did not get. PHP reads `&`-separated pieces, each `name=value`, URL-decodes both, and rewrites names
 * (drops leading spaces, turns ' ' '.' and an unclosed '[' into '_', cuts at a NUL, builds arrays
 * from "[…]"). The layout:
 * - every field starts a block (after a few `&` where that helps to place its value), and the rest of its
 *   last block is `&` (parse_str skips empty pieces), so a piece can only start at a block start: either
 *   with a complete genuine field name, or with text of some value, which contains no raw `&` or `=`;
 * - so a forged name is value text followed by one complete genuine field name (up to its `=`), or value
 *   text alone with an empty value; no field name is the tail of another, so neither spells a target;
 * - values hold no control characters, `[` or `]` (a NUL would cut a name short, brackets build arrays);
 * - a value never ends exactly on a block boundary (at least one `&` follows it), which also keeps the
 *   next field's name at the start of the next block;
 * - a `%XX` escape crosses a block boundary only where that cannot be turned into a NUL or a bracket at
 *   the seam: PHP decodes `%` + the first bytes of whatever block an attacker puts next. The encoder
 *   escapes an extra letter (PHP decodes `%61` to `a` just the same) to move an escape off the boundary
 *   and crosses only when that is impossible (long runs of escaped characters, e.g. CJK): then either
 *   `%h|h` with h ≠ 5 (the seam gives a byte 0xh0–0xhF: never NUL or `[` `]`), or, after a character
 *   that occurs in no field name (the piece can no longer be a field name whatever follows);
 * - the first block of `customer_user_name` is never split inside an escape, so its first bytes bind.
 * What stays open: the name's first block holds `customer_user_name=` and only the first bytes of the
 * name (13 in v1), so its later blocks can be swapped for blocks of the user's own text.
 */

const HEX = '0123456789ABCDEF';
const encoder = new TextEncoder();

/** @internal Bytes urlencode writes as they are (A-Z a-z 0-9 . _ -); a space is written `+`. */
export const PLAIN = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._- ') PLAIN[c.charCodeAt(0)] = 1;
/** @internal Decoded bytes that occur in no field name, not even after parse_str's rewriting. */
export const FOREIGN = new Uint8Array(256).fill(1);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_ .[]') FOREIGN[c.charCodeAt(0)] = 0;

/** @internal UTF-8 bytes of `value` (ASCII, the common case, without a call into TextEncoder). */
export function utf8(value: string): Uint8Array {
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x7f) return encoder.encode(value);
    bytes[i] = c;
  }
  return bytes;
}

const UNSAFE_CHARACTER = /[\p{Cc}[\]]/u;
const LONE_SURROGATE = /\p{Cs}/u;

/** Where a field's value may start, and whether its first block may be split inside an escape. */
interface ValueStart {
  /** Byte offset of the value in its block with no `&` before the name (the name's length + 1). */
  offset: number;
  /** Most `&` that may go before the name to move the value (shifting what follows by one byte each). */
  maxLead: number;
  /** The value's first block must not end inside an escape (the user name). */
  bindFirstBlock: boolean;
}

// Costs: an extra escape adds 2 bytes, a leading '&' 1; moving the user name off the start of its block
// gives away bound bytes of it, and a boundary-crossing escape is allowed only where nothing else fits.
const LEAD_COST = 1;
const BOUND_LEAD_COST = 200;
const EXTRA_ESCAPE_COST = 2;
const CROSSING_COST = 10_000;
const NO_WAY = 0x3fffffff;

function escaped(b: number): string {
  return `%${HEX[b >> 4]}${HEX[b & 15]}`;
}

/** @internal urlencode, with an escape forced on each plain byte i where `forced[i]` is 1. */
export function spell(bytes: Uint8Array, forced: Uint8Array | undefined): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (PLAIN[b] === 1 && forced?.[i] !== 1) out += b === 0x20 ? '+' : String.fromCharCode(b);
    else out += escaped(b);
  }
  return out;
}

/** Whether the plain urlencode spelling, with no `&` before the name, keeps every rule (the common case). */
function plainFits(bytes: Uint8Array, start: ValueStart, blockSize: number): boolean {
  let offset = start.offset;
  for (let i = 0; i < bytes.length; i++) {
    if (PLAIN[bytes[i]!] === 1) offset++;
    else if (offset + 3 > blockSize) return false;
    else offset += 3;
    if (offset === blockSize) offset = 0;
  }
  return offset !== 0;
}

/**
 * The cheapest layout of a value (see the costs above) that keeps the rules in the comment at the top:
 * how many `&` go before the name, and the spelling; `undefined` when there is none.
 * DP state: offset in the block × past the field's first block × the block already holds a foreign byte.
 */
function alignedSpelling(
  bytes: Uint8Array,
  start: ValueStart,
  blockSize: number,
): { lead: number; spelling: string } | undefined {
  const states = 4 * blockSize;
  const index = (offset: number, past: number, foreign: number) => (past * 2 + foreign) * blockSize + offset;
  let cost = new Int32Array(states).fill(NO_WAY);
  let next = new Int32Array(states);
  const from = new Int32Array(bytes.length * states); // previous state × 2 + escaped?
  // The first block holds the field name's '=', so a seam there is inside a value: count it foreign.
  for (let lead = 0; lead <= start.maxLead; lead++) {
    cost[index(start.offset + lead, 0, 1)] = lead * (start.bindFirstBlock ? BOUND_LEAD_COST : LEAD_COST);
  }
  for (let i = 0; i < bytes.length; i++) {
    next.fill(NO_WAY);
    const b = bytes[i]!;
    const plain = PLAIN[b] === 1;
    const escapeCost = plain ? EXTRA_ESCAPE_COST : 0;
    const base = i * states;
    for (let s = 0; s < states; s++) {
      const c = cost[s]!;
      if (c === NO_WAY) continue;
      const offset = s % blockSize;
      const past = s >= 2 * blockSize ? 1 : 0;
      const foreign = Math.floor(s / blockSize) % 2;
      let target: number;
      if (plain) {
        const o = offset + 1;
        target = o === blockSize ? index(0, 1, 0) : index(o, past, foreign | (b === 0x20 ? 0 : FOREIGN[b]!));
        if (c < next[target]!) {
          next[target] = c;
          from[base + target] = s * 2;
        }
      }
      // As an escape (forced for non-plain bytes, an extra one for plain bytes).
      let add = escapeCost;
      if (offset + 3 <= blockSize) {
        const o = offset + 3;
        target = o === blockSize ? index(0, 1, 0) : index(o, past, foreign | FOREIGN[b]!);
      } else {
        // "%h|h" gives the seam a byte 0xh0–0xhF: never NUL, '[' or ']' unless h is 5. "%|hh" gives any
        // byte, so only after a foreign byte in this block. The next block starts with hex digits.
        if (past === 0 && start.bindFirstBlock) continue;
        if (!(foreign === 1 || (offset === blockSize - 2 && b >> 4 !== 5))) continue;
        target = index(offset + 3 - blockSize, 1, 0);
        add += CROSSING_COST;
      }
      if (c + add < next[target]!) {
        next[target] = c + add;
        from[base + target] = s * 2 + 1;
      }
    }
    [cost, next] = [next, cost];
  }
  let best = -1;
  for (let s = 0; s < states; s++) {
    if (s % blockSize === 0 || cost[s] === NO_WAY) continue; // a value must not end on a boundary
    if (best === -1 || cost[s]! < cost[best]!) best = s;
  }
  if (best === -1) return undefined;
  const forced = new Uint8Array(bytes.length);
  let s = best;
  for (let i = bytes.length - 1; i >= 0; i--) {
    const step = from[i * states + s]!;
    forced[i] = step & 1;
    s = step >> 1;
  }
  return { lead: (s % blockSize) - start.offset, spelling: spell(bytes, forced) };
}

/** One field laid out: it starts a block (after `lead` `&`) and fills the rest of its last block with `&`. */
function alignedField(name: string, value: string, blockSize: number, bindFirstBlock: boolean): string {
  const key = `${phpUrlencode(name)}=`;
  if (UNSAFE_CHARACTER.test(value)) {
    throw new PrintLoungeError(
      'invalid_field',
      `Field ${name} contains a control character, '[' or ']': links with such values could be spliced into links for other users, so they are refused.`,
      { field: name, rule: 'unsafe_character' },
    );
  }
  if (LONE_SURROGATE.test(value)) {
    throw new PrintLoungeError('invalid_field', `Field ${name} contains an unpaired UTF-16 surrogate.`, {
      field: name,
      rule: 'utf8',
    });
  }
  const bytes = utf8(value);
  const start: ValueStart = { offset: key.length, maxLead: blockSize - 1 - key.length, bindFirstBlock };
  let laid: { lead: number; spelling: string } | undefined;
  // The common cases first: the plain spelling, maybe after an `&` or two (cheaper than any extra escape).
  for (let lead = 0; lead <= (bindFirstBlock ? 0 : Math.min(2, start.maxLead)) && !laid; lead++) {
    if (plainFits(bytes, { ...start, offset: start.offset + lead }, blockSize))
      laid = { lead, spelling: spell(bytes, undefined) };
  }
  laid ??= alignedSpelling(bytes, start, blockSize);
  if (laid === undefined) {
    throw new PrintLoungeError(
      'invalid_field',
      `Field ${name} cannot be laid out splice-safely: it holds a long run of characters that all need %-escapes.`,
      { field: name, rule: 'layout' },
    );
  }
  const used = (laid.lead + key.length + laid.spelling.length) % blockSize;
  return `${'&'.repeat(laid.lead)}${key}${laid.spelling}${'&'.repeat(blockSize - used)}`;
}

/**
 * @internal The aligned, splice-resistant query string for `fields` (names from the vendor's table,
 * values already as PHP prints them), for a cipher with `blockSize`-byte blocks. PHP's `parse_str` reads
 * it exactly like `http_build_query` of the same fields.
 */
export function alignedQuery(
  fields: Iterable<readonly [string, string]>,
  blockSize: number,
  boundField = 'customer_user_name',
): string {
  let out = '';
  for (const [name, value] of fields) {
    if (name.length + 1 >= blockSize) {
      throw new PrintLoungeError('invalid_field', `Field name ${name} is too long for the aligned layout.`, {
        field: name,
        rule: 'layout',
      });
    }
    out += alignedField(name, value, blockSize, name === boundField);
  }
  return out;
}
