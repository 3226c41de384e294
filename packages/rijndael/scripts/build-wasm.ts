/**
 * Builds the WebAssembly core of @vendorkit/rijndael.
 *
 *   pnpm run build:wasm   (= tsx scripts/build-wasm.ts)
 *
 * 1. Writes src/wasm/rijndael-nb{4..8}.wat, one module per block width Nb: an encrypt and a
 *    decrypt block function (state in locals, T-table rounds in a loop) plus ECB and CBC loops
 *    over a buffer. The modules differ only by Nb and the ShiftRows offsets, so they are printed
 *    from the templates below rather than typed out five times.
 * 2. Compiles each with wabt (wat2wasm), checks it stays under 4 KiB (the most Chrome has allowed to compile
 *    synchronously on a main thread) and writes src/wasm/rijndael-wasm-bytes.ts with the
 *    binaries as base64 strings, decoded and compiled synchronously by src/wasm-engine.ts.
 *
 * Memory layout (must match src/wasm-engine.ts): see LAYOUT below.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtFactory from 'wabt';

const LAYOUT = {
  te: 0, // TE0..TE3, 4 x 256 i32
  td: 4096, // TD0..TD3
  sbox: 8192, // 256 bytes
  invSbox: 8448, // 256 bytes
  encKeys: 8704, // up to 8 * 15 i32 = 480 bytes
  decKeys: 9216, // same
  rounds: 9728, // i32
  chain: 9760, // 32 bytes: CBC chaining value
  save: 9792, // 32 bytes: CBC decrypt scratch
  buffer: 16384, // data buffer up to the end of memory
  pages: 2,
} as const;

function shiftOffsets(nb: number): [number, number, number] {
  if (nb === 8) return [1, 3, 4];
  if (nb === 7) return [1, 2, 4];
  return [1, 2, 3];
}

/** Address expression (table index * 4) for byte `row` of local `$name`. */
function tableIndex(name: string, row: number): string {
  const x = `(local.get $${name})`;
  if (row === 0) return `(i32.and (i32.shl ${x} (i32.const 2)) (i32.const 1020))`;
  if (row === 3) return `(i32.shl (i32.shr_u ${x} (i32.const 24)) (i32.const 2))`;
  return `(i32.and (i32.shr_u ${x} (i32.const ${row * 8 - 2})) (i32.const 1020))`;
}

/** Byte index for byte `row` of local `$name` (for S-box lookups). */
function byteIndex(name: string, row: number): string {
  const x = `(local.get $${name})`;
  if (row === 0) return `(i32.and ${x} (i32.const 255))`;
  if (row === 3) return `(i32.shr_u ${x} (i32.const 24))`;
  return `(i32.and (i32.shr_u ${x} (i32.const ${row * 8})) (i32.const 255))`;
}

function blockFunction(nb: number, direction: 'enc' | 'dec'): string {
  const offsets = shiftOffsets(nb);
  const sign = direction === 'enc' ? 1 : -1;
  const source = (c: number, row: number) => (row === 0 ? c : (((c + sign * offsets[row - 1]!) % nb) + nb) % nb);
  const tables = direction === 'enc' ? LAYOUT.te : LAYOUT.td;
  const sbox = direction === 'enc' ? LAYOUT.sbox : LAYOUT.invSbox;
  const keys = direction === 'enc' ? LAYOUT.encKeys : LAYOUT.decKeys;
  const cols = [...Array(nb).keys()];
  const locals = cols.map((c) => `(local $s${c} i32) (local $t${c} i32)`).join(' ');
  const lines: string[] = [];
  lines.push(`  (func $${direction}${nb} (param $p i32) ${locals} (local $k i32) (local $r i32)`);
  for (const c of cols) {
    lines.push(
      `    (local.set $s${c} (i32.xor (i32.load offset=${4 * c} (local.get $p)) (i32.load offset=${keys + 4 * c} (i32.const 0))))`,
    );
  }
  lines.push(`    (local.set $k (i32.const ${keys + 4 * nb}))`);
  lines.push(`    (local.set $r (i32.sub (i32.load (i32.const ${LAYOUT.rounds})) (i32.const 1)))`);
  lines.push('    (loop $round');
  for (const c of cols) {
    const terms = [0, 1, 2, 3].map(
      (row) => `(i32.load offset=${tables + 1024 * row} ${tableIndex(`s${source(c, row)}`, row)})`,
    );
    lines.push(
      `      (local.set $t${c} (i32.xor (i32.xor (i32.xor ${terms[0]} ${terms[1]}) (i32.xor ${terms[2]} ${terms[3]})) (i32.load offset=${4 * c} (local.get $k))))`,
    );
  }
  for (const c of cols) lines.push(`      (local.set $s${c} (local.get $t${c}))`);
  lines.push(`      (local.set $k (i32.add (local.get $k) (i32.const ${4 * nb})))`);
  lines.push('      (br_if $round (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))');
  for (const c of cols) {
    const bytes = [0, 1, 2, 3].map((row) => {
      const load = `(i32.load8_u offset=${sbox} ${byteIndex(`s${source(c, row)}`, row)})`;
      return row === 0 ? load : `(i32.shl ${load} (i32.const ${8 * row}))`;
    });
    lines.push(
      `    (i32.store offset=${4 * c} (local.get $p) (i32.xor (i32.or (i32.or ${bytes[0]} ${bytes[1]}) (i32.or ${bytes[2]} ${bytes[3]})) (i32.load offset=${4 * c} (local.get $k))))`,
    );
  }
  lines.push('  )');
  return lines.join('\n');
}

