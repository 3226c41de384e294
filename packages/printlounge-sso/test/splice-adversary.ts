/**
 * The adversary of the splice tests (test/splice-v1.test.ts, test/splice-v2.test.ts): a model of PHP's
 * `parse_str` small enough to search every sequence of known plaintext blocks, and a concrete twin of it
 * that the tests check against real PHP (test/splice-judge.php).
 *
 * Threat: user A asks the app for links as often as he likes and controls the fields the app lets him edit.
 * He knows each link's plaintext (the layout is public, the values are his, valid_to is the clock), so he
 * knows which 32-byte (v1) or 16-byte (v2) plaintext block every ciphertext block stands for. He wins when
 * some arrangement of blocks decrypts to something PHP's `parse_str` reads as
 * - `customer_user_name` = another valid user name, with a time field the shop would accept (a forgery), or
 * - his own name with a time field later than any genuine link's (an extension).
 * Names that start with what the layout puts beside `customer_user_name=` in its first block are reported
 * apart (the "residual": no sender can prevent those, see docs/printlounge.md).
 *
 * The search runs on abstract parser states: everything PHP remembers about the piece being read that can
 * still matter for the two target fields (the rewritten key prefix while it can still become a target, the
 * class of a name value, the text of a time value). From every reachable (state, outcome so far) it tries
 * every block, so the search covers sequences of any length over the pool, with no bound but the pool.
 */

/** The field names the adversary is after. */
export interface SpliceTargets {
  /** `customer_user_name`. */
  readonly name: string;
  /** `valid_to` (v1) or `request_time` (v2). */
  readonly time: string;
}

/** What the judge needs about user A and his genuine links. */
export interface SpliceContext {
  readonly targets: SpliceTargets;
  /** A's own user name. */
  readonly ownName: string;
  /**
   * The residual prefix: what the layout puts beside `customer_user_name=` in the name's first block when
   * the name goes on past it ('' when the whole name fits there, or for layouts that bind nothing).
   */
  readonly residual: string;
  /** The time values of A's genuine links, as sent. */
  readonly genuineTimes: ReadonlySet<string>;
  /** v1: the numeric judgement of `valid_to` (the shop's clock, and the latest genuine `valid_to`). */
  readonly now?: bigint;
  readonly latestGenuine?: bigint;
}

// Outcome letters. Name: '-' none, 'A' A's own, 'F' another valid name, 'R' residual, 'X' invalid/empty.
// Time: '-' none, 'G' accepted but not later than genuine, 'E' later than any genuine, 'X' refused,
// '?' not decided here (PHP decides: loose comparisons, date parsing).
type NameOutcome = '-' | 'A' | 'F' | 'R' | 'X';
type TimeOutcome = '-' | 'G' | 'E' | 'X' | '?';

const NAME_CHAR = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.@-') NAME_CHAR[c.charCodeAt(0)] = 1;
const MAX_NAME = 50;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Time text → outcome, as far as this model decides it. */
function timeOutcome(ctx: SpliceContext, text: string | undefined): TimeOutcome {
  if (text === undefined) return '?';
  if (text === '') return 'X';
  if (ctx.now === undefined || ctx.latestGenuine === undefined) return ctx.genuineTimes.has(text) ? 'G' : '?';
  if (/^\d{1,30}$/.test(text)) {
    const t = BigInt(text);
    if (t > ctx.latestGenuine) return 'E';
    return t >= ctx.now ? 'G' : 'X';
  }
  return '?';
}

/** A parser state while it is being worked on; {@link ParserModel} keeps them as strings (see there). */
interface Cursor {
  kind: string;
  /** K: rewritten key so far. T: time text so far. */
  text: string;
  /** K: a `[` was seen (so a `]` makes an array of a non-target). */
  bracket: boolean;
  /** B, Y, F: the target ('n' or 't'). N: the class. */
  tag: string;
  /** N: value length so far. */
  len: number;
  /** Pending escape: '', '%' or '%h'. */
  pend: string;
}

type Piece = ['n', NameOutcome] | ['t', TimeOutcome];

/**
 * The abstract parser. States are interned strings:
 * - `D`: the current piece cannot set a target to a string (wait for `&`); `E`: parsing ended (raw NUL).
 * - `K<rw>|<br>|<pend>`: reading a key; rw = the decoded, rewritten key so far (leading spaces dropped,
 *   ` ` `.` and an unclosed `[` as `_`), always a prefix of a target; br = 1 once a `[` was seen.
 * - `F<t>`: a key cut by a NUL to exactly target t; its value follows at `=`.
 * - `B<t>|<pend>`: a key "target[…" not closed yet; `Y<t>`: closed — PHP makes the target an array.
 * - `N<cls>|<len>|<pend>`: reading a name value: cls `p` (= A's first len bytes), `r` (starts with the
 *   residual, differs from A), `f` (any other valid prefix), `x` (already invalid).
 * - `T<text>|<pend>` / `T?`: reading a time value: its text while that is a prefix of a genuine one, else
 *   `T?` — undecided here (PHP's loose comparisons and date parsing decide), so counted as a candidate.
 */
export class ParserModel {
  readonly start = 'K|0|';
  private readonly targetNames: string[];
  private readonly genuineTimes: string[];

  constructor(private readonly ctx: SpliceContext) {
    this.targetNames = [ctx.targets.name, ctx.targets.time];
    this.genuineTimes = [...ctx.genuineTimes];
  }

  private targetOf(rw: string): string {
    if (rw === this.ctx.targets.name) return 'n';
    if (rw === this.ctx.targets.time) return 't';
    return '';
  }

