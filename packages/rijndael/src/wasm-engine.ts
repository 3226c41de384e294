import type { BlockEngine } from './engine.js';
import { decryptionKeys, type KeySchedule } from './key-schedule.js';
import { INV_SBOX, SBOX, TD0, TD1, TD2, TD3, TE0, TE1, TE2, TE3 } from './tables.js';
import { RIJNDAEL_WASM_BASE64, WASM_LAYOUT } from './wasm/rijndael-wasm-bytes.js';

type BlockLoop = (start: number, end: number) => void;

/** One instantiated core: a single shared memory whose key slots hold one cipher's keys at a time. */
interface Core {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  readonly loops: Map<number, { ecbEnc: BlockLoop; ecbDec: BlockLoop; cbcEnc: BlockLoop; cbcDec: BlockLoop }>;
  /** Engine whose keys are in memory now, and whether its decryption keys are there too. */
  owner: WasmBlockEngine | undefined;
  ownerHasDecryptKeys: boolean;
}

const BUFFER = WASM_LAYOUT.buffer;
const BUFFER_BYTES = WASM_LAYOUT.pages * 65536 - BUFFER;

let core: Core | undefined;
let module: WebAssembly.Module | undefined;
let unavailable = false;
let compiling = false;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function compileModule(): WebAssembly.Module | undefined {
  if (module || unavailable) return module;
  const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  if (typeof WebAssembly !== 'object' || typeof atob !== 'function' || !littleEndian) {
    unavailable = true;
    return undefined;
  }
  const bytes = decodeBase64(RIJNDAEL_WASM_BASE64);
  try {
    module = new WebAssembly.Module(bytes);
  } catch {
    // Browsers may refuse synchronous compilation of a module this size on the main thread
    // (Chrome allows 4 KiB) or forbid it by CSP. Compile in the background for later ciphers;
    // this one uses the JS engine.
    if (!compiling && typeof WebAssembly.compile === 'function') {
      compiling = true;
      WebAssembly.compile(bytes).then(
        (compiled) => {
          module = compiled;
        },
        () => {
          unavailable = true;
        },
      );
    } else if (!compiling) {
      unavailable = true;
    }
  }
  return module;
}

function getCore(): Core | undefined {
  if (core) return core;
  const compiled = compileModule();
  if (!compiled) return undefined;
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(compiled, {});
  } catch {
    unavailable = true;
    return undefined;
  }
  const exports = instance.exports as Record<string, unknown>;
  const memory = exports.memory as WebAssembly.Memory;
  const words = new Int32Array(memory.buffer);
  const tables = [TE0, TE1, TE2, TE3, TD0, TD1, TD2, TD3];
  tables.forEach((table, i) => {
    words.set(table, (WASM_LAYOUT.te >> 2) + 256 * i);
  });
  const bytes = new Uint8Array(memory.buffer);
  bytes.set(SBOX, WASM_LAYOUT.sbox);
  bytes.set(INV_SBOX, WASM_LAYOUT.invSbox);
  const loops: Core['loops'] = new Map();
  for (let nb = 4; nb <= 8; nb++) {
    loops.set(nb, {
      ecbEnc: exports[`ecbEncrypt${nb}`] as BlockLoop,
      ecbDec: exports[`ecbDecrypt${nb}`] as BlockLoop,
      cbcEnc: exports[`cbcEncrypt${nb}`] as BlockLoop,
      cbcDec: exports[`cbcDecrypt${nb}`] as BlockLoop,
    });
  }
  core = { bytes, words, loops, owner: undefined, ownerHasDecryptKeys: false };
  return core;
}

/**
 * Rijndael block engine on the embedded WebAssembly core (T-tables, state in locals, one
 * function per block width). Data is copied through the core's buffer in chunks; the
 * buffer and key slots are zeroed after use so no plaintext or key stays behind.
 */
export class WasmBlockEngine implements BlockEngine {
  readonly kind = 'wasm' as const;
  readonly #core: Core;
  readonly #schedule: KeySchedule;
  readonly #size: number;
  readonly #chunk: number;
  readonly #loops: { ecbEnc: BlockLoop; ecbDec: BlockLoop; cbcEnc: BlockLoop; cbcDec: BlockLoop };

