import { execFileSync, spawnSync } from 'node:child_process';
import { createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createSsoUrl, encodeSsoData, isPrintLoungeError, parseSsoUrl } from '@vendorkit/printlounge-sso';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CbcBudget,
  type CbcCandidate,
  type CbcLink,
  type CbcMove,
  concreteOutcome,
  modelOutcome,
  ParserModel,
  phpParseStr,
  type SpliceContext,
  searchCbc,
} from './splice-adversary.js';

// The adversary of issue 13 against v2 links (AES-256-CBC, fixed IV, no MAC). What user A can make the
// shop decrypt from his own links (P[i] = D(C[i]) xor C[i-1]):
// - runs of genuine blocks: a block after its genuine predecessor decrypts exactly; a run starts at a
//   link's first block (after the IV) or, after one of the blocks below, at any later block;
// - a chosen block: 16 bytes of his choice (he sets the block before it to D(C) xor what he wants), at the
//   price of that block before it, which decrypts to 16 random bytes he neither sees nor picks — only by
//   luck, 1 in 256 per byte and per attempt against the shop (budget.random);
// - a known pseudo-random block (a genuine block after a foreign one): its bytes are known, and among
//   the many he can make some have the few bytes he needs (budget.known);
// - the end: a link's last block, or a chosen block carrying the padding.
// The search covers all of these over every reachable parser state; real PHP (openssl_decrypt +
// parse_str, test/splice-judge.php) judges every candidate the test can turn into ciphertext.

const judgeScript = fileURLToPath(new URL('./splice-judge.php', import.meta.url));
const phpReady = (() => {
  const probe = spawnSync('php', ['-r', 'echo function_exists("openssl_decrypt") ? "yes" : "no";'], {
    encoding: 'utf8',
  });
  return probe.status === 0 && probe.stdout === 'yes';
})();
if (!phpReady) console.warn('splice-v2: SKIPPED — `php` with openssl is not on PATH (CI has it).');

const passphrase = 'Splice-V2-Test-Passphrase-32-by!';
const method = 'aes-256-cbc';
const key = new TextEncoder().encode(passphrase);
const iv = new TextEncoder().encode(createHash('sha256').update(passphrase).digest('hex').slice(0, 16));
const B = 16;
const baseNow = Date.UTC(2026, 11, 1, 21);
const clock = [baseNow, baseNow + 60_000, baseNow + 120_000];
/** The offline and online luck the "no forgery" claim holds against: 2^-24 offline, 2^-16 per attempt. */
const LUCK: CbcBudget = { known: 3, random: 2 };
const NO_LUCK: CbcBudget = { known: 0, random: 0 };

const decryptBlock = (block: Uint8Array) => {
  const decipher = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([decipher.update(block), decipher.final()]));
};
const xor = (a: Uint8Array, b: Uint8Array) => a.map((x, i) => x ^ b[i]!);
const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);

interface AppScenario {
  label: string;
  order: readonly string[];
  ownName: string;
  editable: readonly string[];
}

type LinkMaker = (values: Readonly<Record<string, string>>, now: number) => string | undefined;

const dateAtom = (now: number) => new Date(now).toISOString().replace('.000Z', '+00:00');

/** The app's fields in its order; `request_time` where the order has it (else the builder adds it last). */
function fieldsOf(app: AppScenario, values: Readonly<Record<string, string>>, now: number): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of app.order) {
    fields[name] =
      name === 'customer_user_name' ? app.ownName : name === 'request_time' ? dateAtom(now) : (values[name] ?? '');
  }
  return fields;
}

function highLevelLinks(app: AppScenario): LinkMaker {
  return (values, now) => {
    try {
      const url = createSsoUrl({ shop: 'demo', passphrase, method, fields: fieldsOf(app, values, now) as never, now });
      return url.slice(url.indexOf('h=') + 2);
    } catch (error) {
      if (isPrintLoungeError(error, 'invalid_field')) return undefined;
      throw error;
    }
  };
}

/** The plain PHP pipeline, which createSsoUrl was before the layout: the control experiment. */
function rawPipelineLinks(app: AppScenario): LinkMaker {
  return (values, now) =>
    encodeSsoData({ request_time: dateAtom(now), ...fieldsOf(app, values, now) }, passphrase, { method });
}