  private read(state: string): Cursor {
    const c: Cursor = { kind: state[0]!, text: '', bracket: false, tag: '', len: 0, pend: '' };
    const bar = state.lastIndexOf('|');
    switch (c.kind) {
      case 'K': {
        const first = state.indexOf('|');
        c.text = state.slice(1, first);
        c.bracket = state[first + 1] === '1';
        c.pend = state.slice(bar + 1);
        break;
      }
      case 'B':
        c.tag = state[1]!;
        c.pend = state.slice(bar + 1);
        break;
      case 'F':
      case 'Y':
        c.tag = state[1]!;
        break;
      case 'N':
        c.tag = state[1]!;
        c.len = Number(state.slice(3, bar));
        c.pend = state.slice(bar + 1);
        break;
      case 'T':
        if (state === 'T?') c.tag = '?';
        else {
          c.text = state.slice(1, bar);
          c.pend = state.slice(bar + 1);
        }
        break;
    }
    return c;
  }

  private write(c: Cursor): string {
    switch (c.kind) {
      case 'K':
        return `K${c.text}|${c.bracket ? 1 : 0}|${c.pend}`;
      case 'B':
        return `B${c.tag}|${c.pend}`;
      case 'F':
      case 'Y':
        return c.kind + c.tag;
      case 'N':
        return c.tag === 'x' ? 'Nx|0|' : `N${c.tag}|${c.len}|${c.pend}`;
      case 'T':
        return c.tag === '?' ? 'T?' : `T${c.text}|${c.pend}`;
      default:
        return c.kind;
    }
  }

  private become(c: Cursor, kind: string, tag = ''): void {
    c.kind = kind;
    c.tag = tag;
    c.text = '';
    c.len = 0;
    c.pend = '';
    c.bracket = false;
  }

  private startValue(c: Cursor, target: string): void {
    if (target === 'n') this.become(c, 'N', 'p');
    else this.become(c, 'T');
  }

  /** One decoded key byte (PHP cuts the name at a NUL before it looks for brackets). */
  private keyByte(c: Cursor, b: number): void {
    if (c.kind === 'B') {
      if (b === 0)
        this.become(c, 'D'); // "target[…" cut unclosed: the name is "target_…", not a target
      else if (b === 0x5d) this.become(c, 'Y', c.tag);
      return;
    }
    if (b === 0) {
      const t = this.targetOf(c.text);
      if (t === '') this.become(c, 'D');
      else this.become(c, 'F', t);
      return;
    }
    if (c.text === '' && b === 0x20) return; // leading spaces are dropped
    let ch: string;
    if (b === 0x20 || b === 0x2e) ch = '_';
    else if (b === 0x5b) {
      if (!c.bracket) {
        if (c.text === '') {
          this.become(c, 'D'); // PHP drops a name that starts with '['
          return;
        }
        const t = this.targetOf(c.text);
        if (t !== '') {
          this.become(c, 'B', t);
          return;
        }
        c.bracket = true; // unclosed so far, so '_'; a later ']' makes an array of a non-target
      }
      ch = '_';
    } else if (b === 0x5d && c.bracket) {
      this.become(c, 'D');
      return;
    } else ch = String.fromCharCode(b);
    c.text += ch;
    for (const target of this.targetNames) if (target.startsWith(c.text)) return;
    this.become(c, 'D');
  }

  private nameByte(c: Cursor, b: number): void {
    if (c.tag === 'x') return;
    if (NAME_CHAR[b] !== 1 || c.len >= MAX_NAME) {
      c.tag = 'x';
      return;
    }
    if (c.tag === 'p' && !(c.len < this.ctx.ownName.length && this.ctx.ownName.charCodeAt(c.len) === b)) {
      c.tag = this.ctx.residual !== '' && c.len >= this.ctx.residual.length ? 'r' : 'f';
    }
    c.len++;
  }

  private timeByte(c: Cursor, b: number): void {
    if (c.tag === '?') return;
    c.text += String.fromCharCode(b);
    for (const genuine of this.genuineTimes) if (genuine.startsWith(c.text)) return;
    c.tag = '?';
    c.text = '';
  }

  private decodedByte(c: Cursor, b: number): void {
    if (c.kind === 'K' || c.kind === 'B') this.keyByte(c, b);
    else if (c.kind === 'N') this.nameByte(c, b);
    else if (c.kind === 'T') this.timeByte(c, b);
  }

  /** A raw byte that is not '&', '=' or NUL, through PHP's urldecode. */
  private rawByte(c: Cursor, x: number): void {
    const pend = c.pend;
    if (pend === '') {
      if (x === 0x25) c.pend = '%';
      else this.decodedByte(c, x === 0x2b ? 0x20 : x);
      return;
    }
    if (pend === '%') {
      if (hexValue(x) >= 0) {
        c.pend = `%${String.fromCharCode(x)}`;
        return;
      }
      c.pend = '';
      this.decodedByte(c, 0x25);
      if (c.pend === '' && 'KBNT'.includes(c.kind)) this.rawByte(c, x);
      return;
    }
    const h = pend.charCodeAt(1);
    c.pend = '';
    if (hexValue(x) >= 0) {
      this.decodedByte(c, (hexValue(h) << 4) | hexValue(x));
      return;
    }
    this.decodedByte(c, 0x25);
    if ('KBNT'.includes(c.kind)) this.decodedByte(c, h);
    if ('KBNT'.includes(c.kind)) this.rawByte(c, x);
  }

  /** Settles a pending escape as literal characters (end of a name or of a piece). */
  private settle(c: Cursor): void {
    const pend = c.pend;
    c.pend = '';
    for (let i = 0; i < pend.length && 'KBNT'.includes(c.kind); i++) this.decodedByte(c, pend.charCodeAt(i));
  }

  /** What the piece being read sets when it ends here (settling a pending escape), if a target. */
  private endPiece(c: Cursor): Piece | undefined {
    this.settle(c);
    switch (c.kind) {
      case 'K': {
        const t = this.targetOf(c.text);
        return t === 'n' ? ['n', 'X'] : t === 't' ? ['t', 'X'] : undefined;
      }
      case 'F':
      case 'Y':
        return c.tag === 'n' ? ['n', 'X'] : ['t', 'X'];
      case 'N':
        return ['n', this.nameValueOutcome(c.tag, c.len)];
      case 'T':
        return ['t', c.tag === '?' ? '?' : timeOutcome(this.ctx, c.text)];
      default:
        return undefined;
    }
  }