function modeFunctions(nb: number): string {
  const size = 4 * nb;
  const cols = [...Array(nb).keys()];
  const { chain, save } = LAYOUT;
  return `
  (func (export "ecbEncrypt") (param $p i32) (param $end i32)
    (loop $block
      (call $enc${nb} (local.get $p))
      (br_if $block (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const ${size}))) (local.get $end)))))
  (func (export "ecbDecrypt") (param $p i32) (param $end i32)
    (loop $block
      (call $dec${nb} (local.get $p))
      (br_if $block (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const ${size}))) (local.get $end)))))
  (func (export "cbcEncrypt") (param $p i32) (param $end i32) (local $prev i32)
    (local.set $prev (i32.const ${chain}))
    (loop $block
${cols.map((c) => `      (i32.store offset=${4 * c} (local.get $p) (i32.xor (i32.load offset=${4 * c} (local.get $p)) (i32.load offset=${4 * c} (local.get $prev))))`).join('\n')}
      (call $enc${nb} (local.get $p))
      (local.set $prev (local.get $p))
      (br_if $block (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const ${size}))) (local.get $end))))
${cols.map((c) => `    (i32.store offset=${chain + 4 * c} (i32.const 0) (i32.load offset=${4 * c} (local.get $prev)))`).join('\n')})
  (func (export "cbcDecrypt") (param $p i32) (param $end i32)
    (loop $block
${cols.map((c) => `      (i32.store offset=${save + 4 * c} (i32.const 0) (i32.load offset=${4 * c} (local.get $p)))`).join('\n')}
      (call $dec${nb} (local.get $p))
${cols
  .map(
    (c) =>
      `      (i32.store offset=${4 * c} (local.get $p) (i32.xor (i32.load offset=${4 * c} (local.get $p)) (i32.load offset=${chain + 4 * c} (i32.const 0))))
      (i32.store offset=${chain + 4 * c} (i32.const 0) (i32.load offset=${save + 4 * c} (i32.const 0)))`,
  )
  .join('\n')}
      (br_if $block (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const ${size}))) (local.get $end)))))`;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const wabt = await wabtFactory();
const modules: Record<number, string> = {};
for (const nb of [4, 5, 6, 7, 8]) {
  const wat = `;; Rijndael core for ${nb * 32}-bit blocks (Nb = ${nb}), @vendorkit/rijndael.
;; GENERATED by scripts/build-wasm.ts, do not edit. Words are little-endian columns (byte r of a
;; column = row r). Tables and round keys are written into memory by src/wasm-engine.ts.
;; Layout: ${JSON.stringify(LAYOUT)}
(module
  (memory (export "memory") ${LAYOUT.pages})
${blockFunction(nb, 'enc')}
${blockFunction(nb, 'dec')}
${modeFunctions(nb)}
)
`;
  const file = here(`../src/wasm/rijndael-nb${nb}.wat`);
  writeFileSync(file, wat);
  const module = wabt.parseWat(`rijndael-nb${nb}.wat`, readFileSync(file, 'utf8'));
  module.validate();
  const { buffer } = module.toBinary({});
  module.destroy();
  // Chrome has refused synchronous compilation of larger modules on a page's main thread.
  if (buffer.length > 4096) throw new Error(`rijndael-nb${nb}.wasm is ${buffer.length} bytes, over 4 KiB`);
  let binary = '';
  for (const byte of buffer) binary += String.fromCharCode(byte);
  modules[nb] = btoa(binary);
  console.log(`rijndael-nb${nb}.wasm: ${buffer.length} bytes`);
}
writeFileSync(
  here('../src/wasm/rijndael-wasm-bytes.ts'),
  '// GENERATED by scripts/build-wasm.ts from rijndael-nb*.wat; do not edit.\n' +
    '/** The compiled Rijndael WebAssembly cores, one per block width Nb (4..8), base64; each under 4 KiB. */\n' +
    'export const RIJNDAEL_WASM_BASE64: Readonly<Record<number, string>> = {\n' +
    Object.entries(modules)
      .map(([nb, base64]) => `  ${nb}: '${base64}',\n`)
      .join('') +
    '};\n' +
    '/** Memory layout the cores expect (byte offsets). */\n' +
    `export const WASM_LAYOUT = {\n${Object.entries(LAYOUT)
      .map(([name, value]) => `  ${name}: ${value},`)
      .join('\n')}\n} as const;\n`,
);
