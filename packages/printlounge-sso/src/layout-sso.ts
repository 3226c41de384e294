import { PrintLoungeError } from './errors.js';
import { FOREIGN, PLAIN, spell, utf8 } from './layout.js';
import { phpScalarToString, phpUrldecode, phpUrlencode, type QueryValue } from './php-query.js';

/*
 * The splice-resistant layout of the SSO v2 payload (AES-CBC, fixed IV, no MAC): what createSsoUrl and
 * the v2 signer encrypt. PHP's parse_str reads it exactly like http_build_query of the same fields; only
 * the `&` between fields and where the names fall on the 16-byte blocks differ.
 *
 * What a user holding many of his own links can make the shop decrypt (CBC: P[i] = D(C[i]) xor C[i-1]):
 * - runs of genuine blocks, each exact after its genuine predecessor; a run may start at any block of
 *   any link after one of the blocks below;
 * - a block of his own choosing (16 bytes, bit-flipped through its predecessor), which makes that
 *   predecessor 16 random bytes he cannot see or pick (a few of them right by luck: each byte costs a
 *   factor 256 in attempts against the shop);
 * - a known block of pseudo-random bytes (a genuine block after a foreign predecessor), where searching
 *   his collection finds some with two or three bytes he wants.
 * So a forged `customer_user_name=…` needs its 19 bytes of key and `=` from one chosen block (16 bytes)
 * plus what a genuine block begins with. The layout makes sure no genuine block begins with the tail of
 * `customer_user_name` (or `request_time`) followed by `=` — not even the empty tail, a bare `=` — except
 * inside the genuine `customer_user_name` key, whose value is A's own. Then the missing bytes have to
 * come from random ones: at least four specific bytes (`&cus`), about one chance in four billion per
 * attempt. The user name starts a block, so the next one holds `me=` and the first 13 bytes of the
 * value: a run cannot stop between the name and its value and leave the value to a few lucky bytes
 * (those would have to bring `me=`, the value and a `&`); it can stop after those 13 (a name that starts
 * like A's: the documented residual).
 * - Values are spelled so that an escape crosses a block boundary only where the seam cannot become a NUL,
 *   a control character or a bracket in a name (see layout.ts): a lucky block after a run that ends in
 *   `%` could otherwise complete `%00` and cut a name that the run's text spelled.
 *
 * `request_time` cannot be protected this way: `&request_time=` fits into one chosen block, and a user
 * whose editable text spans a block boundary continues it with a date of his own. See docs/printlounge.md.
 */

const BLOCK = 16;
const TARGETS = ['customer_user_name', 'request_time'];

/** A field as the pairs PHP's http_build_query writes: `[url-encoded name, decoded name, value]`. */
function pairsOf(name: string, value: unknown, out: Array<[string, string, string]>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object') {
    for (const [key, inner] of Object.entries(value as Record<string, QueryValue>)) {
      if (inner === null || inner === undefined) continue;
      out.push([
        `${phpUrlencode(name)}%5B${phpUrlencode(key)}%5D`,
        `${name}[${key}]`,
        phpScalarToString(`${name}[${key}]`, inner),
      ]);
    }
    return;
  }
  out.push([phpUrlencode(name), name, phpScalarToString(name, value as NonNullable<QueryValue>)]);
}

/**
 * Whether the name part after a block boundary (from `key[cut]` up to the `=`) could end a forged name
 * that parse_str reads as a target: a cut inside an escape, or a tail of a target (the empty one too).
 */
function dangerousTail(encodedKey: string, cut: number): boolean {
  if (encodedKey.slice(Math.max(0, cut - 2), cut).includes('%')) return true;
  const tail = phpUrldecode(encodedKey.slice(cut)) ?? '';
  const rewritten = tail.replace(/[ .]/g, '_');
  return TARGETS.some((target) => target.endsWith(rewritten));
}

/** Every piece of a target name (after parse_str's rewriting) that a block's text could be. */
const TARGET_PIECES = new Set<string>();
for (const target of TARGETS) {
  for (let i = 0; i < target.length; i++)
    for (let j = i; j <= target.length; j++) TARGET_PIECES.add(target.slice(i, j));
}
const NOT_A_PIECE = '!';

