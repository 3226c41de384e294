/**
 * Links per second: our signer and one-shot functions vs the vendor's PHP (v1: the seed snippet on PHP +
 * mcrypt; v2: the sso.php module's openssl_encrypt pipeline), timed inside php, same run.
 * `pnpm --filter @vendorkit/printlounge-sso bench`.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  createAutologinSigner,
  createAutologinUrl,
  createSsoReceiver,
  createSsoSigner,
  createSsoUrl,
  decodeAutologinData,
  decodeSsoData,
  encodeAutologinData,
  encodeSsoData,
  httpBuildNestedQuery,
  parseAutologinUrl,
  parseSsoUrl,
} from '../src/index.js';

const passphrase = 'k7Qp2Lx9Vb4Nw8Rt3Yz6Ac1Dm5Fg0Hj4';
const fields = {
  customer_user_name: 'MAX.MUSTERMANN',
  customer_longname: 'Max Mustermann',
  customer_user_email: 'max@mustermann.de',
  customer_user_company1: 'Mustermann GmbH & Co. KG',
  sprache: 'de',
};
const now = Date.UTC(2026, 10, 22);

interface Case {
  name: string;
  run: (i: number) => unknown;
  samples: number[];
}

/**
 * Runs every case for `sliceMs`, round-robin, `rounds` times (so load from other processes hits all
 * alike), calling `betweenRounds` (a PHP baseline) after each round; median rate.
 */
function measure(
  cases: Case[],
  rounds = 7,
  sliceMs = 250,
  betweenRounds: () => void = () => {},
): Array<{ name: string; perSecond: number }> {
  for (const c of cases) for (let i = 0; i < 5000; i++) c.run(i); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      let n = 0;
      const start = performance.now();
      const end = start + sliceMs;
      while (performance.now() < end) for (let k = 0; k < 100; k++) c.run(n++);
      c.samples.push(n / ((performance.now() - start) / 1000));
    }
    betweenRounds();
  }
  return cases.map((c) => ({ name: c.name, perSecond: c.samples.sort((a, b) => a - b)[c.samples.length >> 1]! }));
}

const signer = createAutologinSigner({ shop: 'demo', passphrase });
const sampleUrl = signer.createUrl(fields, { now });
const sampleUData = sampleUrl.slice(sampleUrl.indexOf('u_data=') + 7);

const ours = measure(
  [
    ['signer.createUrl (validated)', (i: number) => signer.createUrl(fields, { now: now + i * 1000 })],
    ['signer.encode (raw fields)', (i: number) => signer.encode({ ...fields, valid_to: 1_795_000_000 + i })],
    [
      'createAutologinUrl (one-shot, validated)',
      (i: number) => createAutologinUrl({ shop: 'demo', passphrase, fields, now: now + i * 1000 }),
    ],
    [
      'encodeAutologinData (one-shot, raw)',
      (i: number) => encodeAutologinData({ ...fields, valid_to: 1_795_000_000 + i }, passphrase),
    ],
    ['decodeAutologinData (receiver)', () => decodeAutologinData(sampleUData, passphrase)],
    ['parseAutologinUrl (receiver, validated)', () => parseAutologinUrl(sampleUrl, { passphrase, now })],
  ].map(([name, run]) => ({ name: name as string, run: run as (i: number) => unknown, samples: [] })),
);

let php: { seed: number; tuned: number; version: string } | undefined;
try {
  const script = fileURLToPath(new URL('./php-links.php', import.meta.url));
  const out = JSON.parse(
    execFileSync('php', [script, '100000', passphrase, JSON.stringify(fields)], { encoding: 'utf8' }),
  ) as {
    seed: number;
    tuned: number;
    php: string;
  };
  php = { seed: out.seed, tuned: out.tuned, version: out.php };
} catch (error) {
  console.warn(`PHP baseline skipped (php with mcrypt not available): ${(error as Error).message.split('\n')[0]}`);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  `Node ${process.version}, ${process.platform}/${process.arch}; typical field set (${Object.keys(fields).length + 1} fields, query of ~150 bytes = 5 blocks)`,
);
console.log('');
console.log('| what | links/s | vs PHP seed snippet | vs PHP tuned |');
console.log('|---|---:|---:|---:|');
if (php) {
  console.log(
    `| PHP ${php.version} + mcrypt, seed snippet in a loop (timed in PHP) | ${fmt(php.seed)} | 1.00× | ${(php.seed / php.tuned).toFixed(2)}× |`,
  );
  console.log(
    `| PHP ${php.version} + mcrypt, tuned (no mcrypt_create_iv) | ${fmt(php.tuned)} | ${(php.tuned / php.seed).toFixed(2)}× | 1.00× |`,
  );
}
for (const r of ours) {
  const ratio = (base: number | undefined) => (base ? `${(r.perSecond / base).toFixed(2)}×` : 'n/a');
  console.log(`| ${r.name} | ${fmt(r.perSecond)} | ${ratio(php?.seed)} | ${ratio(php?.tuned)} |`);
}