  private nameValueOutcome(cls: string, len: number): NameOutcome {
    const { ownName, residual } = this.ctx;
    if (cls === 'x' || len === 0) return 'X';
    if (cls === 'p') {
      if (len === ownName.length) return 'A';
      return residual !== '' && len >= residual.length ? 'R' : 'F';
    }
    return cls === 'r' ? 'R' : 'F';
  }

  /** The outcome letter a piece ending in `state` gives its target, or undefined when it sets none. */
  pieceEnd(state: string): Piece | undefined {
    return this.endPiece(this.read(state));
  }

  /**
   * Feeds raw bytes from `from`; returns the new state and appends the outcome letters of the pieces that
   * ended. `stopWhenDead`: return at the first position where the state is `D` (with that index).
   */
  feed(
    state: string,
    text: string,
    from: number,
    emitted: Piece[],
    stopWhenDead = false,
  ): { state: string; at: number } {
    const c = this.read(state);
    for (let i = from; i < text.length; i++) {
      if (c.kind === 'E') return { state: 'E', at: text.length };
      if (c.kind === 'D' && stopWhenDead) return { state: 'D', at: i };
      const x = text.charCodeAt(i);
      if (x === 0x26 || x === 0) {
        const end = this.endPiece(c);
        if (end) emitted.push(end);
        this.become(c, x === 0 ? 'E' : 'K');
        continue;
      }
      switch (c.kind) {
        case 'D':
        case 'Y':
          continue; // nothing but '&' or NUL matters any more
        case 'F':
          if (x === 0x3d) this.startValue(c, c.tag);
          continue; // the rest of a NUL-cut key does not matter
        case 'K':
        case 'B':
          if (x === 0x3d) {
            this.settle(c); // a pending '%' is no target character: K may die, B stays B
            const t = c.kind === 'K' ? this.targetOf(c.text) : '';
            if (t === '')
              this.become(c, 'D'); // also "target[…" never closed: "target_…"
            else this.startValue(c, t);
            continue;
          }
          this.rawByte(c, x);
          continue;
        default: // N, T: '=' is a literal character in a value
          this.rawByte(c, x);
      }
    }
    return { state: c.kind === 'E' ? 'E' : this.write(c), at: text.length };
  }
}

/** Applies outcome letters to an outcome pair (later pieces win, as in PHP). */
function applyOutcomes(outcome: string, emitted: readonly Piece[]): string {
  let name = outcome[0]!;
  let time = outcome[1]!;
  for (const [target, letter] of emitted) {
    if (target === 'n') name = letter;
    else time = letter;
  }
  return name + time;
}

/** What an outcome pair means: a forgery, an extension, the residual, or nothing. */
export function verdictOf(outcome: string): 'forgery' | 'extension' | 'residual' | undefined {
  const [name, time] = [outcome[0], outcome[1]];
  const accepted = time === 'G' || time === 'E' || time === '?';
  if (name === 'F' && accepted) return 'forgery';
  if (name === 'A' && (time === 'E' || time === '?')) return 'extension';
  if (name === 'R' && accepted) return 'residual';
  return undefined;
}

/** A candidate the search found: the block sequence (indices into the pool) and what the model expects. */
export interface SpliceCandidate {
  blocks: number[];
  verdict: 'forgery' | 'extension' | 'residual';
  outcome: string;
}

/** Result of {@link searchEcb}. */
export interface EcbSearchResult {
  candidates: SpliceCandidate[];
  /** (parser state, outcome so far) nodes reached. */
  nodes: number;
  /** Distinct abstract parser states reached. */
  states: number;
  stateList: string[];
  /** Blocks appended to a parser state (every reachable state × every block). */
  transitions: number;
  /** Node extensions (every node × every distinct effect a block has on its state). */
  extensions: number;
}

type Emitted = Piece[];

const OUTCOMES: string[] = [];
for (const n of '-AFRX') for (const t of '-GEX?') OUTCOMES.push(n + t);
const OUTCOME_CODE = new Map(OUTCOMES.map((o, i) => [o, i]));

/**
 * Every arrangement of `blocks` (any length, blocks reused at will — ECB): returns up to `limit` candidates
 * of each verdict, shortest first.
 */
