import type { BlockEngine } from './engine.js';
import { decryptionKeys, type KeySchedule } from './key-schedule.js';
import { INV_SBOX, SBOX, TD0, TD1, TD2, TD3, TE0, TE1, TE2, TE3 } from './tables.js';
import { RIJNDAEL_WASM_BASE64, WASM_LAYOUT } from './wasm/rijndael-wasm-bytes.js';

type BlockLoop = (start: number, end: number) => void;

/** One instantiated core (one per block width); its key slots hold one cipher's keys at a time. */
interface Core {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  readonly ecbEnc: BlockLoop;
  readonly ecbDec: BlockLoop;
  readonly cbcEnc: BlockLoop;
  readonly cbcDec: BlockLoop;
  /** Engine whose keys are in memory now, and whether its decryption keys are there too. */
  owner: WasmBlockEngine | undefined;
  ownerHasDecryptKeys: boolean;
}

const BUFFER = WASM_LAYOUT.buffer;
const BUFFER_BYTES = WASM_LAYOUT.pages * 65536 - BUFFER;

const cores = new Map<number, Core>();
const modules = new Map<number, WebAssembly.Module>();
const pending = new Set<number>();
let unavailable = false;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function compileModule(nb: number): WebAssembly.Module | undefined {
  const ready = modules.get(nb);
  if (ready || unavailable || pending.has(nb)) return ready;
  const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  if (typeof WebAssembly !== 'object' || typeof atob !== 'function' || !littleEndian) {
    unavailable = true;
    return undefined;
  }
  const bytes = decodeBase64(RIJNDAEL_WASM_BASE64[nb]!);
  try {
    const compiled = new WebAssembly.Module(bytes);
    modules.set(nb, compiled);
    return compiled;
  } catch {
    // Each module is under 4 KiB, the most Chrome has allowed to compile synchronously on a
    // page's main thread, but an embedder may still refuse (a CSP without 'wasm-unsafe-eval'
    // refuses both ways). Try once in the background for later ciphers; this one uses JS.
    if (typeof WebAssembly.compile !== 'function') {
      unavailable = true;
      return undefined;
    }
    pending.add(nb);
    WebAssembly.compile(bytes).then(
      (compiled) => {
        modules.set(nb, compiled);
        pending.delete(nb);
      },
      () => {
        unavailable = true;
      },
    );
    return undefined;
  }
}

function getCore(nb: number): Core | undefined {
  const existing = cores.get(nb);
  if (existing) return existing;
  const compiled = compileModule(nb);
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
  [TE0, TE1, TE2, TE3, TD0, TD1, TD2, TD3].forEach((table, i) => {
    words.set(table, (WASM_LAYOUT.te >> 2) + 256 * i);
  });
  const bytes = new Uint8Array(memory.buffer);
  bytes.set(SBOX, WASM_LAYOUT.sbox);
  bytes.set(INV_SBOX, WASM_LAYOUT.invSbox);
  const core: Core = {
    bytes,
    words,
    ecbEnc: exports.ecbEncrypt as BlockLoop,
    ecbDec: exports.ecbDecrypt as BlockLoop,
    cbcEnc: exports.cbcEncrypt as BlockLoop,
    cbcDec: exports.cbcDecrypt as BlockLoop,
    owner: undefined,
    ownerHasDecryptKeys: false,
  };
  cores.set(nb, core);
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

  constructor(schedule: KeySchedule, wasmCore: Core) {
    this.#core = wasmCore;
    this.#schedule = schedule;
    this.#size = schedule.nb << 2;
    this.#chunk = Math.floor(BUFFER_BYTES / this.#size) * this.#size;
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
    this.#single(src, srcOff, dst, dstOff, this.#core.ecbEnc);
  }

  decryptBlock(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void {
    this.#load(true);
    this.#single(src, srcOff, dst, dstOff, this.#core.ecbDec);
  }

  #bulk(src: Uint8Array, dst: Uint8Array, length: number, loop: BlockLoop): void {
    const mem = this.#core.bytes;
    for (let offset = 0; offset < length; offset += this.#chunk) {
      const n = Math.min(this.#chunk, length - offset);
      mem.set(src.subarray(offset, offset + n), BUFFER);
      loop(BUFFER, BUFFER + n);
      dst.set(mem.subarray(BUFFER, BUFFER + n), offset);
    }
    mem.fill(0, BUFFER, BUFFER + Math.min(this.#chunk, length));
  }

  encryptEcb(src: Uint8Array, dst: Uint8Array, length: number): void {
    if (length === 0) return;
    this.#load(false);
    this.#bulk(src, dst, length, this.#core.ecbEnc);
  }

  decryptEcb(src: Uint8Array, dst: Uint8Array, length: number): void {
    if (length === 0) return;
    this.#load(true);
    this.#bulk(src, dst, length, this.#core.ecbDec);
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
    this.#cbc(src, dst, length, iv, this.#core.cbcEnc, false);
  }

  decryptCbc(src: Uint8Array, dst: Uint8Array, length: number, iv: Uint8Array): void {
    this.#cbc(src, dst, length, iv, this.#core.cbcDec, true);
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
  const wasmCore = getCore(schedule.nb);
  return wasmCore ? new WasmBlockEngine(schedule, wasmCore) : undefined;
}
