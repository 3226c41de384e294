import { inspect } from 'node:util';
import type { Logger } from '@vendorkit/wialon-okdesk-auth';
import { expect } from 'vitest';

export const WIALON = 'https://hst-api.wialon.com';
export const OKDESK = 'https://acme.okdesk.ru';
export const API_TOKEN = 'okdesk-secret-api-token-4f1c9e';

/** A logger that keeps every line, for assertions. */
export function recordingLogger() {
  const lines: Array<{ level: 'warn' | 'info'; message: string; details: Record<string, unknown> | undefined }> = [];
  const logger: Logger = {
    warn: (message, details) => lines.push({ level: 'warn', message, details }),
    info: (message, details) => lines.push({ level: 'info', message, details }),
  };
  return { logger, lines, text: () => lines.map((l) => `${l.message} ${JSON.stringify(l.details)}`).join('\n') };
}

/** The link Wialon would open. */
export function link(params: { user?: string; baseUrl?: string; authHash?: string }, origin = OKDESK): string {
  const url = new URL('/wialonauth', origin);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  url.searchParams.set('lang', 'en');
  return url.toString();
}

/** Asserts that none of `secrets` appears in the error's message, JSON, inspect output, cause or stack. */
export function expectNoSecrets(error: unknown, secrets: readonly string[]): void {
  const views = [
    String((error as Error)?.message),
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
    String((error as Error)?.stack),
    inspect((error as { cause?: unknown })?.cause, { depth: 10 }),
  ];
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const view of views) expect(view).not.toContain(secret);
  }
}

/** Awaits a rejection and returns the error. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