export function searchEcb(model: ParserModel, blocks: readonly string[], limit = 20): EcbSearchResult {
  const states: string[] = [];
  const stateIds = new Map<string, number>();
  const intern = (state: string): number => {
    let id = stateIds.get(state);
    if (id === undefined) {
      id = states.length;
      states.push(state);
      stateIds.set(state, id);
    }
    return id;
  };
  const n = blocks.length;
  // Per block: where the first '&' or NUL is, and what the rest of the block does from there.
  const firstStop: number[] = [];
  const afterStop: Array<{ state: number; emitted: Emitted }> = [];
  for (const block of blocks) {
    let stop = -1;
    for (let i = 0; i < block.length; i++) {
      const c = block.charCodeAt(i);
      if (c === 0x26 || c === 0) {
        stop = i;
        break;
      }
    }
    firstStop.push(stop);
    const emitted: Emitted = [];
    if (stop === -1) afterStop.push({ state: intern('D'), emitted });
    else if (block.charCodeAt(stop) === 0) afterStop.push({ state: intern('E'), emitted });
    else afterStop.push({ state: intern(model.feed(model.start, block, stop + 1, emitted).state), emitted });
  }
  const stepBlock = (state: string, b: number): { state: number; emitted: Emitted } => {
    const block = blocks[b]!;
    if (state === 'E') return { state: intern('E'), emitted: [] };
    const emitted: Emitted = [];
    const fed = model.feed(state, block, 0, emitted, true);
    if (fed.state !== 'D' || fed.at >= block.length) return { state: intern(fed.state), emitted };
    // Dead inside the block: this piece sets nothing; what follows the next stop is fixed per block.
    const stop = firstStop[b]!;
    if (stop === -1) return { state: intern('D'), emitted };
    if (stop >= fed.at) return { state: afterStop[b]!.state, emitted: [...emitted, ...afterStop[b]!.emitted] };
    return { state: intern(model.feed('D', block, fed.at, emitted).state), emitted };
  };
  // Per state: the distinct effects of appending one block (most blocks act alike), with one block for each.
  const effects = new Map<number, Array<{ state: number; emitted: Emitted; block: number }>>();
  let transitions = 0;
  const effectsOf = (stateId: number) => {
    let list = effects.get(stateId);
    if (list) return list;
    const seen = new Map<string, { state: number; emitted: Emitted; block: number }>();
    const state = states[stateId]!;
    for (let b = 0; b < n; b++) {
      transitions++;
      const t = stepBlock(state, b);
      const key = `${t.state}:${t.emitted.map((e) => e.join('')).join(',')}`;
      if (!seen.has(key)) seen.set(key, { ...t, block: b });
    }
    list = [...seen.values()];
    effects.set(stateId, list);
    return list;
  };

  const outcomeCount = OUTCOMES.length;
  // What a piece left open at the end does, per state; how each effect maps each outcome (as codes).
  const endOutcome = new Map<number, number[]>();
  const finalOutcomes = (stateId: number): number[] => {
    let table = endOutcome.get(stateId);
    if (!table) {
      const end = model.pieceEnd(states[stateId]!);
      table = OUTCOMES.map((o) => OUTCOME_CODE.get(end ? applyOutcomes(o, [end]) : o)!);
      endOutcome.set(stateId, table);
    }
    return table;
  };
  const effectTables = new WeakMap<Emitted, number[]>();
  const applyCode = (emitted: Emitted, code: number): number => {
    if (emitted.length === 0) return code;
    let table = effectTables.get(emitted);
    if (!table) {
      table = OUTCOMES.map((o) => OUTCOME_CODE.get(applyOutcomes(o, emitted))!);
      effectTables.set(emitted, table);
    }
    return table[code]!;
  };
  const parent = new Map<number, [number, number] | null>();
  const startNode = intern(model.start) * outcomeCount + OUTCOME_CODE.get('--')!;
  parent.set(startNode, null);
  let frontier = [startNode];
  const found: Record<string, SpliceCandidate[]> = { forgery: [], extension: [], residual: [] };
  const pathOf = (node: number): number[] => {
    const path: number[] = [];
    for (let p = parent.get(node); p; p = parent.get(p[0])) path.push(p[1]);
    return path.reverse();
  };
  let sequences = 0;
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const node of frontier) {
      const stateId = Math.floor(node / outcomeCount);
      const code = node % outcomeCount;
      for (const t of effectsOf(stateId)) {
        sequences++;
        const childCode = applyCode(t.emitted, code);
        const child = t.state * outcomeCount + childCode;
        if (parent.has(child)) continue;
        parent.set(child, [node, t.block]);
        next.push(child);
        const final = OUTCOMES[finalOutcomes(t.state)[childCode]!]!;
        const verdict = verdictOf(final);
        if (verdict && found[verdict]!.length < limit) {
          found[verdict]!.push({ blocks: pathOf(child), verdict, outcome: final });
        }
      }
    }
    frontier = next;
  }
  return {
    candidates: [...found.forgery!, ...found.extension!, ...found.residual!],
    nodes: parent.size,
    states: states.length,
    stateList: states,
    transitions,
    extensions: sequences,
  };
}

/** The model's outcome pair after feeding a whole plaintext (for the model-vs-concrete cross-check). */
export function modelOutcome(model: ParserModel, plaintext: string): string {
  const emitted: Emitted = [];
  const { state } = model.feed(model.start, plaintext, 0, emitted);
  const end = model.pieceEnd(state);
  if (end) emitted.push(end);
  return applyOutcomes('--', emitted);
}

// ---------------------------------------------------------------------------------------------------------
// CBC (v2): runs of genuine blocks, joined by blocks the attacker chooses or finds.

/** One of A's v2 links as the adversary knows it: its plaintext blocks (16 bytes; the last without padding). */
export interface CbcLink {
  blocks: readonly string[];
  /** The padding bytes cut from the last block: they are plaintext when more blocks follow it. */
  padding: string;
}

/** How many bytes of a pseudo-random block the attacker gets right: offline (`known`), by luck online (`random`). */
export interface CbcBudget {
  /** A genuine block after a foreign predecessor: known pseudo-random bytes; searching finds this many right. */
  known: number;
  /** The block before a chosen one: random and unseen; this many right by luck (2^-8 each per attempt). */
  random: number;
}

/** A step of a CBC forgery. Byte lists give the attacker's bytes; -1 stands for a byte he does not control. */
export type CbcMove =
  | { kind: 'run'; block: number }
  | { kind: 'known'; bytes: number[] }
  | { kind: 'chosen'; random: number[]; chosen: number[] }
  | { kind: 'chosen-end'; random: number[]; chosen: number[] };

/** A CBC candidate: the moves, and the verdict the model expects. */
export interface CbcCandidate {
  moves: CbcMove[];
  verdict: 'forgery' | 'extension' | 'residual';
  outcome: string;
}

/** Result of {@link searchCbc}. */
export interface CbcSearchResult {
  candidates: CbcCandidate[];
  nodes: number;
  /** Blocks fed to a parser state: run blocks, plus every byte choice inside chosen and pseudo-random blocks. */
  transitions: number;
}

const JUNK = 0xff; // a byte the attacker does not control: in the model, a byte that is nothing special
// Bytes that can matter to parse_str and the targets, standing for all others of their kind.
// Letters that occur in no target name and are no hex digit act alike: one of each case stands for all.
const ALPHABET: number[] = [...'&=%+ .[]_-@!:', ...'0123456789ABCDEFabcdef', ...'umsortniqTxG']
  .map((c) => c.charCodeAt(0))
  .concat([0, JUNK]);

