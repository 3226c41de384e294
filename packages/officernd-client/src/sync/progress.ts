import type { Logger } from '@vendorkit/core';

/**
 * The steps of a full sync, in the order they run: reading `plans`, `memberships` and `members`
 * from OfficeRnD, then the `target` calls.
 */
export type SyncPhase = 'plans' | 'memberships' | 'members' | 'target';

/** How far a full sync got, in items (never pages). */
export interface SyncProgress {
  phase: SyncPhase;
  /**
   * Items done in this phase: plans, memberships or members read so far; for `target`, members
   * settled (written, removed, left to a newer event, or failed).
   */
  done: number;
  /**
   * Items in this phase, once known: OfficeRnD gives no count, so a reading phase has it on its
   * last page only; `target` has it from its first report on.
   */
  total?: number;
}

/**
 * Calls `onProgress` so that it cannot break the sync: what it throws (or a promise it returns
 * rejects with) is logged as a warning to `logger` and otherwise ignored, as core does for hooks.
 */
export function progressReporter(
  onProgress: ((progress: SyncProgress) => unknown) | undefined,
  logger: Logger | undefined,
): (progress: SyncProgress) => void {
  if (onProgress === undefined) return () => undefined;
  const warn = (error: unknown) => {
    try {
      logger?.warn?.('vendorkit: the onProgress callback threw; ignored.', { error: nameOf(error) });
    } catch {
      // A logger that throws is ignored too: neither may stop the sync.
    }
  };
  return (progress) => {
    try {
      const result = onProgress(progress);
      if (result instanceof Promise) result.catch(warn);
    } catch (error) {
      warn(error);
    }
  };
}

/** A class name only: what a callback threw may carry anything in its message. */
function nameOf(error: unknown): string {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' && /^[A-Za-z]{1,40}$/.test(name) ? name : 'unknown failure';
}
