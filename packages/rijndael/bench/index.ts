/**
 * Rijndael-256 speed: @vendorkit/rijndael (WebAssembly and plain-JS engines) against the npm
 * peers rijndael-js and js-rijndael, PHP's mcrypt (libmcrypt, C) when `php` is installed, and
 * Node's AES-256-ECB (OpenSSL, AES-NI) as the hardware ceiling. One run, one table, ratios
 * against libmcrypt.
 *
 *   pnpm bench                      (in packages/rijndael)
 *   BENCH_SECONDS=2 pnpm bench      (longer runs per measurement; default 1)
 *
 * Bulk = MiB/s over a 4 MiB buffer (one call, key schedule included). Per call = calls/s for a
 * 200-byte message, key schedule included, as PHP pays per mcrypt_encrypt call.
 *
 * Clock: BENCH_CLOCK=cpu (default) divides by the CPU time the measuring process used
 * (process.cpuUsage() here, getrusage() in PHP), which stays meaningful on a shared, loaded
 * machine; BENCH_CLOCK=wall uses elapsed time. Node's CPU time includes its GC and compiler
 * threads, so the cpu clock, if anything, disadvantages the JS rows. libmcrypt and the
 * WebAssembly engine are measured in alternating rounds (BENCH_ROUNDS, default 3); each keeps
 * its best round. The pure-JS npm
 * peers are 100–1000× slower; their bulk figures use a 512 KiB buffer so a run stays short.
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { mcryptDecrypt, mcryptEncrypt, type RijndaelEngine } from '../src/index.js';

const require = createRequire(import.meta.url);
const RijndaelJs = require('rijndael-js') as new (
  key: Uint8Array,
  mode: string,
) => {
  encrypt(data: Uint8Array, blockBits: number, iv?: Uint8Array): number[];
  decrypt(data: Uint8Array, blockBits: number, iv?: Uint8Array): number[];
};
const jsRijndael = require('js-rijndael') as {
  encrypt(message: number[], iv: number[] | null, key: number[], cipher: string, mode: string): number[];
  decrypt(message: number[], iv: number[] | null, key: number[], cipher: string, mode: string): number[];
};

const BULK_BYTES = 4 << 20;
const MESSAGE_BYTES = 200;
const PEER_BULK_BYTES = 512 << 10;
const MIN_SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const CLOCK = process.env.BENCH_CLOCK === 'wall' ? 'wall' : 'cpu';
/** Seconds on the chosen clock. */
const now =
  CLOCK === 'wall'
    ? () => performance.now() / 1000
    : () => {
        const { user, system } = process.cpuUsage();
        return (user + system) / 1e6;
      };

const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 29 + 7) & 255);
const iv = new Uint8Array(32).fill(0x5a);
const bulk = Uint8Array.from({ length: BULK_BYTES }, (_, i) => i & 255);
const peerBulk = bulk.subarray(0, PEER_BULK_BYTES);
const PEER_MIB = PEER_BULK_BYTES / 1048576;
const message = new TextEncoder().encode(
  'customer_user_name=max&valid_to=1700000000&'.repeat(10).slice(0, MESSAGE_BYTES),
);

type Measure = 'ecbEncrypt' | 'ecbDecrypt' | 'cbcEncrypt' | 'cbcDecrypt' | 'callEncrypt' | 'callDecrypt';
const MEASURES: Measure[] = ['ecbEncrypt', 'ecbDecrypt', 'cbcEncrypt', 'cbcDecrypt', 'callEncrypt', 'callDecrypt'];
type Result = Partial<Record<Measure, number>>;

/** Runs `fn` (after one warm-up) until MIN_SECONDS have passed; returns runs per second. */
function rate(fn: () => unknown, minSeconds = MIN_SECONDS): number {
  fn();
  let runs = 0;
  const start = now();
  let elapsed = 0;
  do {
    fn();
    runs++;
    elapsed = now() - start;
  } while (elapsed < minSeconds);
  return runs / elapsed;
}

const MIB = BULK_BYTES / 1048576;
const CALLS = 1000;
const perCall = (fn: () => unknown) =>
  CALLS *
  rate(() => {
    for (let i = 0; i < CALLS; i++) fn();
  });