interface Pool {
  links: CbcLink[];
  /** Ciphertext blocks by global block id (the order of links and blocks in `links`). */
  cipher: Uint8Array[];
  /** Global id of each link's first block. */
  firstOf: number[];
  genuineTimes: Set<string>;
  firstPlaintext: string;
}

function collect(make: LinkMaker, valueSets: ReadonlyArray<Readonly<Record<string, string>>>): Pool {
  const links: CbcLink[] = [];
  const cipher: Uint8Array[] = [];
  const firstOf: number[] = [];
  const genuineTimes = new Set<string>();
  let firstPlaintext = '';
  valueSets.forEach((values, i) => {
    const h = make(values, clock[i % clock.length]!);
    if (h === undefined) return;
    const bytes = Uint8Array.from(atob(decodeURIComponent(h)), (c) => c.charCodeAt(0));
    const decipher = createDecipheriv(method, key, iv).setAutoPadding(false);
    const padded = latin1(new Uint8Array(Buffer.concat([decipher.update(bytes), decipher.final()])));
    const plain = padded.slice(0, padded.length - padded.charCodeAt(padded.length - 1));
    if (firstPlaintext === '') firstPlaintext = plain;
    genuineTimes.add(phpParseStr(plain).get('request_time')!);
    const blocks: string[] = [];
    firstOf.push(cipher.length);
    for (let off = 0; off < bytes.length; off += B) {
      blocks.push(plain.slice(off, off + B));
      cipher.push(bytes.slice(off, off + B));
    }
    links.push({ blocks, padding: padded.slice(plain.length) });
  });
  return { links, cipher, firstOf, genuineTimes, firstPlaintext };
}

/** Decoded name text in the block where the name's value starts, when the name goes on past it. */
function residualOf(plain: string): string {
  const at = plain.indexOf('customer_user_name=');
  const valueStart = at + 'customer_user_name='.length;
  const blockEnd = (Math.floor(valueStart / B) + 1) * B;
  const valueEnd = plain.indexOf('&', valueStart) === -1 ? plain.length : plain.indexOf('&', valueStart);
  if (valueEnd <= blockEnd) return '';
  return decodeURIComponent(plain.slice(valueStart, blockEnd).replace(/%[0-9A-F]?$/, ''));
}

function contextOf(app: AppScenario, pool: Pool): SpliceContext {
  return {
    targets: { name: 'customer_user_name', time: 'request_time' },
    ownName: app.ownName,
    residual: residualOf(pool.firstPlaintext),
    genuineTimes: pool.genuineTimes,
  };
}

/** Where each global block sits: its link and index. */
function positions(pool: Pool): Array<{ link: number; index: number }> {
  const out: Array<{ link: number; index: number }> = [];
  pool.links.forEach((link, l) => {
    link.blocks.forEach((_, index) => {
      out.push({ link: l, index });
    });
  });
  return out;
}

/**
 * The ciphertext for a candidate, or undefined when it needs luck this test does not buy (a known
 * pseudo-random block with chosen bytes, a random block with more than the tries below give).
 */
