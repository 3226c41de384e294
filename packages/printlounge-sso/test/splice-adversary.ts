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
