/**
 * What a Rijndael block engine (plain JS or WebAssembly) offers the modes. All lengths are
 * whole blocks and already validated; `src` and `dst` may be the same array at the same offset.
 */
export interface BlockEngine {
  /** `'js'` or `'wasm'`. */
  readonly kind: 'js' | 'wasm';
  encryptBlock(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void;
  decryptBlock(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void;
  /** ECB over `length` bytes. */
  encryptEcb(src: Uint8Array, dst: Uint8Array, length: number): void;
  decryptEcb(src: Uint8Array, dst: Uint8Array, length: number): void;
  /** CBC over `length` bytes; `iv` is read, then overwritten with the chaining value to continue from. */
  encryptCbc(src: Uint8Array, dst: Uint8Array, length: number, iv: Uint8Array): void;
  decryptCbc(src: Uint8Array, dst: Uint8Array, length: number, iv: Uint8Array): void;
  /** Zeroes the expanded key material this engine holds. */
  wipe(): void;
}