/** A block's text as a name would read it, one more decoded byte on: a piece of a target, or not. */
function extendPiece(piece: string, byte: number): string {
  if (piece === NOT_A_PIECE) return piece;
  const ch = byte === 0x20 || byte === 0x2e || byte === 0x5b ? '_' : String.fromCharCode(byte);
  const next = piece + ch;
  return TARGET_PIECES.has(next) ? next : NOT_A_PIECE;
}

/** A block whose whole text reads as the end of a target name: a chosen block before, three lucky bytes after. */
function endsLikeTarget(piece: string): boolean {
  return piece !== NOT_A_PIECE && piece !== '' && TARGETS.some((target) => target.endsWith(piece));
}

/** Whether plain urlencode keeps the rules of {@link seamSafeSpelling} (the common case). */
function plainFits(bytes: Uint8Array, first: number, bindFirstBlock: boolean): boolean {
  let offset = first;
  let piece = first === 0 ? '' : NOT_A_PIECE;
  let foreign = first !== 0;
  let past = false;
  for (const b of bytes) {
    if (PLAIN[b] === 1 || offset + 3 <= BLOCK) {
      const length = PLAIN[b] === 1 ? 1 : 3;
      piece = extendPiece(piece, b);
      foreign ||= FOREIGN[b] === 1 && b !== 0x20;
      offset += length;
      if (offset === BLOCK) {
        if (endsLikeTarget(piece)) return false;
        offset = 0;
        piece = '';
        foreign = false;
        past = true;
      }
      continue;
    }
    const h = b >> 4;
    if ((!past && bindFirstBlock) || !(foreign || (offset === BLOCK - 2 && h >= 2 && h !== 5))) return false;
    offset += 3 - BLOCK;
    piece = NOT_A_PIECE;
    foreign = false;
    past = true;
  }
  return true;
}

interface SpellState {
  offset: number;
  /** Past the block the value starts in. */
  past: boolean;
  /** This block already holds a byte no field name has (or its field's '='). */
  foreign: boolean;
  /** This block's text so far, as a name reads it, while it is a piece of a target. */
  piece: string;
  cost: number;
  previous: SpellState | undefined;
  escaped: boolean;
}

/**
 * The spelling of a v2 value that starts at byte `start` of the payload, with the fewest seams inside an
 * escape, then the fewest extra escapes, such that
 * - an escape crosses a block boundary only as `%h|h` with h ≥ 2 and h ≠ 5 (the seam cannot become a NUL,
 *   a control character or a bracket), or after a byte that no field name holds in that block, and never
 *   in the block the user name's value starts in;
 * - no block wholly inside the value reads, as a name, like the end of a target (`stomer_user_name`, also
 *   spelt `stomer.user[name`): a chosen block before it and three bytes after (`=x&`) would make a name.
 * `undefined` when no spelling does.
 */