function ours(engine: RijndaelEngine): Result {
  const options = { engine };
  const ecbMessage = mcryptEncrypt('rijndael-256', key, message, 'ecb', undefined, options);
  return {
    ecbEncrypt: MIB * rate(() => mcryptEncrypt('rijndael-256', key, bulk, 'ecb', undefined, options)),
    ecbDecrypt: MIB * rate(() => mcryptDecrypt('rijndael-256', key, bulk, 'ecb', undefined, options)),
    cbcEncrypt: MIB * rate(() => mcryptEncrypt('rijndael-256', key, bulk, 'cbc', iv, options)),
    cbcDecrypt: MIB * rate(() => mcryptDecrypt('rijndael-256', key, bulk, 'cbc', iv, options)),
    callEncrypt: perCall(() => mcryptEncrypt('rijndael-256', key, message, 'ecb', undefined, options)),
    callDecrypt: perCall(() => mcryptDecrypt('rijndael-256', key, ecbMessage, 'ecb', undefined, options)),
  };
}

function rijndaelJs(): Result {
  const ecbMessage = new Uint8Array(new RijndaelJs(key, 'ecb').encrypt(message, 256));
  return {
    ecbEncrypt: PEER_MIB * rate(() => new RijndaelJs(key, 'ecb').encrypt(peerBulk, 256)),
    ecbDecrypt: PEER_MIB * rate(() => new RijndaelJs(key, 'ecb').decrypt(peerBulk, 256)),
    cbcEncrypt: PEER_MIB * rate(() => new RijndaelJs(key, 'cbc').encrypt(peerBulk, 256, iv)),
    cbcDecrypt: PEER_MIB * rate(() => new RijndaelJs(key, 'cbc').decrypt(peerBulk, 256, iv)),
    callEncrypt: perCall(() => new RijndaelJs(key, 'ecb').encrypt(message, 256)),
    callDecrypt: perCall(() => new RijndaelJs(key, 'ecb').decrypt(ecbMessage, 256)),
  };
}

function jsRijndaelPeer(): Result {
  // js-rijndael works on plain arrays: converting is part of using it.
  const k = Array.from(key);
  const v = Array.from(iv);
  const ecbMessage = jsRijndael.encrypt(Array.from(message), null, k, 'rijndael-256', 'ecb');
  return {
    ecbEncrypt: PEER_MIB * rate(() => jsRijndael.encrypt(Array.from(peerBulk), null, k, 'rijndael-256', 'ecb')),
    ecbDecrypt: PEER_MIB * rate(() => jsRijndael.decrypt(Array.from(peerBulk), null, k, 'rijndael-256', 'ecb')),
    cbcEncrypt: PEER_MIB * rate(() => jsRijndael.encrypt(Array.from(peerBulk), v, k, 'rijndael-256', 'cbc')),
    cbcDecrypt: PEER_MIB * rate(() => jsRijndael.decrypt(Array.from(peerBulk), v, k, 'rijndael-256', 'cbc')),
    callEncrypt: perCall(() => jsRijndael.encrypt(Array.from(message), null, k, 'rijndael-256', 'ecb')),
    callDecrypt: perCall(() => jsRijndael.decrypt(ecbMessage.slice(), null, k, 'rijndael-256', 'ecb')),
  };
}

function nodeAes(): Result {
  const run = (decrypt: boolean, mode: 'ecb' | 'cbc', data: Uint8Array) => {
    const cipher = decrypt
      ? createDecipheriv(`aes-256-${mode}`, key, mode === 'ecb' ? null : iv.subarray(0, 16))
      : createCipheriv(`aes-256-${mode}`, key, mode === 'ecb' ? null : iv.subarray(0, 16));
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(data), cipher.final()]);
  };
  const padded = new Uint8Array(208);
  padded.set(message);
  const ecbMessage = run(false, 'ecb', padded);
  return {
    ecbEncrypt: MIB * rate(() => run(false, 'ecb', bulk)),
    ecbDecrypt: MIB * rate(() => run(true, 'ecb', bulk)),
    cbcEncrypt: MIB * rate(() => run(false, 'cbc', bulk)),
    cbcDecrypt: MIB * rate(() => run(true, 'cbc', bulk)),
    callEncrypt: perCall(() => run(false, 'ecb', padded)),
    callDecrypt: perCall(() => run(true, 'ecb', ecbMessage)),
  };
}