// SSO v2: the same user fields (lang instead of sprache, request_time instead of valid_to). PHP runs
// between our rounds, so load from other processes hits both alike; medians of 7 rounds each.
const { sprache: _, ...userFields } = fields;
const v2Fields = { ...userFields, lang: 'de_DE' };
const ssoSigner = createSsoSigner({ shop: 'demo', passphrase });
const ssoReceiver = createSsoReceiver({ passphrase });
const sampleSsoUrl = ssoSigner.createUrl(v2Fields, { now });
const sampleH = sampleSsoUrl.slice(sampleSsoUrl.indexOf('?h=') + 3);
const phpV2Script = fileURLToPath(new URL('./php-sso-links.php', import.meta.url));
const phpV2Rounds: Array<{ module: number; tuned: number }> = [];
let phpV2Version: string | undefined;
let phpV2Calls = 20_000;
const runPhpV2 = () => {
  if (phpV2Version === 'unavailable') return;
  try {
    const out = JSON.parse(
      execFileSync('php', [phpV2Script, String(phpV2Calls), passphrase, JSON.stringify(v2Fields)], {
        encoding: 'utf8',
      }),
    ) as { module: number; tuned: number; php: string; openssl: string };
    phpV2Version = `PHP ${out.php} + ${out.openssl.split(' ').slice(0, 2).join(' ')}`;
    phpV2Rounds.push({ module: out.module, tuned: out.tuned });
    phpV2Calls = Math.max(2000, Math.round(out.module / 4)); // about 250 ms per loop from here on
  } catch (error) {
    phpV2Version = 'unavailable';
    console.warn(
      `PHP v2 baseline skipped (php with openssl not available): ${(error as Error).message.split('\n')[0]}`,
    );
  }
};
runPhpV2(); // calibration, not counted
phpV2Rounds.length = 0;
const v2 = measure(
  [
    ['signer.createUrl (validated)', (i: number) => ssoSigner.createUrl(v2Fields, { now: now + i * 1000 })],
    [
      'signer.encode (raw fields)',
      (i: number) =>
        ssoSigner.encode({ ...v2Fields, request_time: `2026-11-22T00:00:${String(i % 60).padStart(2, '0')}+00:00` }),
    ],
    [
      'createSsoUrl (one-shot, validated)',
      (i: number) => createSsoUrl({ shop: 'demo', passphrase, fields: v2Fields, now: now + i * 1000 }),
    ],
    [
      'encodeSsoData (one-shot, raw)',
      (i: number) =>
        encodeSsoData(
          { ...v2Fields, request_time: `2026-11-22T00:00:${String(i % 60).padStart(2, '0')}+00:00` },
          passphrase,
        ),
    ],
    ['receiver.parse (validated)', () => ssoReceiver.parse(sampleSsoUrl, { now })],
    ['decodeSsoData (one-shot)', () => decodeSsoData(sampleH, passphrase)],
    ['parseSsoUrl (one-shot, validated)', () => parseSsoUrl(sampleSsoUrl, { passphrase, now })],
  ].map(([name, run]) => ({ name: name as string, run: run as (i: number) => unknown, samples: [] })),
  7,
  250,
  runPhpV2,
);
const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;
const phpV2 =
  phpV2Rounds.length > 0
    ? { module: median(phpV2Rounds.map((r) => r.module)), tuned: median(phpV2Rounds.map((r) => r.tuned)) }
    : undefined;

console.log('');
const v2Query = httpBuildNestedQuery(decodeSsoData(sampleH, passphrase));
console.log(
  `SSO v2 (aes-256-cbc, IV from the passphrase): the same user fields with lang and request_time (${Object.keys(v2Fields).length + 1} fields, query of ${v2Query.length} bytes = ${(v2Query.length >> 4) + 1} AES blocks)`,
);
console.log('');
console.log('| what | links/s | vs PHP sso.php module | vs PHP tuned |');
console.log('|---|---:|---:|---:|');
if (phpV2) {
  console.log(
    `| ${phpV2Version}, sso.php module in a loop (timed in PHP) | ${fmt(phpV2.module)} | 1.00× | ${(phpV2.module / phpV2.tuned).toFixed(2)}× |`,
  );
  console.log(
    `| ${phpV2Version}, tuned (IV made once) | ${fmt(phpV2.tuned)} | ${(phpV2.tuned / phpV2.module).toFixed(2)}× | 1.00× |`,
  );
}
for (const r of v2) {
  const ratio = (base: number | undefined) => (base ? `${(r.perSecond / base).toFixed(2)}×` : 'n/a');
  console.log(`| ${r.name} | ${fmt(r.perSecond)} | ${ratio(phpV2?.module)} | ${ratio(phpV2?.tuned)} |`);
}
