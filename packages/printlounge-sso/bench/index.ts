/**
 * Links per second: our signer and one-shot functions vs the vendor's PHP snippet (PHP + mcrypt, timed
 * inside one php process), same run. `pnpm --filter @vendorkit/printlounge-sso bench`.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  createAutologinSigner,
  createAutologinUrl,
  decodeAutologinData,
  encodeAutologinData,
  parseAutologinUrl,
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

/** Runs every case for `sliceMs`, round-robin, `rounds` times (so load from other processes hits all alike); median rate. */
function measure(cases: Case[], rounds = 7, sliceMs = 250): Array<{ name: string; perSecond: number }> {
  for (const c of cases) for (let i = 0; i < 5000; i++) c.run(i); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      let n = 0;
      const start = performance.now();
      const end = start + sliceMs;
      while (performance.now() < end) for (let k = 0; k < 100; k++) c.run(n++);
      c.samples.push(n / ((performance.now() - start) / 1000));
    }
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
