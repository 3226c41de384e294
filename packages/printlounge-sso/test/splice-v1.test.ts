import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createAutologinUrl, encodeAutologinData, isPrintLoungeError } from '@vendorkit/printlounge-sso';
import { mcryptDecrypt } from '@vendorkit/rijndael';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concreteOutcome,
  modelOutcome,
  ParserModel,
  phpParseStr,
  type SpliceCandidate,
  type SpliceContext,
  searchEcb,
} from './splice-adversary.js';

// The adversary of issue 13 against v1 links (Rijndael-256 ECB): see test/splice-adversary.ts for the model.
// Every candidate the search finds is decided by real PHP (test/splice-judge.php: mcrypt_decrypt + parse_str).

const judgeScript = fileURLToPath(new URL('./splice-judge.php', import.meta.url));
const phpReady = (() => {
  const probe = spawnSync('php', ['-r', 'echo function_exists("mcrypt_decrypt") ? "yes" : "no";'], {
    encoding: 'utf8',
  });
  return probe.status === 0 && probe.stdout === 'yes';
})();
if (!phpReady) console.warn('splice-v1: SKIPPED — `php` with the mcrypt extension is not on PATH (CI has it).');

const passphrase = 'Splice-Test-Passphrase-32-bytes!';
const BLOCK = 32;
const baseNow = Date.UTC(2026, 11, 1, 21);
/** The app asks for a link at one of these moments; the shop judges at the first one. */
const clock = [baseNow, baseNow + 60_000, baseNow + 120_000];

type Fields = Record<string, string | number>;
/** How an app builds A's link: its field order, A's name, the fields A may edit, fixed extras. */
interface AppScenario {
  label: string;
  order: readonly string[];
  ownName: string;
  editable: readonly string[];
  fixed?: Readonly<Record<string, string | number>>;
}

const MAX_LENGTH: Record<string, number> = { customer_longname: 50 };
const maxLength = (field: string) => MAX_LENGTH[field] ?? 200;

/** A link as the app makes it (`raw` = the plain PHP pipeline, for the control experiment). */
type LinkMaker = (values: Readonly<Record<string, string>>, now: number) => string | undefined;

function highLevelLinks(app: AppScenario): LinkMaker {
  return (values, now) => {
    const fields: Fields = {};
    for (const name of app.order) {
      if (name === 'customer_user_name') fields[name] = app.ownName;
      else if (app.fixed?.[name] !== undefined) fields[name] = app.fixed[name]!;
      else fields[name] = values[name] ?? '';
    }
    try {
      const url = createAutologinUrl({ shop: 'demo', passphrase, fields: fields as never, now, validFor: 300 });
      return url.slice(url.indexOf('u_data=') + 7);
    } catch (error) {
      if (isPrintLoungeError(error, 'invalid_field')) return undefined; // the API refused A's text
      throw error;
    }
  };
}

function rawPipelineLinks(app: AppScenario): LinkMaker {
  return (values, now) => {
    const fields: Fields = {};
    for (const name of app.order) {
      if (name === 'customer_user_name') fields[name] = app.ownName;
      else if (app.fixed?.[name] !== undefined) fields[name] = app.fixed[name]!;
      else fields[name] = values[name] ?? '';
    }
    fields.valid_to = Math.floor(now / 1000) + 300;
    return encodeAutologinData(fields, passphrase);
  };
}

const latin1 = (bytes: Uint8Array) => {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
};
const fromLatin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const ciphertextOf = (uData: string) => Uint8Array.from(atob(decodeURIComponent(uData)), (c) => c.charCodeAt(0));
const plaintextOf = (ciphertext: Uint8Array) => latin1(mcryptDecrypt('rijndael-256', passphrase, ciphertext, 'ecb'));

/** What A collects: every distinct plaintext block with its ciphertext, and the facts about his links. */
interface Pool {
  blocks: string[];
  cipher: Map<string, Uint8Array>;
  links: number;
  genuineTimes: Set<string>;
  latest: bigint;
  firstPlaintext: string;
}

