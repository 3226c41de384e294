import { Command, CommanderError } from 'commander';
import { CliContext, type CliIo, describeError, SECRET_ENV_NAMES, UsageError } from './context.js';
import { registerMcParkenCommands } from './mcparken.js';
import { officerndHint, registerOfficeRnDCommands } from './officernd.js';
import { registerPrintLoungeCommands } from './printlounge.js';
import { registerSandboxCommand } from './sandbox.js';
import { registerWialonCommands } from './wialon.js';

/** Exit codes of the `vendorkit` CLI. */
export const EXIT_CODES = {
  /** The command did what was asked. */
  ok: 0,
  /** A runtime failure: the vendor (or sandbox) refused or could not be reached. */
  failure: 1,
  /** A usage error: unknown command or flag, bad value, missing environment variable. */
  usage: 2,
} as const;

/** Options of {@link run}: the injected outside world plus the version string. */
export interface RunOptions extends CliIo {
  /** Printed by `--version`. */
  version?: string;
}

/**
 * Runs the `vendorkit` CLI on `argv` (the arguments after the program name) and resolves
 * to its exit code; never calls `process.exit`. Output goes to the injected streams with
 * every secret environment value redacted.
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const ctx = new CliContext({
    env: options.env ?? process.env,
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    fetch: options.fetch,
    untilStopped: options.untilStopped,
  });
  const program = buildProgram(ctx, options.version ?? '0.0.0');
  const optionArgs = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  const secretFlag = optionArgs.find((arg) => SECRET_FLAG.test(arg));
  if (secretFlag !== undefined) {
    const name = secretFlag.split('=')[0];
    ctx.err(
      `error: ${name} is not accepted: secrets never come from flags (they would land in shell history and process lists).\nSet the environment variable instead: ${SECRET_ENV_NAMES.join(', ')} (see the command's --help).\n`,
    );
    return EXIT_CODES.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_CODES.ok;
  } catch (error) {
    return reportFailure(ctx, error);
  }
}

function buildProgram(ctx: CliContext, version: string): Command {
  const program = new Command('vendorkit');
  program
    .description(
      'Print-Lounge links, McParken tokens, OfficeRnD members and Wialon→Okdesk checks from the shell, and a local sandbox of every vendor API.\nSecrets are read from environment variables only, never from flags.',
    )
    .version(version, '-V, --version', 'print the vendorkit version')
    // Program options count only before the command: otherwise `--user -V` would print the
    // version and exit 0 instead of reading "-V" as the (invalid) user name.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (text) => ctx.out(text), writeErr: (text) => ctx.err(text) })
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);
  registerPrintLoungeCommands(program, ctx);
  registerMcParkenCommands(program, ctx);
  registerOfficeRnDCommands(program, ctx);
  registerWialonCommands(program, ctx);
  registerSandboxCommand(program, ctx);
  return program;
}

/** Flags someone might try for a secret; refused with a pointer to the environment variable. */
const SECRET_FLAG =
  /^--(passphrase|password|pass|apikey|api-key|secret|client-secret|api-token|token|access-token)(=|$)/i;

/**
 * What to do on the command line about some error codes (the package messages speak in API terms);
 * a function when the hint depends on the failure (printed only when it returns one).
 */
const CLI_HINTS: Record<string, string | ((error: unknown) => string | undefined)> = {
  invalid_key_size:
    'the passphrase must be 16, 24 or 32 bytes; for a shop on PHP < 5.6 that zero-pads or cuts keys, pass --legacy-key.',
  '401.1': 'McParken rejected MCPARKEN_APIKEY (keys expire after 90 days): ask McParken for a new one.',
  '401.2': 'check MCPARKEN_USERNAME and MCPARKEN_PASSWORD.',
  token_request_failed: officerndHint,
  missing_scope: officerndHint,
  wialon_auth_untrusted_base_url: "add the link's Wialon server to WIALON_TRUSTED_BASE_URLS if you really trust it.",
};

function reportFailure(ctx: CliContext, error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already printed the message (or the help) through configureOutput.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_CODES.ok;
    if (error.code === 'commander.help' && error.exitCode === 0) return EXIT_CODES.ok;
    return EXIT_CODES.usage;
  }
  if (error instanceof UsageError) {
    ctx.err(`error: ${error.message}\n(add --help for usage)\n`);
    return EXIT_CODES.usage;
  }
  const { code, message } = describeError(error);
  ctx.err(`error${code ? ` [${code}]` : ''}: ${message}\n`);
  const entry = code === undefined ? undefined : CLI_HINTS[code];
  const hint = typeof entry === 'function' ? entry(error) : entry;
  if (hint) ctx.err(`hint: ${hint}\n`);
  return code === 'invalid_configuration' ? EXIT_CODES.usage : EXIT_CODES.failure;
}