function realize(pool: Pool, moves: readonly CbcMove[]): Uint8Array | undefined {
  const where = positions(pool);
  const out: Uint8Array[] = [];
  let previous: Uint8Array = iv;
  let lastRun = -2;
  let pending: { random: number[]; chosen: number[] } | undefined;
  let pendingKnown: number[] | undefined;
  const push = (block: Uint8Array) => {
    out.push(block);
    previous = block;
  };
  /** A block X so that D(X) xor `previous` has the random bytes and D(carrier) xor X is `chosen`. */
  const chosenBlock = (carrier: Uint8Array, random: number[], chosen: number[]): Uint8Array | undefined => {
    const wanted = Uint8Array.from(chosen, (b) => (b === 0xff ? 0x80 : b));
    const free = chosen.flatMap((b, i) => (b === 0xff ? [i] : []));
    const needsLuck = random.some((b) => b !== -1);
    for (let attempt = 0; attempt < (needsLuck ? 200_000 : 1); attempt++) {
      if (attempt > 0) {
        if (free.length === 0) return undefined;
        const noise = randomBytes(free.length);
        free.forEach((i, j) => {
          wanted[i] = 0x80 | noise[j]!;
        });
      }
      const x = xor(decryptBlock(carrier), wanted);
      const g = xor(decryptBlock(x), previous);
      if (random.every((b, i) => b === -1 || g[i] === b)) return x;
    }
    return undefined;
  };
  for (const move of moves) {
    if (move.kind === 'chosen') {
      pending = move;
      continue;
    }
    if (move.kind === 'known') {
      pendingKnown = move.bytes;
      continue;
    }
    if (move.kind === 'chosen-end') {
      const carrier = pool.cipher[0]!;
      const x = chosenBlock(carrier, move.random, [...move.chosen, 0x01]);
      if (!x) return undefined;
      push(x);
      push(carrier);
      lastRun = -2;
      continue;
    }
    const { index } = where[move.block]!;
    if (pending || pendingKnown) {
      const carrier = pool.cipher[move.block - 1]!;
      if (pending) {
        const x = chosenBlock(carrier, pending.random, pending.chosen);
        if (!x) return undefined;
        push(x);
      } else {
        const q = xor(decryptBlock(carrier), previous);
        if (!pendingKnown!.every((b, i) => b === -1 || q[i] === b)) return undefined;
      }
      push(carrier);
      pending = undefined;
      pendingKnown = undefined;
    } else if (!(lastRun === move.block - 1 && index > 0) && !(out.length === 0 && index === 0)) {
      return undefined;
    }
    push(pool.cipher[move.block]!);
    lastRun = move.block;
  }
  if (pending || pendingKnown) return undefined;
  // A run that stops before its link's end: close with a chosen block that carries the padding.
  if (lastRun >= 0 && where[lastRun]!.index !== pool.links[where[lastRun]!.link]!.blocks.length - 1) {
    const x = chosenBlock(pool.cipher[0]!, [], [...new Array<number>(15).fill(0xff), 0x01]);
    push(x!);
    push(pool.cipher[0]!);
  }
  const bytes = new Uint8Array(out.length * B);
  out.forEach((block, i) => {
    bytes.set(block, i * B);
  });
  return bytes;
}

/** A candidate for a failure message: genuine blocks as text, other blocks as their bytes ('~': not chosen). */
function describeMoves(pool: Pool, moves: readonly CbcMove[]): string {
  const blocks = pool.links.flatMap((link) => link.blocks);
  const bytes = (list: readonly number[]) =>
    JSON.stringify(String.fromCharCode(...list.map((b) => (b === -1 ? 0x7e : b))));
  return moves
    .map((m) =>
      m.kind === 'run'
        ? `run ${JSON.stringify(blocks[m.block])}`
        : m.kind === 'known'
          ? `known ${bytes(m.bytes)}`
          : `${m.kind} ${bytes(m.random)} ${bytes(m.chosen)}`,
    )
    .join(' · ');
}

interface Verdict {
  php: string;
  name: string | null;
  time: string | null;
}

