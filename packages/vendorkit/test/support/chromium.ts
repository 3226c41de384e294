import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Flags for a quiet, reproducible headless Chromium (no network chatter, no GPU, no sandbox in containers). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium to drive: `$CHROMIUM_PATH`, `/usr/bin/chromium`, or `chromium`/`chromium-browser`/`google-chrome` on PATH. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not on PATH
    }
  }
  return undefined;
}

const NO_CHROMIUM =
  'no Chromium found. Set CHROMIUM_PATH or install it (Debian: apt-get install -y chromium; `node scripts/ensure-system-deps.mjs` does it).';

/**
 * Whether browser tests run: `run` with a Chromium; without one `skip` (with a loud warning)
 * on a developer machine, but `fail` under CI, where a silently skipped browser test would hide a
 * broken setup.
 */
export function browserTestMode(chromiumPath: string | undefined): 'run' | 'skip' | 'fail' {
  if (chromiumPath) return 'run';
  if (process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0') return 'fail';
  console.warn(`\n⚠️  SKIPPING BROWSER TESTS: ${NO_CHROMIUM}\n`);
  return 'skip';
}

/** The failure reported under CI when no browser is available. */
export function missingChromiumError(): Error {
  return new Error(`Browser tests cannot run: ${NO_CHROMIUM}`);
}

/** A headless Chromium with a fresh user-data-dir; `close()` removes the directory. */
export async function launchChromium(
  executablePath: string,
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'vendorkit-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