const HEX_DIGITS = '0123456789ABCDEFabcdef';
const B16 = 16;
/** Tokens of a freely chosen block (see `freeBlock` in {@link searchCbc}). */
const FREE_TOKENS: number[][] = [
  // bytes
  ...[...'&=+ .[]_-@!:0123456789TGx', ...'customer_user_name', ...'request_time'].map((c) => [c.charCodeAt(0)]),
  [0],
  [JUNK],
  // escapes of bytes that a raw byte cannot stand for: a NUL that does not end the input, literal '&',
  // '=', '%', '+'
  ...[0, ...'&=%+'].map((c) => {
    const byte = typeof c === 'number' ? c : c.charCodeAt(0);
    return [0x25, HEX_DIGITS.charCodeAt(byte >> 4), HEX_DIGITS.charCodeAt(byte & 15)];
  }),
  // a half escape, only as the last token
  [0x25],
  ...[...HEX_DIGITS].map((h) => [0x25, h.charCodeAt(0)]),
].filter((token, i, all) => all.findIndex((t) => t.join() === token.join()) === i);

/**
 * Every forgery over A's v2 links with the given luck (see test/splice-v2.test.ts for the attack model):
 * runs of genuine blocks (a run starts at a link's first block, or at any later block right after a
 * chosen or a pseudo-random block), chosen blocks (each preceded by a random one), pseudo-random known
 * blocks, and the end (a link's last block, or a chosen last block with its padding).
 */
