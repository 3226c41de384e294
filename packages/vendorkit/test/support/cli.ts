import { run } from '../../src/cli/run.js';

/** What one in-process CLI run produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in process with the given env (nothing from process.env) and captures its output. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined> = {},
  extra: { untilStopped?: () => Promise<void>; onStdout?: (text: string) => void; isTTY?: boolean } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    env,
    stdout: {
      write(text: string) {
        stdout += text;
        extra.onStdout?.(text);
      },
    },
    stderr: {
      isTTY: extra.isTTY ?? false,
      write(text: string) {
        stderr += text;
      },
    },
    ...(extra.untilStopped ? { untilStopped: extra.untilStopped } : {}),
  });
  return { code, stdout, stderr };
}
