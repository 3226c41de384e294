import type { SyncProgress } from '@vendorkit/officernd-client';
import cliProgress from 'cli-progress';
import type { CliContext } from './context.js';

/** A counter on stderr, redrawn in place; silent unless stderr is a terminal. */
export interface Progress {
  tick(): void;
  done(): void;
}

/** Progress for long runs: `⠋ 120 members` on stderr when it is a TTY, nothing otherwise. */
export function createProgress(ctx: CliContext, noun: string): Progress {
  if (!ctx.interactive) return { tick() {}, done() {} };
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let count = 0;
  let lastDraw = 0;
  const draw = () => ctx.err(`\r${frames[count % frames.length]} ${count} ${noun}`);
  return {
    tick() {
      count += 1;
      const now = Date.now();
      if (now - lastDraw > 80) {
        lastDraw = now;
        draw();
      }
    },
    done() {
      ctx.err(`\r\u001b[2K`);
    },
  };
}

/** Shows a full sync's progress; `stop()` clears it (call it whatever happened). */
export interface SyncProgressBar {
  update(progress: SyncProgress): void;
  stop(): void;
}

const READING = { plans: 'plans', memberships: 'memberships', members: 'members' } as const;

/**
 * A full sync's progress on stderr when it is a terminal, drawn by cli-progress (at most 10
 * redraws a second, cut to the terminal's width): while OfficeRnD is read, what was read so far
 * (OfficeRnD gives no count before the last page); then a bar with the total, the percentage and
 * the time left while the target is written. The line is cleared at the end, so that the summary
 * stands alone. Not a terminal: nothing (the summary says it all). The cursor and line wrapping
 * are left as they are, so an interrupted run cannot leave the terminal changed.
 */
export function createSyncProgressBar(ctx: CliContext): SyncProgressBar {
  if (!ctx.interactive) return { update() {}, stop() {} };
  const stream = {
    isTTY: true,
    columns: ctx.columns,
    write(text: string) {
      ctx.err(text);
      return true;
    },
  };
  const bar = new cliProgress.SingleBar({
    stream: stream as unknown as NodeJS.WritableStream,
    fps: 10,
    barsize: 24,
    hideCursor: false,
    linewrap: true,
    clearOnComplete: true,
    format: (options, params, payload: { phase: SyncProgress['phase'] }) => {
      if (payload.phase !== 'target') return `Reading ${READING[payload.phase]} from OfficeRnD: ${params.value} read`;
      const percent = params.total === 0 ? 100 : Math.floor(params.progress * 100);
      const left = params.value < params.total && Number.isFinite(params.eta) ? ` | ${params.eta} s left` : '';
      return `Syncing members [${cliProgress.Format.BarFormat(params.progress, options)}] ${percent}% | ${params.value}/${params.total}${left}`;
    },
    barCompleteChar: '█',
    barIncompleteChar: '░',
  });
  let shown: 'reading' | 'target' | undefined;
  return {
    update({ phase, done, total }) {
      if (phase !== 'target') {
        if (shown === undefined) bar.start(0, done, { phase });
        else bar.update(done, { phase });
        shown = 'reading';
        return;
      }
      // A new bar for the target phase: its total, and a time-left estimate from its own pace.
      if (shown !== 'target') {
        if (shown !== undefined) bar.stop();
        bar.start(total ?? 0, done, { phase });
        shown = 'target';
        return;
      }
      if (total !== undefined) bar.setTotal(total);
      bar.update(done, { phase });
    },
    stop() {
      if (shown !== undefined) bar.stop();
      shown = undefined;
    },
  };
}