export function searchCbc(
  model: ParserModel,
  links: readonly CbcLink[],
  budget: CbcBudget,
  limit = 20,
): CbcSearchResult {
  type Step = { state: string; emitted: Emitted };
  let transitions = 0;
  const byteCache = new Map<string, Array<Step | undefined>>();
  const byteStep = (state: string, byte: number): Step => {
    let row = byteCache.get(state);
    if (!row) {
      row = new Array<Step | undefined>(256);
      byteCache.set(state, row);
    }
    let step = row[byte];
    if (!step) {
      const emitted: Emitted = [];
      step = { state: model.feed(state, String.fromCharCode(byte), 0, emitted).state, emitted };
      row[byte] = step;
    }
    return step;
  };
  const summarize = (summary: string, emitted: Emitted) => {
    let name = summary[0]!;
    let time = summary[1]!;
    for (const [target, letter] of emitted) {
      if (target === 'n') name = letter;
      else time = letter;
    }
    return name + time;
  };
  /**
   * States after a block of `length` bytes the attacker does not control, but for at most `lucky` of them.
   * Only blocks with the lucky bytes at the start and at the end are tried: a lucky byte between
   * uncontrolled ones meets a piece that those already spoiled (a dead name, an invalid value, …), so it
   * can do no more there than at the end.
   */
  type Fuzzy = { state: string; summary: string; bytes: number[] };
  const fuzzyCache = new Map<string, Fuzzy[]>();
  const chooseBytes = (from: Fuzzy[], count: number): Fuzzy[] => {
    let layer = from;
    for (let i = 0; i < count; i++) {
      const next = new Map<string, Fuzzy>();
      for (const entry of layer) {
        for (const byte of ALPHABET) {
          transitions++;
          const step = byteStep(entry.state, byte);
          const summary = step.emitted.length === 0 ? entry.summary : summarize(entry.summary, step.emitted);
          const id = `${step.state}\u0001${summary}`;
          if (!next.has(id)) next.set(id, { state: step.state, summary, bytes: [...entry.bytes, byte] });
        }
      }
      layer = [...next.values()];
    }
    return layer;
  };
  const junkBytes = (entry: Fuzzy, count: number): Fuzzy => {
    let { state: current, summary } = entry;
    for (let i = 0; i < count; i++) {
      transitions++;
      const step = byteStep(current, JUNK);
      if (step.state === current && step.emitted.length === 0) break; // absorbing: the rest changes nothing
      current = step.state;
      if (step.emitted.length > 0) summary = summarize(summary, step.emitted);
    }
    return { state: current, summary, bytes: [...entry.bytes, ...new Array<number>(count).fill(JUNK)] };
  };
  const fuzzy = (state: string, length: number, lucky: number): Fuzzy[] => {
    const cacheKey = `${state}\u0000${length}\u0000${lucky}`;
    const cached = fuzzyCache.get(cacheKey);
    if (cached) return cached;
    const results = new Map<string, Fuzzy>();
    const start: Fuzzy = { state, summary: '..', bytes: [] };
    for (let head = 0; head <= lucky; head++) {
      const prefixes = chooseBytes([start], head);
      for (let tail = 0; head + tail <= lucky && head + tail <= length; tail++) {
        const middle = prefixes.map((p) => junkBytes(p, length - head - tail));
        for (const entry of chooseBytes(middle, tail)) {
          const id = `${entry.state}\u0001${entry.summary}`;
          if (!results.has(id)) results.set(id, entry);
        }
      }
    }
    const result = [...results.values()];
    fuzzyCache.set(cacheKey, result);
    return result;
  };
  const marks = (bytes: number[]) => bytes.map((b) => (b === JUNK ? -1 : b));
  type Chosen = { state: string; summary: string; random: number[]; chosen: number[] };
  /** Per state: what a random block and then a chosen one can lead to (one way to each), or end with. */
  const chosenCache = new Map<string, { next: Chosen[]; end: Chosen[] }>();
  const chosenAfter = (state: string) => {
    let entry = chosenCache.get(state);
    if (entry) return entry;
    const seen = new Map<string, Chosen>();
    const ends = new Map<string, Chosen>();
    for (const g of fuzzy(state, 16, budget.random)) {
      for (const k of freeBlock(g.state).full) {
        const summary = summarize(g.summary, summaryEmitted(k.summary));
        const id = `${k.state}\u0001${summary}`;
        if (!seen.has(id)) seen.set(id, { state: k.state, summary, random: marks(g.bytes), chosen: k.bytes });
      }
      for (const k of freeBlock(g.state).padded) {
        const end = model.pieceEnd(k.state);
        const summary = summarize(summarize(g.summary, summaryEmitted(k.summary)), end ? [end] : []);
        if (!ends.has(summary)) ends.set(summary, { state: 'E', summary, random: marks(g.bytes), chosen: k.bytes });
      }
    }
    entry = { next: [...seen.values()], end: [...ends.values()] };
    chosenCache.set(state, entry);
    return entry;
  };
  /**
   * States after a block of `length` bytes the attacker chooses freely. Explored token by token: a byte,
   * or a whole `%XX` escape of a byte that matters (a half escape only at the very end, where the next
   * block completes it), so no half-read escape multiplies the states inside the block.
   */
  type Free = { state: string; summary: string; bytes: number[] };
  const freeCache = new Map<string, { full: Free[]; padded: Free[] }>();
  /** `full`: 16 chosen bytes; `padded`: 15 (the last block, whose 16th byte is padding). */
  const freeBlock = (state: string) => {
    const cached = freeCache.get(state);
    if (cached) return cached;
    const layers: Array<Map<string, Free>> = Array.from({ length: B16 + 1 }, () => new Map());
    layers[0]!.set(`${state}\u0001..`, { state, summary: '..', bytes: [] });
    for (let used = 0; used < B16; used++) {
      for (const entry of layers[used]!.values()) {
        for (const token of FREE_TOKENS) {
          const end = used + token.length;
          if (end > B16) continue;
          if (token[0] === 0x25 && token.length < 3 && end !== B16 && end !== B16 - 1) continue;
          let current = entry.state;
          let summary = entry.summary;
          for (const byte of token) {
            transitions++;
            const step = byteStep(current, byte);
            current = step.state;
            if (step.emitted.length > 0) summary = summarize(summary, step.emitted);
          }
          const id = `${current}\u0001${summary}`;
          if (!layers[end]!.has(id))
            layers[end]!.set(id, { state: current, summary, bytes: [...entry.bytes, ...token] });
        }
      }
    }
    const result = { full: [...layers[B16]!.values()], padded: [...layers[B16 - 1]!.values()] };
    freeCache.set(state, result);
    return result;
  };
  const summaryEmitted = (summary: string): Emitted => {
    const out: Emitted = [];
    if (summary[0] !== '.') out.push(['n', summary[0] as NameOutcome]);
    if (summary[1] !== '.') out.push(['t', summary[1] as TimeOutcome]);
    return out;
  };

  // Genuine blocks: global ids; run starts deduplicated by the text from there to the link's end.
  const text: string[] = [];
  const next: number[] = [];
  const last: boolean[] = [];
  const padding: string[] = [];
  const firstBlocks: number[] = [];
  const laterBlocks: number[] = [];
  const seenSuffix = new Set<string>();
  for (const link of links) {
    const base = text.length;
    link.blocks.forEach((block, i) => {
      text.push(block);
      next.push(i + 1 < link.blocks.length ? base + i + 1 : -1);
      last.push(i + 1 === link.blocks.length);
      padding.push(i + 1 === link.blocks.length ? link.padding : '');
    });
    link.blocks.forEach((_, i) => {
      const suffix = `${i === 0 ? 'first' : 'later'}\u0000${link.blocks.slice(i).join('\u0001')}`;
      if (seenSuffix.has(suffix)) return;
      seenSuffix.add(suffix);
      (i === 0 ? firstBlocks : laterBlocks).push(base + i);
    });
  }
  const states: string[] = [];
  const stateIds = new Map<string, number>();
  const intern = (state: string): number => {
    let id = stateIds.get(state);
    if (id === undefined) {
      id = states.length;
      states.push(state);
      stateIds.set(state, id);
    }
    return id;
  };
  intern('D');
  const E = intern('E');
  const blockCount = text.length;
  // Per block: where its first '&' or NUL is and what the rest of the block does from there, so that a
  // piece that dies early in a block costs no more than finding that out.
  const afterStop = text.map((block) => {
    let stop = -1;
    for (let i = 0; i < block.length && stop === -1; i++) if (block[i] === '&' || block[i] === '\0') stop = i;
    const emitted: Emitted = [];
    if (stop === -1) return { stop, state: 'D', emitted };
    if (block[stop] === '\0') return { stop, state: 'E', emitted };
    return { stop, state: model.feed(model.start, block, stop + 1, emitted).state, emitted };
  });
  const blockCache = new Map<number, { state: number; emitted: Emitted }>();
  const feedBlock = (stateId: number, block: number) => {
    const cacheKey = stateId * blockCount + block;
    let step = blockCache.get(cacheKey);
    if (!step) {
      transitions++;
      const emitted: Emitted = [];
      const fed = model.feed(states[stateId]!, text[block]!, 0, emitted, true);
      const after = afterStop[block]!;
      if (fed.state !== 'D' || fed.at >= text[block]!.length) step = { state: intern(fed.state), emitted };
      else if (after.stop === -1) step = { state: intern('D'), emitted };
      else if (after.stop >= fed.at) step = { state: intern(after.state), emitted: [...emitted, ...after.emitted] };
      else step = { state: intern(model.feed('D', text[block]!, fed.at, emitted).state), emitted };
      blockCache.set(cacheKey, step);
    }
    return step;
  };
  /**
   * States a block the attacker does not control leaves as they are (dead pieces, invalid values, NUL-cut
   * keys…): from there, going on with the genuine run is no better than a chosen block and a run from
   * anywhere, so where such a state stands does not matter.
   */
  const absorbing = new Map<number, boolean>();
  const absorbs = (stateId: number): boolean => {
    let result = absorbing.get(stateId);
    if (result === undefined) {
      const step = byteStep(states[stateId]!, JUNK);
      result = stateId === E || (step.state === states[stateId] && step.emitted.length === 0);
      absorbing.set(stateId, result);
    }
    return result;
  };
  /**
   * Per state: what starting a run at each block does. Runs that leave an absorbing state are as good at
   * one block as at another, so those collapse to one effect each.
   */
  const runStarts = new Map<number, Array<{ state: number; emitted: Emitted; block: number }>>();
  const runStartsOf = (stateId: number, first: boolean) => {
    const cacheKey = stateId * 2 + (first ? 1 : 0);
    let list = runStarts.get(cacheKey);
    if (list) return list;
    const dead = new Map<string, { state: number; emitted: Emitted; block: number }>();
    list = [];
    const stateText = states[stateId]!;
    for (const block of first ? firstBlocks : laterBlocks) {
      // Most states die on a block's first byte; then only what follows its first stop matters.
      const head = byteStep(stateText, text[block]!.charCodeAt(0));
      const after = afterStop[block]!;
      const step =
        head.state === 'D' && head.emitted.length === 0
          ? after.stop === -1
            ? { state: intern('D'), emitted: head.emitted }
            : { state: intern(after.state), emitted: after.emitted }
          : feedBlock(stateId, block);
      if (absorbs(step.state)) {
        let id = String(step.state);
        for (const [target, letter] of step.emitted) id += target + letter;
        if (!dead.has(id)) dead.set(id, { ...step, block });
      } else list.push({ ...step, block });
    }
    list.push(...dead.values());
    runStarts.set(cacheKey, list);
    return list;
  };

  // Outcomes as codes; what a list of emitted pieces (or a summary) does to each, as a table.
  const emittedTables = new Map<string, Int8Array>();
  const tableOf = (emitted: Emitted): Int8Array => {
    let id = '';
    for (const [target, letter] of emitted) id += target + letter;
    let table = emittedTables.get(id);
    if (!table) {
      table = Int8Array.from(OUTCOMES, (o) => OUTCOME_CODE.get(applyOutcomes(o, emitted))!);
      emittedTables.set(id, table);
    }
    return table;
  };
  const summaryTables = new Map<string, Int8Array>();
  const summaryTable = (summary: string): Int8Array => {
    let table = summaryTables.get(summary);
    if (!table) {
      table = tableOf(summaryEmitted(summary));
      summaryTables.set(summary, table);
    }
    return table;
  };
  const endTables = new Map<number, Int8Array>();
  const endTable = (stateId: number): Int8Array => {
    let table = endTables.get(stateId);
    if (!table) {
      const end = model.pieceEnd(states[stateId]!);
      table = tableOf(end ? [end] : []);
      endTables.set(stateId, table);
    }
    return table;
  };
  /** Signatures (what a random or known block leaves behind) as small numbers. */
  const signatureIds = new Map<string, number>();
  const signatureStates: string[] = [];
  const signatureOf = (state: string, lucky: number, cache: Map<string, number>): number => {
    let id = cache.get(state);
    if (id === undefined) {
      const text = fuzzy(state, 16, lucky)
        .map((g) => `${g.state}\u0001${g.summary}`)
        .sort()
        .join('\u0002');
      id = signatureIds.get(text);
      if (id === undefined) {
        id = signatureStates.length;
        signatureStates.push(state);
        signatureIds.set(text, id);
      }
      cache.set(state, id);
    }
    return id;
  };

  // Nodes: a parser state and where we are — a genuine block id (its successor may follow exactly),
  // START (after a chosen or known block: a run may start at any later block) or INIT — each with the set
  // of outcomes so far it is reached with, as a bit mask, grown until nothing new arrives.
  const START = -1;
  const INIT = -2;
  const outcomeCount = OUTCOMES.length;
  type Node = { state: number; at: number; mask: number; pending: number; queued: boolean };
  const nodes = new Map<number, Node>();
  // How a node was first reached with an outcome: the node and outcome before, and the move (a block id,
  // or the bytes of a known or chosen block).
  type Parent = { node: number; code: number; block: number; entry: Fuzzy | Chosen | undefined };
  const parent = new Map<number, Parent>(); // by node × 32 + code
  // Up to `limit` candidates per final outcome (a forgery with a genuine time apart from one whose time
  // only PHP can judge), shortest first.
  const found = new Map<string, CbcCandidate[]>();
  const moveOf = (p: Parent): CbcMove => {
    if (p.entry === undefined) return { kind: 'run', block: p.block };
    if ('chosen' in p.entry) return { kind: 'chosen', random: p.entry.random, chosen: p.entry.chosen };
    return { kind: 'known', bytes: marks(p.entry.bytes) };
  };
  const movesOf = (node: number, code: number, finalMove?: CbcMove): CbcMove[] => {
    const moves: CbcMove[] = finalMove ? [finalMove] : [];
    for (let p = parent.get(node * 32 + code); p; p = parent.get(p.node * 32 + p.code)) moves.push(moveOf(p));
    return moves.reverse();
  };
  const record = (code: number, moves: () => CbcMove[]) => {
    const final = OUTCOMES[code]!;
    const verdict = verdictOf(final);
    if (!verdict) return;
    let list = found.get(final);
    if (!list) {
      list = [];
      found.set(final, list);
    }
    if (list.length < limit) list.push({ moves: moves(), verdict, outcome: final });
  };
  let queue: number[] = [];
  const reach = (
    from: number,
    fromCode: number,
    block: number,
    entry: Fuzzy | Chosen | undefined,
    state: number,
    code: number,
    at: number,
  ) => {
    // An absorbing state at a genuine block is as good as after a chosen block: runs may start anywhere.
    const where = at >= 0 && absorbs(state) ? START : at;
    const id = state * (blockCount + 2) + where + 2;
    let node = nodes.get(id);
    if (!node) {
      node = { state, at: where, mask: 0, pending: 0, queued: false };
      nodes.set(id, node);
    }
    const bit = 1 << code;
    if (node.mask & bit) return;
    node.mask |= bit;
    node.pending |= bit;
    if (from >= 0) parent.set(id * 32 + code, { node: from, code: fromCode, block, entry });
    if (!node.queued) {
      node.queued = true;
      queue.push(id);
    }
    // It may end here: at a link's last block, or (absorbing) with a chosen last block that keeps it.
    if (absorbs(state) || (where >= 0 && last[where])) record(endTable(state)[code]!, () => movesOf(id, code));
  };
  const randomSignatures = new Map<string, number>();
  const knownSignatures = new Map<string, number>();
  // Entries already expanded, per signature: the outcomes done (what they lead to depends on nothing else).
  const expanded = new Map<number, number>();
  reach(-1, 0, -1, undefined, intern(model.start), OUTCOME_CODE.get('--')!, INIT);
  while (queue.length > 0) {
    const current = queue;
    queue = [];
    for (const id of current) {
      const node = nodes.get(id)!;
      node.queued = false;
      const codes = node.pending;
      node.pending = 0;
      const { state, at } = node;
      if (state === E) continue;
      const follow = (step: { state: number; emitted: Emitted }, block: number) => {
        const table = tableOf(step.emitted);
        for (let code = 0; code < outcomeCount; code++) {
          if (codes & (1 << code)) reach(id, code, block, undefined, step.state, table[code]!, block);
        }
      };
      if (at >= 0) {
        if (next[at]! >= 0) follow(feedBlock(state, next[at]!), next[at]!);
      } else {
        for (const step of runStartsOf(state, at === INIT)) follow(step, step.block);
      }
      // After a link's last block, what follows reads its padding first.
      const stateText =
        at >= 0 && padding[at] !== '' ? model.feed(states[state]!, padding[at]!, 0, []).state : states[state]!;
      // A known pseudo-random block, then a run.
      const known = signatureOf(stateText, budget.known, knownSignatures) * 2;
      const newKnown = codes & ~(expanded.get(known) ?? 0);
      if (newKnown !== 0) {
        expanded.set(known, (expanded.get(known) ?? 0) | newKnown);
        for (const q of fuzzy(stateText, 16, budget.known)) {
          const table = summaryTable(q.summary);
          const target = intern(q.state);
          for (let code = 0; code < outcomeCount; code++) {
            if (newKnown & (1 << code)) reach(id, code, -1, q, target, table[code]!, START);
          }
        }
      }
      // A random block, a chosen block, then a run; or the chosen block ends the link.
      const signature = signatureOf(stateText, budget.random, randomSignatures);
      const chosenKey = signature * 2 + 1;
      const newChosen = codes & ~(expanded.get(chosenKey) ?? 0);
      if (newChosen !== 0) {
        expanded.set(chosenKey, (expanded.get(chosenKey) ?? 0) | newChosen);
        const { next: after, end: ends } = chosenAfter(signatureStates[signature]!);
        for (const gk of after) {
          const table = summaryTable(gk.summary);
          const target = intern(gk.state);
          for (let code = 0; code < outcomeCount; code++) {
            if (newChosen & (1 << code)) reach(id, code, -1, gk, target, table[code]!, START);
          }
        }
        for (const end of ends) {
          const table = summaryTable(end.summary);
          for (let code = 0; code < outcomeCount; code++) {
            if (newChosen & (1 << code)) {
              record(table[code]!, () =>
                movesOf(id, code, { kind: 'chosen-end', random: end.random, chosen: end.chosen }),
              );
            }
          }
        }
      }
    }
  }
  let reached = 0;
  for (const node of nodes.values()) for (let m = node.mask; m !== 0; m &= m - 1) reached++;
  return {
    candidates: [...found.values()].flat(),
    nodes: reached,
    transitions,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The concrete twin: PHP 8's parse_str on raw bytes, for cross-checks of the model and of PHP.

/** PHP's `parse_str` (flat and nested names, NUL ends the input), on a byte string. Arrays come back as `null`. */
export function phpParseStr(bytes: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const nul = bytes.indexOf('\0');
  const input = nul === -1 ? bytes : bytes.slice(0, nul);
  for (const piece of input.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const rawName = eq === -1 ? piece : piece.slice(0, eq);
    const value = urldecodeBytes(eq === -1 ? '' : piece.slice(eq + 1));
    let name = urldecodeBytes(rawName);
    name = name.replace(/^ +/, '');
    const cut = name.indexOf('\0');
    if (cut !== -1) name = name.slice(0, cut);
    let i = 0;
    let plain = '';
    for (; i < name.length; i++) {
      const c = name[i]!;
      if (c === ' ' || c === '.') plain += '_';
      else if (c === '[') break;
      else plain += c;
    }
    if (plain === '') continue;
    if (i < name.length) {
      const close = name.indexOf(']', i + 1);
      if (close !== -1) {
        out.set(plain, null);
        continue;
      }
      plain += `_${name.slice(i + 1).replace(/[ .[]/g, '_')}`;
    }
    out.set(plain, value);
  }
  return out;
}

function urldecodeBytes(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2b) out += ' ';
    else if (
      c === 0x25 &&
      i + 2 < text.length &&
      hexValue(text.charCodeAt(i + 1)) >= 0 &&
      hexValue(text.charCodeAt(i + 2)) >= 0
    ) {
      out += String.fromCharCode((hexValue(text.charCodeAt(i + 1)) << 4) | hexValue(text.charCodeAt(i + 2)));
      i += 2;
    } else out += text[i];
  }
  return out;
}

/** The model's outcome pair for a concrete plaintext (used to check the abstract search against it). */
export function concreteOutcome(ctx: SpliceContext, plaintext: string): string {
  const fields = phpParseStr(plaintext);
  const name = fields.get(ctx.targets.name);
  const time = fields.get(ctx.targets.time);
  let nameLetter: NameOutcome = '-';
  if (fields.has(ctx.targets.name)) {
    if (name === null || name === undefined || name === '' || name.length > MAX_NAME) nameLetter = 'X';
    else if (![...name].every((c) => NAME_CHAR[c.charCodeAt(0)] === 1)) nameLetter = 'X';
    else if (name === ctx.ownName) nameLetter = 'A';
    else if (ctx.residual !== '' && name.startsWith(ctx.residual)) nameLetter = 'R';
    else nameLetter = 'F';
  }
  let timeLetter: TimeOutcome = '-';
  if (fields.has(ctx.targets.time)) {
    timeLetter =
      time === null || time === undefined
        ? 'X'
        : timeOutcome(ctx, [...ctx.genuineTimes].some((g) => g.startsWith(time)) ? time : undefined);
  }
  return nameLetter + timeLetter;
}
