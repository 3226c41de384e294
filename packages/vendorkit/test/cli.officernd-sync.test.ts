/**
 * `vendorkit officernd sync --dry-run` (issue 17.4): a real progress bar with the total on a
 * terminal, drawn from `fullSync({ onProgress })`; a final summary everywhere; off a terminal,
 * no bar and no control character at all.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { type Sandbox, startSandbox } from '../src/sandbox.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
// Each run asks for a token; the sandbox enforces OfficeRnD's 5 token requests a minute.
beforeEach(() => sandbox.mocks.officernd.resetTokenRateLimit());

const env = () => ({
  OFFICERND_BASE_URL: sandbox.urls.officernd,
  OFFICERND_IDENTITY_URL: sandbox.urls.officerndIdentity,
  OFFICERND_ORG: sandbox.credentials.officernd.orgSlug,
  OFFICERND_CLIENT_ID: sandbox.credentials.officernd.clientId,
  OFFICERND_CLIENT_SECRET: sandbox.credentials.officernd.clientSecret,
});

/** Runs `officernd sync --dry-run` with stderr as a terminal of `columns` columns, or as a pipe. */
async function sync(stderrAs: { isTTY: true; columns: number } | { isTTY: false }) {
  let stdout = '';
  let stderr = '';
  const code = await run(['officernd', 'sync', '--dry-run'], {
    env: env(),
    stdout: {
      write(text: string) {
        stdout += text;
      },
    },
    stderr: {
      ...stderrAs,
      write(text: string) {
        stderr += text;
      },
    },
  });
  return { code, stdout, stderr };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/; // any C0 control character but newline, and DEL
/** ANSI escapes: CSI sequences, and ESC 7 / ESC 8 (save and restore the cursor). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const ESCAPES = /\u001b(?:\[[0-9;?]*[A-Za-z]|[78])/g;
/** What moves the cursor to the start of the line before a redraw. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: splitting on them is the point
const LINE_START = /\u001b\[\d*G|\r/;

/** What a terminal would show on each redraw: the text between cursor moves, escapes removed. */
const frames = (stderr: string) =>
  stderr
    .split(LINE_START)
    .map((frame) => frame.replace(ESCAPES, ''))
    .filter((frame) => frame !== '');

describe('officernd sync --dry-run', () => {
  it('not a terminal: the summary on stdout, nothing on stderr, no control character', async () => {
    const { code, stdout, stderr } = await sync({ isTTY: false });
    expect(code).toBe(0);
    const db = sandbox.mocks.officernd.db;
    const active = db.members.all().filter((member) => member.status === 'active').length;
    expect(stdout).toContain('Dry run: nothing was written.');
    expect(stdout).toMatch(new RegExp(`would create/update\\s+${active}\\n`));
    expect(stdout).toMatch(new RegExp(`would remove\\s+${db.members.size - active}\\n`));
    expect(stdout).toMatch(/failed\s+0\n/);
    expect(stdout).toMatch(
      new RegExp(
        `Read ${db.plans.size} plan\\(s\\), ${db.memberships.size} membership\\(s\\) and ${db.members.size} member\\(s\\) in \\d+ API request\\(s\\), \\d+\\.\\d s\\.\\n$`,
      ),
    );
    expect(stderr).toBe('');
    expect(stdout).not.toMatch(CONTROL);
  });

  it('a terminal: a bar with the total on stderr, fitted to its width and cleared at the end; the same summary', async () => {
    const plain = await sync({ isTTY: false });
    const { code, stdout, stderr } = await sync({ isTTY: true, columns: 72 });
    expect(code).toBe(0);
    const total = sandbox.mocks.officernd.db.members.size;
    const shown = frames(stderr);
    // What was read, while OfficeRnD was read…
    expect(shown).toContainEqual(expect.stringMatching(/^Reading plans from OfficeRnD: \d+ read$/));
    expect(shown).toContainEqual(`Reading members from OfficeRnD: ${total} read`);
    // …then the bar with the total: empty at the start, full at the end.
    expect(shown).toContainEqual(expect.stringMatching(new RegExp(`^Syncing members \\[░{24}\\] 0% \\| 0/${total}`)));
    expect(shown).toContainEqual(`Syncing members [${'█'.repeat(24)}] 100% | ${total}/${total}`);
    for (const frame of shown) expect(frame.length).toBeLessThanOrEqual(72);
    // The last thing written clears the line, and the cursor is never hidden.
    expect(stderr.endsWith('\u001b[2K')).toBe(true);
    expect(stderr).not.toContain('\u001b[?25l');
    // stdout is the same as without a terminal, but for the duration.
    const withoutTime = (text: string) => text.replace(/\d+\.\d s\.\n$/, '');
    expect(withoutTime(stdout)).toBe(withoutTime(plain.stdout));
  });

  it('a narrow terminal: every frame is cut to its width', async () => {
    const { code, stderr } = await sync({ isTTY: true, columns: 30 });
    expect(code).toBe(0);
    const shown = frames(stderr);
    expect(shown.length).toBeGreaterThan(2);
    for (const frame of shown) expect(frame.length).toBeLessThanOrEqual(30);
  });
});
