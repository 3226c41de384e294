import { VendorkitError } from '@vendorkit/core';
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { integerArgument } from './format.js';

/**
 * msw is an optional peer of `vendorkit`: only the sandbox needs it, so a user who only makes
 * links installs no test tooling. Without it `vendorkit sandbox` fails with this error.
 */
export class SandboxDependencyError extends VendorkitError<'sandbox_needs_msw'> {
  override readonly name = 'SandboxDependencyError' as const;

  constructor() {
    super(
      'sandbox_needs_msw',
      '`vendorkit sandbox` serves the vendor mocks with msw, which is not installed. Install it next to vendorkit: npm install vendorkit msw',
    );
  }
}

/** Loads the sandbox on demand; a missing msw becomes a {@link SandboxDependencyError}. */
async function loadSandbox(): Promise<typeof import('../sandbox.js')> {
  try {
    return await import('../sandbox.js');
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && /['"]msw['"]/.test(String(error));
    if (missing) throw new SandboxDependencyError();
    throw error;
  }
}

/** `vendorkit sandbox`. */
export function registerSandboxCommand(program: Command, ctx: CliContext): void {
  program
    .command('sandbox')
    .description('Serve every vendor mock API as real HTTP on localhost (fake data, fake credentials).')
    .option('--port <port>', 'TCP port (0 = any free port)', integerArgument(0, 65_535), 4010)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .addHelpText(
      'after',
      '\nPrints each vendor base URL and the demo credentials, then serves until Ctrl+C.\nThe same server is available in code: import { startSandbox } from "vendorkit/sandbox".',
    )
    .action(async (options: { port: number; host: string }) => {
      // Loaded on demand: msw and the mocks are only needed by this command.
      const { startSandbox, describeSandbox } = await loadSandbox();
      if (!['127.0.0.1', 'localhost', '::1'].includes(options.host)) {
        ctx.err(
          `warning: binding to ${options.host} makes the sandbox reachable from other machines; it accepts credentials printed below for anyone.\n`,
        );
      }
      const sandbox = await startSandbox({ port: options.port, host: options.host });
      ctx.out(describeSandbox(sandbox));
      ctx.out('\nPress Ctrl+C to stop.\n');
      try {
        await (ctx.untilStopped ?? untilSignal)();
      } finally {
        await sandbox.close();
      }
    });
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