function collect(make: LinkMaker, valueSets: ReadonlyArray<Readonly<Record<string, string>>>): Pool {
  const cipher = new Map<string, Uint8Array>();
  const genuineTimes = new Set<string>();
  let latest = 0n;
  let links = 0;
  let firstPlaintext = '';
  valueSets.forEach((values, i) => {
    const uData = make(values, clock[i % clock.length]!);
    if (uData === undefined) return;
    links++;
    const ciphertext = ciphertextOf(uData);
    const plain = plaintextOf(ciphertext);
    if (firstPlaintext === '') firstPlaintext = plain;
    const validTo = phpParseStr(plain.replace(/\0+$/, '')).get('valid_to')!;
    genuineTimes.add(validTo);
    if (BigInt(validTo) > latest) latest = BigInt(validTo);
    for (let off = 0; off < plain.length; off += BLOCK) {
      const block = plain.slice(off, off + BLOCK);
      if (!cipher.has(block)) cipher.set(block, ciphertext.slice(off, off + BLOCK));
    }
  });
  return { blocks: [...cipher.keys()], cipher, links, genuineTimes, latest, firstPlaintext };
}

/**
 * The residual prefix of A's links: the decoded name text that shares a block with `customer_user_name=`
 * when the name goes on past that block ('' otherwise).
 */
function residualOf(plain: string): string {
  const at = plain.startsWith('customer_user_name=') ? 0 : plain.indexOf('&customer_user_name=') + 1;
  const valueStart = at + 'customer_user_name='.length;
  const blockEnd = (Math.floor(valueStart / BLOCK) + 1) * BLOCK;
  const valueEnd = plain.indexOf('&', valueStart) === -1 ? plain.length : plain.indexOf('&', valueStart);
  if (valueEnd <= blockEnd) return '';
  const inBlock = plain.slice(valueStart, blockEnd).replace(/%[0-9A-F]{0,1}$/, '');
  return decodeURIComponent(inBlock);
}

function contextOf(app: AppScenario, pool: Pool): SpliceContext {
  return {
    targets: { name: 'customer_user_name', time: 'valid_to' },
    ownName: app.ownName,
    residual: residualOf(pool.firstPlaintext),
    genuineTimes: pool.genuineTimes,
    now: BigInt(Math.floor(clock[0]! / 1000)),
    latestGenuine: pool.latest,
  };
}

interface Verdict {
  php: string;
  name: string | null;
  time: string | null;
}