function phpMcrypt(): (Result & { php?: string; mcrypt?: string }) | undefined {
  const script = fileURLToPath(new URL('./mcrypt-bench.php', import.meta.url));
  const run = spawnSync('php', [script, String(BULK_BYTES), String(MESSAGE_BYTES), String(MIN_SECONDS), CLOCK], {
    encoding: 'utf8',
  });
  if (run.error || run.status !== 0) return undefined;
  return JSON.parse(run.stdout) as Result;
}

function checkSameBytes(): void {
  // The numbers mean nothing if the outputs differ: compare with PHP once.
  const run = spawnSync(
    'php',
    [
      '-r',
      'error_reporting(0); echo bin2hex(mcrypt_encrypt("rijndael-256", hex2bin($argv[1]), hex2bin($argv[2]), "ecb"));',
      Buffer.from(key).toString('hex'),
      Buffer.from(message).toString('hex'),
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) return;
  for (const engine of ['wasm', 'js'] as const) {
    const mine = Buffer.from(mcryptEncrypt('rijndael-256', key, message, 'ecb', undefined, { engine })).toString('hex');
    if (mine !== run.stdout.trim()) throw new Error(`engine ${engine} disagrees with PHP mcrypt`);
  }
}

const rows: { name: string; result: Result }[] = [];
const log = (text: string) => process.stderr.write(`${text}\n`);
const best = (into: Result, from: Result) => {
  for (const m of MEASURES) if (from[m] !== undefined) into[m] = Math.max(into[m] ?? 0, from[m]!);
};
checkSameBytes();
let phpInfo: { php?: string; mcrypt?: string } | undefined;
const php: Result = {};
const wasm: Result = {};
for (let round = 1; round <= ROUNDS; round++) {
  log(`round ${round}/${ROUNDS}: PHP mcrypt (libmcrypt) ...`);
  const measured = phpMcrypt();
  if (measured) {
    phpInfo = measured;
    best(php, measured);
  }
  log(`round ${round}/${ROUNDS}: @vendorkit/rijndael (wasm) ...`);
  best(wasm, ours('wasm'));
}
if (phpInfo) rows.push({ name: `PHP ${phpInfo.php} mcrypt ${phpInfo.mcrypt} (libmcrypt, C)`, result: php });
rows.push({ name: '@vendorkit/rijndael, WebAssembly', result: wasm });
log('measuring @vendorkit/rijndael (js) ...');
rows.push({ name: '@vendorkit/rijndael, plain JS', result: ours('js') });
log('measuring rijndael-js ...');
rows.push({ name: 'rijndael-js 2.0.0 (bulk on 512 KiB)', result: rijndaelJs() });
log('measuring js-rijndael ...');
rows.push({ name: 'js-rijndael 1.0.0 (bulk on 512 KiB)', result: jsRijndaelPeer() });
log('measuring node:crypto AES-256 ...');
rows.push({ name: 'node:crypto AES-256 (OpenSSL; 128-bit block, ceiling)', result: nodeAes() });

const headers = ['ECB enc MiB/s', 'ECB dec MiB/s', 'CBC enc MiB/s', 'CBC dec MiB/s', 'call enc /s', 'call dec /s'];
const baseline = php.ecbEncrypt ? php : undefined;
const format = (value: number | undefined, measure: Measure) => {
  if (value === undefined) return '–';
  const text = value >= 1000 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
  const base = baseline?.[measure];
  return base ? `${text} (${(value / base).toFixed(2)}×)` : text;
};
const table = [
  ['implementation', ...headers],
  ...rows.map(({ name, result }) => [name, ...MEASURES.map((m) => format(result[m], m))]),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
console.log(
  `\nRijndael-256 (32-byte block, 32-byte key); bulk ${BULK_BYTES >> 20} MiB, per call ${MESSAGE_BYTES} bytes with key schedule`,
);
console.log(
  `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}; ${CLOCK === 'cpu' ? 'CPU-time' : 'wall-clock'} rates, best of ${ROUNDS} alternating rounds for PHP and WebAssembly; ratios vs libmcrypt\n`,
);
console.log(line(table[0]!));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of table.slice(1)) console.log(line(row));