  constructor(schedule: KeySchedule, wasmCore: Core) {
    this.#core = wasmCore;
    this.#schedule = schedule;
    this.#size = schedule.nb << 2;
    this.#chunk = Math.floor(BUFFER_BYTES / this.#size) * this.#size;
    this.#loops = wasmCore.loops.get(schedule.nb)!;
  }

  #load(decrypting: boolean): void {
    const c = this.#core;
    if (c.owner === this && (c.ownerHasDecryptKeys || !decrypting)) return;
    c.words.set(this.#schedule.encrypt, WASM_LAYOUT.encKeys >> 2);
    if (decrypting) c.words.set(decryptionKeys(this.#schedule), WASM_LAYOUT.decKeys >> 2);
    c.words[WASM_LAYOUT.rounds >> 2] = this.#schedule.rounds;
    c.owner = this;
    c.ownerHasDecryptKeys = decrypting;
  }

  #single(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, loop: BlockLoop): void {
    const mem = this.#core.bytes;
    const size = this.#size;
    for (let i = 0; i < size; i++) mem[BUFFER + i] = src[srcOff + i]!;
    loop(BUFFER, BUFFER + size);
    for (let i = 0; i < size; i++) {
      dst[dstOff + i] = mem[BUFFER + i]!;
      mem[BUFFER + i] = 0;
    }
  }

  encryptBlock(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void {
    this.#load(false);
    this.#single(src, srcOff, dst, dstOff, this.#loops.ecbEnc);
  }

  decryptBlock(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void {
    this.#load(true);
    this.#single(src, srcOff, dst, dstOff, this.#loops.ecbDec);
  }

  #bulk(src: Uint8Array, dst: Uint8Array, length: number, loop: BlockLoop): void {
    const mem = this.#core.bytes;
    for (let offset = 0; offset < length; offset += this.#chunk) {
      const n = Math.min(this.#chunk, length - offset);
      mem.set(src.subarray(offset, offset + n), BUFFER);
      loop(BUFFER, BUFFER + n);
      dst.set(mem.subarray(BUFFER, BUFFER + n), offset);
      mem.fill(0, BUFFER, BUFFER + n);
    }
  }

  encryptEcb(src: Uint8Array, dst: Uint8Array, length: number): void {
    if (length === 0) return;
    this.#load(false);
    this.#bulk(src, dst, length, this.#loops.ecbEnc);
  }

  decryptEcb(src: Uint8Array, dst: Uint8Array, length: number): void {
    if (length === 0) return;
    this.#load(true);
    this.#bulk(src, dst, length, this.#loops.ecbDec);
  }

  #cbc(src: Uint8Array, dst: Uint8Array, length: number, iv: Uint8Array, loop: BlockLoop, decrypting: boolean): void {
    if (length === 0) return;
    this.#load(decrypting);
    const mem = this.#core.bytes;
    const size = this.#size;
    mem.set(iv.subarray(0, size), WASM_LAYOUT.chain);
    this.#bulk(src, dst, length, loop);
    iv.set(mem.subarray(WASM_LAYOUT.chain, WASM_LAYOUT.chain + size));
    mem.fill(0, WASM_LAYOUT.chain, WASM_LAYOUT.save + 32);
  }

  encryptCbc(src: Uint8Array, dst: Uint8Array, length: number, iv: Uint8Array): void {
    this.#cbc(src, dst, length, iv, this.#loops.cbcEnc, false);
  }

  decryptCbc(src: Uint8Array, dst: Uint8Array, length: number, iv: Uint8Array): void {
    this.#cbc(src, dst, length, iv, this.#loops.cbcDec, true);
  }

  wipe(): void {
    const c = this.#core;
    if (c.owner === this) {
      c.bytes.fill(0, WASM_LAYOUT.encKeys, WASM_LAYOUT.rounds + 4);
      c.owner = undefined;
      c.ownerHasDecryptKeys = false;
    }
    this.#schedule.encrypt.fill(0);
    this.#schedule.decrypt?.fill(0);
  }
}

/** The WebAssembly engine for `schedule`, or `undefined` where WebAssembly cannot run (yet). */
export function createWasmEngine(schedule: KeySchedule): BlockEngine | undefined {
  const wasmCore = getCore();
  return wasmCore ? new WasmBlockEngine(schedule, wasmCore) : undefined;
}
