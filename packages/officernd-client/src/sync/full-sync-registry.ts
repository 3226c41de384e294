import type { Store } from '@vendorkit/core';
import { ownerToken } from './lock.js';

/**
 * Full syncs running at once on one store, at most. Every event reads this many keys, so it
 * stays small; a full sync that finds them all taken is refused.
 */
export const FULL_SYNC_SLOTS = 4;

const slotKey = (slot: number) => `officernd:sync:full-sync:${slot}`;
const touchedKey = (runId: string, memberId: string) => `officernd:sync:full-sync:${runId}:touched:${memberId}`;

/** A running full sync's registration: its slot, and the value that proves the slot is its own. */
export interface FullSyncRun {
  runId: string;
  release(): Promise<void>;
  /** Whether an event for `memberId` was handled (or is being handled) since the run registered. */
  touched(memberId: string): Promise<boolean>;
}

/**
 * Registers a full sync before it reads anything: takes a free slot for `maxMs` (the value holds
 * the run id and how long events must keep their marks). Resolves `undefined` when every slot
 * is taken.
 */
export async function registerFullSync(store: Store, maxMs: number): Promise<FullSyncRun | undefined> {
  const runId = ownerToken();
  const value = `${maxMs}:${runId}`;
  for (let slot = 0; slot < FULL_SYNC_SLOTS; slot++) {
    if (!(await store.setIfAbsent(slotKey(slot), value, { ttlMs: maxMs }))) continue;
    return {
      runId,
      release: async () => {
        await store.deleteIfEquals(slotKey(slot), value);
      },
      touched: async (memberId) => (await store.get(touchedKey(runId, memberId))) !== undefined,
    };
  }
  return undefined;
}

/**
 * Marks `memberIds` as touched by an event for every full sync running now, before the event
 * re-reads them: such a run then leaves those members to the event, whose read is newer than
 * the run's snapshot. A run that registers after this read started reading OfficeRnD after the
 * event arrived, so its snapshot already includes what the event announced.
 */
export async function markTouched(store: Store, memberIds: readonly string[]): Promise<void> {
  const slots = await Promise.all(Array.from({ length: FULL_SYNC_SLOTS }, (_, slot) => store.get(slotKey(slot))));
  const writes: Array<Promise<void>> = [];
  for (const value of slots) {
    const match = value === undefined ? null : /^(\d+):(.+)$/.exec(value);
    if (!match) continue;
    const ttlMs = Number(match[1]);
    for (const memberId of memberIds) writes.push(store.set(touchedKey(match[2]!, memberId), '1', { ttlMs }));
  }
  await Promise.all(writes);
}
