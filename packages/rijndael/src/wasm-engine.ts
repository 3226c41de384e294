import type { BlockEngine } from './engine.js';
import type { KeySchedule } from './key-schedule.js';

/** The WebAssembly engine for `schedule`, or `undefined` where WebAssembly cannot run. */
export function createWasmEngine(_schedule: KeySchedule): BlockEngine | undefined {
  return undefined;
}
