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