function judge(ctx: SpliceContext, ciphertexts: readonly Uint8Array[]): Verdict[] {
  if (ciphertexts.length === 0) return [];
  const times = [...ctx.genuineTimes].map((t) => Date.parse(t) / 1000);
  const lines = ciphertexts.map((data) =>
    JSON.stringify({
      mode: 'v2',
      method,
      key: passphrase,
      iv: btoa(latin1(iv)),
      data: btoa(latin1(data)),
      ownName: ctx.ownName,
      residual: ctx.residual,
      now: String(Math.min(...times)),
      latest: String(Math.max(...times)),
    }),
  );
  const output = execFileSync('php', [judgeScript], {
    input: `${lines.join('\n')}\n`,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return output
    .trim()
    .split('\n')
    .map((line) => {
      const v = JSON.parse(line) as { verdict: string; name: string | null; time: string | null };
      const show = (x: string | null) => (x === null || x === '(array)' ? x : atob(x));
      return { php: v.verdict, name: show(v.name), time: show(v.time) };
    });
}

/**
 * A's values: one editable field carries k filler characters (moving everything after it), another (or
 * the same) a payload — two fields because in CBC the attacker needs a genuine block that begins at the
 * right place and holds his text.
 */
function knownConstructions(app: AppScenario, payloads: readonly string[], shifts: readonly number[]) {
  const sets: Array<Record<string, string>> = [{}];
  const fits = (field: string, value: string) => [...value].length <= (MAX_50.has(field) ? 50 : 200);
  for (const mover of app.editable) {
    for (const carrier of app.editable) {
      for (const payload of payloads) {
        for (const k of shifts) {
          const values =
            mover === carrier
              ? { [mover]: `${'x'.repeat(k)}${payload}` }
              : { [mover]: 'x'.repeat(k), [carrier]: payload };
          if (Object.entries(values).every(([field, value]) => fits(field, value))) sets.push(values);
        }
      }
    }
  }
  return sets;
}
const MAX_50 = new Set(['customer_longname', 'customer_firstname', 'customer_lastname', 'group_name']);

const PAYLOADS = [
  'bob@x.de',
  '2099-12-31T23:59:59+00:00',
  'customer_user_name=bob', // the name's tail in A's own text, to end a block with
  'cu.stomer user[name&request time=2099', // the same after parse_str's rewriting
  `${'株'.repeat(12)}customer_user_name`, // after a run of escapes
];
const SHIFTS = Array.from({ length: B }, (_, k) => k);
const SOME_SHIFTS = [0, 2, 5, 8, 11, 14];

interface Attack {
  pool: Pool;
  ctx: SpliceContext;
  nodes: number;
  transitions: number;
  candidates: CbcCandidate[];
}

function attack(
  make: LinkMaker,
  app: AppScenario,
  valueSets: ReadonlyArray<Record<string, string>>,
  budget: CbcBudget,
): Attack {
  const pool = collect(make, valueSets);
  const ctx = contextOf(app, pool);
  const search = searchCbc(new ParserModel(ctx), pool.links, budget);
  return { pool, ctx, nodes: search.nodes, transitions: search.transitions, candidates: search.candidates };
}

/** PHP's verdicts on the candidates the test can turn into ciphertext. */
function confirm(a: Attack, candidates: readonly CbcCandidate[]): Array<CbcCandidate & Verdict & { data: Uint8Array }> {
  const realized = candidates.flatMap((candidate) => {
    const data = realize(a.pool, candidate.moves);
    return data ? [{ candidate, data }] : [];
  });
  const verdicts = judge(
    a.ctx,
    realized.map((r) => r.data),
  );
  return realized.map((r, i) => ({ ...r.candidate, ...verdicts[i]!, data: r.data }));
}

const APPS: AppScenario[] = [
  {
    label: 'editable company and name before the user name',
    order: ['customer_user_company1', 'customer_longname', 'customer_user_name', 'customfield1'],
    ownName: 'max.mustermann@example.com',
    editable: ['customer_user_company1', 'customer_longname', 'customfield1'],
  },
  {
    label: 'user name first, then first and last name and company',
    order: ['customer_user_name', 'customer_firstname', 'customer_lastname', 'customer_user_company1'],
    ownName: 'erika',
    editable: ['customer_firstname', 'customer_lastname', 'customer_user_company1'],
  },
];

describe.skipIf(!phpReady)('v2: no splice or bit-flip of A’s own links reads as another user', () => {
  const tried = { links: 0, transitions: 0, extensions: 0 };

  it('is not toothless: the plain PHP pipeline (createSsoUrl before the layout) falls to it, no luck needed', () => {
    // The app passes request_time first (createSsoUrl keeps the caller's order).
    const app: AppScenario = { ...APPS[0]!, order: ['request_time', ...APPS[0]!.order] };
    const a = attack(rawPipelineLinks(app), app, knownConstructions(app, ['bob@x.de'], SHIFTS), NO_LUCK);
    const forgeries = a.candidates.filter((c) => c.verdict === 'forgery');
    expect(forgeries.length).toBeGreaterThan(0);
    const confirmed = confirm(a, forgeries).filter((c) => c.php === 'forgery');
    expect(confirmed.length).toBeGreaterThan(0);
    const example = confirmed[0]!;
    console.info(
      `splice-v2 control (plain pipeline): ${confirmed.length} PHP-confirmed forgeries, e.g. customer_user_name=${JSON.stringify(example.name)} request_time=${JSON.stringify(example.time)} from moves ${JSON.stringify(example.moves)}`,
    );
  });

  it.each(APPS)('known constructions, with luck (2^-24 offline, 2^-16 per attempt): $label', (app) => {
    const a = attack(highLevelLinks(app), app, knownConstructions(app, PAYLOADS, SOME_SHIFTS), LUCK);
    tried.links += a.pool.links.length;
    tried.transitions += a.transitions;
    const forgeries = a.candidates.filter((c) => c.verdict === 'forgery');
    expect(forgeries.map((c) => describeMoves(a.pool, c.moves))).toEqual([]);
    // What stays open, as documented: a later request_time for A's own name. PHP takes the ones the test
    // can build; our strict parseSsoUrl refuses every one of them.
    const extensions = confirm(
      a,
      a.candidates.filter((c) => c.verdict === 'extension'),
    );
    tried.extensions += extensions.length;
    for (const extension of extensions) {
      const url = `https://demo.print-server.net/sso.php?h=${encodeURIComponent(btoa(latin1(extension.data)))}`;
      let refused = false;
      try {
        parseSsoUrl(url, { passphrase, method, now: baseNow });
      } catch (error) {
        refused = isPrintLoungeError(error);
      }
      expect(refused, JSON.stringify(extension.moves)).toBe(true);
      expect(extension.php).not.toBe('forgery');
    }
  });

  it('random field orders and attacker texts, no luck (fast-check)', () => {
    const editable = [
      'customer_longname',
      'customer_firstname',
      'customer_user_company1',
      'customfield2',
      'group_name',
    ];
    fc.assert(
      fc.property(
        fc.subarray(editable, { minLength: 1, maxLength: 3 }),
        fc.nat(),
        fc.constantFrom('max.mustermann@example.com', 'erika', 'k@x.de'),
        fc.array(fc.string({ maxLength: 30, unit: 'grapheme' }), { minLength: 1, maxLength: 3 }),
        fc.subarray(SHIFTS, { minLength: 3, maxLength: 6 }),
        (fields, position, ownName, texts, shifts) => {
          const order = [...fields];
          order.splice(position % (order.length + 1), 0, 'customer_user_name');
          const app: AppScenario = { label: 'random', order, ownName, editable: fields };
          const a = attack(highLevelLinks(app), app, knownConstructions(app, [...texts, 'bob@x.de'], shifts), NO_LUCK);
          tried.links += a.pool.links.length;
          tried.transitions += a.transitions;
          return a.candidates.every((c) => c.verdict !== 'forgery');
        },
      ),
      { numRuns: 5 },
    );
  });

  it('reports what it tried', () => {
    console.info(
      `splice-v2: ${tried.links} links of A, ${tried.transitions} block and byte steps over every reachable parser state; ` +
        `${tried.extensions} later request_time for A's own name built and refused by parseSsoUrl (the documented residual)`,
    );
  });
});

describe.skipIf(!phpReady)('the adversary’s model on CBC splices', () => {
  it('reads random splices like the concrete twin, and the twin like PHP', () => {
    const app = APPS[0]!;
    const pool = collect(highLevelLinks(app), knownConstructions(app, PAYLOADS, [0, 5, 11]));
    const ctx = contextOf(app, pool);
    const model = new ParserModel(ctx);
    const block = fc.oneof(fc.nat(pool.cipher.length - 1), fc.constant(-1)); // -1: a fresh random block
    fc.assert(
      fc.property(
        fc.array(fc.array(block, { minLength: 0, maxLength: 6 }), { minLength: 150, maxLength: 150 }),
        (sequences) => {
          const datas = sequences.map((ids) => {
            const ending = pool.firstOf[1]! - 2; // the last two blocks of the first link: a valid padding
            const blocks = [
              ...ids.map((id) => (id === -1 ? randomBytes(B) : pool.cipher[id]!)),
              pool.cipher[ending]!,
              pool.cipher[ending + 1]!,
            ];
            const data = new Uint8Array(blocks.length * B);
            blocks.forEach((b, i) => {
              data.set(b, i * B);
            });
            return data;
          });
          const verdicts = judge(ctx, datas);
          datas.forEach((data, i) => {
            const decipher = createDecipheriv(method, key, iv).setAutoPadding(false);
            const padded = latin1(new Uint8Array(Buffer.concat([decipher.update(data), decipher.final()])));
            const plain = padded.slice(0, padded.length - padded.charCodeAt(padded.length - 1));
            expect(modelOutcome(model, plain), JSON.stringify(plain)).toBe(concreteOutcome(ctx, plain));
            const fields = phpParseStr(plain);
            const show = (v: string | null | undefined) => (v === undefined ? null : v === null ? '(array)' : v);
            expect({ name: verdicts[i]!.name, time: verdicts[i]!.time }, JSON.stringify(plain)).toEqual({
              name: show(fields.get('customer_user_name')),
              time: show(fields.get('request_time')),
            });
          });
        },
      ),
      { numRuns: 1 },
    );
  });
});
