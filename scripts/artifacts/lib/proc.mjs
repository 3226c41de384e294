// Child processes for the artifact stage: captured output, a time limit, and a small pool so
// the 2-core CI machine is kept busy without being swamped.
import { spawn } from 'node:child_process';

/**
 * Runs `command` with `args`; resolves `{ code, signal, stdout, stderr, ms }` whatever the exit
 * code (callers decide what a failure is). `timeoutMs` kills the whole process group.
 */
export function exec(command, args, { cwd, env, timeoutMs = 300_000 } = {}) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\n[killed after ${timeoutMs} ms]`;
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Like {@link exec}, but rejects with the command's output when it does not exit 0. */
export async function execOk(command, args, options) {
  const result = await exec(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `\`${[command, ...args].join(' ')}\` exited ${result.code ?? result.signal}\n${tail(result.stdout)}\n${tail(result.stderr)}`,
    );
  }
  return result;
}

/** The last lines of a long output, for failure messages. */
export function tail(text, lines = 40) {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? ['…', ...all.slice(-lines)] : all).join('\n');
}

/**
 * A limiter: `limit(fn, { first })` runs `fn` when fewer than `size` limited functions are
 * running; waiting functions marked `first` (the long ones) start before the others.
 */
export function pool(size) {
  let running = 0;
  const waiting = [];
  const next = () => {
    if (running >= size || waiting.length === 0) return;
    running += 1;
    const index = Math.max(
      0,
      waiting.findIndex((job) => job.first),
    );
    const [{ fn, resolve, reject }] = waiting.splice(index, 1);
    Promise.resolve()
      .then(fn)
      .then(resolve, reject)
      .finally(() => {
        running -= 1;
        next();
      });
  };
  return (fn, { first = false } = {}) =>
    new Promise((resolve, reject) => {
      waiting.push({ fn, resolve, reject, first });
      next();
    });
}