function seamSafeSpelling(value: string, start: number, bindFirstBlock: boolean): string | undefined {
  const bytes = utf8(value);
  const first = start % BLOCK;
  const startsBlock = first === 0;
  if (plainFits(bytes, first, bindFirstBlock)) return spell(bytes, undefined);
  let layer = new Map<string, SpellState>();
  const initial: SpellState = {
    offset: first,
    past: false,
    foreign: !startsBlock,
    piece: startsBlock ? '' : NOT_A_PIECE,
    cost: 0,
    previous: undefined,
    escaped: false,
  };
  layer.set('', initial);
  for (const b of bytes) {
    const next = new Map<string, SpellState>();
    const offer = (state: SpellState) => {
      const id = `${state.offset}|${state.past}|${state.foreign}|${state.piece}`;
      const known = next.get(id);
      if (!known || state.cost < known.cost) next.set(id, state);
    };
    for (const from of layer.values()) {
      const step = (length: number, add: number, escaped: boolean) => {
        const end = from.offset + length;
        const decoded = b === 0x20 && !escaped ? 0x20 : b;
        if (end <= BLOCK) {
          const piece = extendPiece(from.piece, decoded);
          const foreign = from.foreign || FOREIGN[decoded] === 1;
          if (end === BLOCK) {
            // The block is complete: it must not read like the end of a target.
            if ((from.past || startsBlock) && endsLikeTarget(piece)) return;
            offer({ offset: 0, past: true, foreign: false, piece: '', cost: from.cost + add, previous: from, escaped });
          } else
            offer({ offset: end, past: from.past, foreign, piece, cost: from.cost + add, previous: from, escaped });
          return;
        }
        // An escape across the boundary. The new block starts with its last hex digit(s): no name piece.
        if (!from.past && bindFirstBlock) return;
        const h = b >> 4;
        if (!(from.foreign || (from.offset === BLOCK - 2 && h >= 2 && h !== 5))) return;
        offer({
          offset: end - BLOCK,
          past: true,
          foreign: false,
          piece: NOT_A_PIECE,
          cost: from.cost + add + 10_000,
          previous: from,
          escaped,
        });
      };
      if (PLAIN[b] === 1) step(1, 0, false);
      step(3, PLAIN[b] === 1 ? 2 : 0, true);
    }
    layer = next;
  }
  let best: SpellState | undefined;
  for (const state of layer.values()) if (!best || state.cost < best.cost) best = state;
  if (!best) return undefined;
  const forced = new Uint8Array(bytes.length);
  let state: SpellState | undefined = best;
  for (let i = bytes.length - 1; i >= 0 && state; i--, state = state.previous)
    forced[i] = state.escaped && PLAIN[bytes[i]!] === 1 ? 1 : 0;
  return spell(bytes, forced);
}

const leads = new Map<string, number>();

/** How many `&` to put before a field that would start at `at`, so that its name falls well (see above). */
function leadFor(at: number, encodedKey: string, decodedName: string): number {
  const id = `${at % BLOCK}|${encodedKey}`;
  let lead = leads.get(id);
  if (lead === undefined) {
    lead = findLead(at, encodedKey, decodedName);
    if (leads.size < 10_000) leads.set(id, lead); // names come from the vendor's table and settings keys
  }
  return lead;
}

function findLead(at: number, encodedKey: string, decodedName: string): number {
  const length = encodedKey.length + 1; // with '='
  for (let lead = 0; lead < BLOCK; lead++) {
    const offset = (at + lead) % BLOCK;
    if (decodedName === 'customer_user_name') {
      // The name starts a block, so `me=` and the value's first 13 bytes share the next: a run cannot stop
      // between the name and its value, and what a lucky block would have to add there is five bytes.
      if (offset === 0) return lead;
      continue;
    }
    let fits = true;
    for (let cut = BLOCK - offset; cut < length; cut += BLOCK) {
      if (dangerousTail(encodedKey, cut)) fits = false;
    }
    if (fits) return lead;
  }
  throw new PrintLoungeError('invalid_field', `Field name ${decodedName} cannot be placed splice-safely.`, {
    field: decodedName,
    rule: 'layout',
  });
}

/**
 * @internal The splice-resistant SSO v2 payload for validated fields in their order (nested records as
 * `name[key]`): see the comment at the top. `parse_str` reads the same fields as from `http_build_query`.
 */
export function alignedSsoQuery(fields: Readonly<Record<string, unknown>>): string {
  const pairs: Array<[string, string, string]> = [];
  for (const [name, value] of Object.entries(fields)) pairsOf(name, value, pairs);
  let out = '';
  for (const [encodedKey, decodedName, value] of pairs) {
    const separator = out === '' ? 0 : 1;
    const lead = separator + leadFor(out.length + separator, encodedKey, decodedName);
    out += `${'&'.repeat(lead)}${encodedKey}=`;
    const spelled = seamSafeSpelling(value, out.length, decodedName === 'customer_user_name');
    if (spelled === undefined) {
      throw new PrintLoungeError(
        'invalid_field',
        `Field ${decodedName} cannot be laid out splice-safely: it holds a long run of characters that all need %-escapes.`,
        { field: decodedName, rule: 'layout' },
      );
    }
    out += spelled;
  }
  return out;
}