/** Real PHP's verdict on each block sequence, in one php process. */
function judge(pool: Pool, ctx: SpliceContext, sequences: ReadonlyArray<readonly number[]>): Verdict[] {
  if (sequences.length === 0) return [];
  const lines = sequences.map((sequence) => {
    const bytes = new Uint8Array(sequence.length * BLOCK);
    sequence.forEach((b, i) => {
      bytes.set(pool.cipher.get(pool.blocks[b]!)!, i * BLOCK);
    });
    return JSON.stringify({
      mode: 'v1',
      key: passphrase,
      data: btoa(latin1(bytes)),
      ownName: ctx.ownName,
      residual: ctx.residual,
      now: String(ctx.now),
      latest: String(ctx.latestGenuine),
    });
  });
  const output = execFileSync('php', [judgeScript], {
    input: `${lines.join('\n')}\n`,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const verdicts = output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { verdict: string; name: string | null; time: string | null });
  expect(verdicts).toHaveLength(sequences.length);
  return verdicts.map((v) => ({
    php: v.verdict,
    name: v.name === null || v.name === '(array)' ? v.name : latin1(fromLatin1(atob(v.name))),
    time: v.time === null || v.time === '(array)' ? v.time : latin1(fromLatin1(atob(v.time))),
  }));
}

/** A's values: each editable field in turn carries a payload behind k filler characters, k = 0…31. */
function knownConstructions(app: AppScenario, payloads: readonly string[], shifts: readonly number[]) {
  const sets: Array<Record<string, string>> = [{}];
  for (const field of app.editable) {
    for (const payload of payloads) {
      for (const k of shifts) {
        const value = `${'x'.repeat(k)}${payload}`;
        if ([...value].length <= maxLength(field)) sets.push({ [field]: value });
      }
    }
  }
  return sets;
}

const PAYLOADS = [
  '',
  'bob@x.de', // a victim
  'admin',
  '99999999999', // a valid_to far in the future
  ' customer_user_name', // key text: leading spaces are dropped by parse_str
  'customer_user_name',
  'customer.user.name',
  'valid_to',
  'customer_user_name\0', // a NUL ends a name in parse_str
  'valid_to\0',
  'customer_user[name',
  'x]',
  '%',
  'ä',
  '日本語テキスト株式会社ソニー',
  '!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
  '^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
  // Runs that can only be escaped, right after target text: escapes that must cross a block boundary
  'customer_user_name株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株株',
  ' valid_to\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\',
  'customer_user_nam^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
  'valid_to😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀',
];
const ALL_SHIFTS = Array.from({ length: BLOCK }, (_, k) => k);

interface AttackReport {
  label: string;
  links: number;
  blocks: number;
  nodes: number;
  transitions: number;
  candidates: number;
  confirmed: Array<SpliceCandidate & Verdict>;
  residual: Array<SpliceCandidate & Verdict>;
  rejected: number;
}

function attack(
  label: string,
  make: LinkMaker,
  app: AppScenario,
  valueSets: ReadonlyArray<Record<string, string>>,
): AttackReport {
  const pool = collect(make, valueSets);
  const ctx = contextOf(app, pool);
  const model = new ParserModel(ctx);
  const search = searchEcb(model, pool.blocks);
  const verdicts = judge(
    pool,
    ctx,
    search.candidates.map((c) => c.blocks),
  );
  const confirmed: Array<SpliceCandidate & Verdict> = [];
  const residual: Array<SpliceCandidate & Verdict> = [];
  let rejected = 0;
  search.candidates.forEach((candidate, i) => {
    const verdict = verdicts[i]!;
    if (verdict.php === 'forgery' || verdict.php === 'extension') confirmed.push({ ...candidate, ...verdict });
    else if (verdict.php === 'residual') residual.push({ ...candidate, ...verdict });
    else rejected++;
  });
  return {
    label,
    links: pool.links,
    blocks: pool.blocks.length,
    nodes: search.nodes,
    transitions: search.transitions,
    candidates: search.candidates.length,
    confirmed,
    residual,
    rejected,
  };
}

function describeHit(pool: { blocks: readonly string[] }, hit: SpliceCandidate & Verdict): string {
  return `${hit.php}: customer_user_name=${JSON.stringify(hit.name)} valid_to=${JSON.stringify(hit.time)} from ${hit.blocks.length} blocks ${JSON.stringify(hit.blocks.map((b) => pool.blocks[b]))}`;
}

const APPS: AppScenario[] = [
  {
    label: 'editable name and company before the user name (the web example’s fields, another order)',
    order: ['customer_longname', 'customer_user_company1', 'customer_user_name', 'customfield1'],
    ownName: 'max.mustermann@example.com',
    editable: ['customer_longname', 'customer_user_company1', 'customfield1'],
  },
  {
    label: 'user name first, then editable fields (the web example’s order), short name',
    order: ['customer_user_name', 'customer_longname', 'customer_user_company1'],
    ownName: 'erika',
    editable: ['customer_longname', 'customer_user_company1'],
  },
  {
    label: 'fixed fields around, user name last before valid_to',
    order: ['sprache', 'customer_user_company2', 'customfield3', 'customer_user_level', 'customer_user_name'],
    ownName: 'max@example.com',
    editable: ['customer_user_company2', 'customfield3'],
    fixed: { sprache: 'de', customer_user_level: 57 },
  },
];

describe.skipIf(!phpReady)('v1: no splice of A’s own links reads as another user or a later valid_to', () => {
  const reports: AttackReport[] = [];

  it.each(APPS)('known constructions: $label', (app) => {
    const report = attack(app.label, highLevelLinks(app), app, knownConstructions(app, PAYLOADS, ALL_SHIFTS));
    reports.push(report);
    const pool = collect(highLevelLinks(app), [{}]);
    expect(
      report.confirmed.map((hit) => describeHit(pool, hit)),
      JSON.stringify(report, null, 1),
    ).toEqual([]);
    expect(report.candidates - report.residual.length - report.rejected).toBe(0);
  });

  it('random field orders, names and attacker texts (fast-check)', () => {
    const editableFields = [
      'customer_longname',
      'customer_user_company1',
      'customer_user_company2',
      'customer_user_company3',
      'customfield1',
      'customfield2',
      'customfield5',
    ];
    const attackerText = fc.oneof(
      fc.string({ maxLength: 40, unit: 'grapheme' }),
      fc.string({
        maxLength: 40,
        unit: fc.constantFrom(
          'c',
          'u',
          's',
          't',
          'o',
          'm',
          'e',
          'r',
          '_',
          'n',
          'a',
          'v',
          'l',
          'i',
          'd',
          ' ',
          '.',
          '=',
          '&',
          '%',
          '+',
          '0',
          '9',
          '@',
          'ä',
          '株',
          '!',
        ),
      }),
    );
    const scenario = fc.record({
      editable: fc.subarray(editableFields, { minLength: 1, maxLength: 3 }),
      namePosition: fc.nat(),
      ownName: fc.constantFrom(
        'max.mustermann@example.com',
        'erika',
        'a.very.long.user.name.for.the.test@example.org',
        'k@x.de',
      ),
      payloads: fc.array(attackerText, { minLength: 1, maxLength: 4 }),
      shifts: fc.subarray(ALL_SHIFTS, { minLength: 4, maxLength: 8 }),
    });
    fc.assert(
      fc.property(scenario, (s) => {
        const order = [...s.editable];
        order.splice(s.namePosition % (order.length + 1), 0, 'customer_user_name');
        const app: AppScenario = { label: 'random', order, ownName: s.ownName, editable: s.editable };
        const report = attack(
          'random',
          highLevelLinks(app),
          app,
          knownConstructions(app, [...s.payloads, 'bob@x.de', ''], s.shifts),
        );
        reports.push(report);
        return report.confirmed.length === 0 && report.candidates === report.residual.length + report.rejected;
      }),
      { numRuns: 6 },
    );
  });

  it('is not toothless: the raw PHP pipeline (encodeAutologinData) falls to it', () => {
    const app = APPS[0]!;
    const report = attack(
      'raw pipeline',
      rawPipelineLinks(app),
      app,
      knownConstructions(app, PAYLOADS.slice(0, 4), ALL_SHIFTS),
    );
    expect(report.confirmed.length).toBeGreaterThan(0);
    const pool = collect(rawPipelineLinks(app), knownConstructions(app, PAYLOADS.slice(0, 4), ALL_SHIFTS));
    console.info(
      `splice-v1 control (raw pipeline): ${report.confirmed.length} PHP-confirmed hits, e.g. ${describeHit(pool, report.confirmed[0]!)}`,
    );
  });

  it('reports what it tried', () => {
    const total = reports.reduce(
      (sum, r) => ({
        links: sum.links + r.links,
        transitions: sum.transitions + r.transitions,
        candidates: sum.candidates + r.candidates,
      }),
      { links: 0, transitions: 0, candidates: 0 },
    );
    console.info(
      `splice-v1: ${reports.length} attacks, ${total.links} links of A, ${total.transitions} block appends over every reachable parser state, ` +
        `${total.candidates} candidates judged by PHP, ${reports.reduce((n, r) => n + r.residual.length, 0)} residual (name shares the first block)`,
    );
  });
});

describe.skipIf(!phpReady)('the adversary’s model of parse_str', () => {
  it('reads random splices of spliced links exactly like the concrete twin, and the twin like PHP', () => {
    const app = APPS[0]!;
    const pool = collect(rawPipelineLinks(app), knownConstructions(app, PAYLOADS, [0, 3, 7, 13, 19, 26, 31]));
    const highLevel = collect(highLevelLinks(app), knownConstructions(app, PAYLOADS, [0, 3, 7, 13, 19, 26, 31]));
    const blocks = [...pool.blocks, ...highLevel.blocks];
    const cipher = new Map([...pool.cipher, ...highLevel.cipher]);
    const merged: Pool = { ...pool, blocks, cipher };
    const ctx = contextOf(app, pool);
    const model = new ParserModel(ctx);
    const sequence = fc.array(fc.nat(blocks.length - 1), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(fc.array(sequence, { minLength: 300, maxLength: 300 }), (sequences) => {
        const verdicts = judge(merged, ctx, sequences);
        sequences.forEach((blockIds, i) => {
          const plain = blockIds.map((b) => blocks[b]).join('');
          expect(modelOutcome(model, plain), plain).toBe(concreteOutcome(ctx, plain));
          const fields = phpParseStr(plain);
          const show = (v: string | null | undefined) => (v === undefined ? null : v === null ? '(array)' : v);
          expect({ name: verdicts[i]!.name, time: verdicts[i]!.time }, plain).toEqual({
            name: show(fields.get('customer_user_name')),
            time: show(fields.get('valid_to')),
          });
        });
      }),
      { numRuns: 1 },
    );
  });
});
