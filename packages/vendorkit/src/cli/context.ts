import { isVendorkitError, redactSecrets } from '@vendorkit/core';

/** Where the CLI writes: anything with `write(text)`; `isTTY` turns on progress output. */
export interface CliStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Width of the terminal, when it is one: progress bars fit in it. */
  columns?: number;
}

/** The outside world of one CLI run: injected so tests run it in process. */
export interface CliIo {
  /** Environment variables (secrets come only from here). Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Default `process.stdout`. */
  stdout?: CliStream;
  /** Default `process.stderr`. */
  stderr?: CliStream;
  /** `fetch` used by the vendor clients. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /**
   * Called by long-running commands (`vendorkit sandbox`) once they are up: resolves when the
   * command should stop. Default: on SIGINT/SIGTERM.
   */
  untilStopped?: () => Promise<void>;
}

/** Environment variables whose values are secrets: never printed, redacted from every line. */
export const SECRET_ENV_NAMES = [
  'PRINTLOUNGE_PASSPHRASE',
  'MCPARKEN_APIKEY',
  'MCPARKEN_PASSWORD',
  'OFFICERND_CLIENT_SECRET',
  'OKDESK_API_TOKEN',
  'WIALON_TOKEN',
] as const;

/** A mistake in how the CLI was called (flag, argument or environment): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What each command gets: env, output helpers with secrets redacted. */
export class CliContext {
  readonly env: Record<string, string | undefined>;
  readonly fetch: typeof fetch | undefined;
  readonly untilStopped: (() => Promise<void>) | undefined;
  private readonly stdoutStream: CliStream;
  private readonly stderrStream: CliStream;
  private readonly secrets: string[];

  constructor(io: Required<Pick<CliIo, 'env' | 'stdout' | 'stderr'>> & Pick<CliIo, 'fetch' | 'untilStopped'>) {
    this.env = io.env;
    this.fetch = io.fetch;
    this.untilStopped = io.untilStopped;
    this.stdoutStream = io.stdout;
    this.stderrStream = io.stderr;
    this.secrets = SECRET_ENV_NAMES.map((name) => io.env[name]).filter((v): v is string => typeof v === 'string');
  }

  /** True when stderr is a terminal: progress indicators only then. */
  get interactive(): boolean {
    return this.stderrStream.isTTY === true;
  }

  /** The width of stderr's terminal, when it tells. */
  get columns(): number | undefined {
    return this.stderrStream.columns;
  }

  /** Writes text to stdout, secrets redacted. */
  out(text: string): void {
    this.stdoutStream.write(this.redact(text));
  }

  /** Writes text to stderr, secrets redacted. */
  err(text: string): void {
    this.stderrStream.write(this.redact(text));
  }

  /** Removes every secret environment value from `text`. */
  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  /** The value of a required environment variable, or a UsageError saying how to set it. */
  requireEnv(name: string, what: string): string {
    const value = this.env[name];
    if (value === undefined || value.trim() === '') {
      throw new UsageError(`Missing environment variable ${name} (${what}). Set it, e.g. \`export ${name}=…\`.`);
    }
    return value;
  }

  /** An optional environment variable, `undefined` when unset or blank. */
  optionalEnv(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  }
}

/** A one-line, redacted description of a failure, with the vendorkit error code when there is one. */
export function describeError(error: unknown): { code: string | undefined; message: string } {
  if (isVendorkitError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : undefined, message: error.message };
  }
  return { code: undefined, message: String(error) };
}
