import { inspect } from 'node:util';
import {
  createMcParkenMock,
  MCPARKEN_MOCK_DEFAULTS,
  type McParkenMockOptions,
} from '@vendorkit/mcparken-session/mocks';
import type { SetupServer } from 'msw/node';
import { McParkenSession, type McParkenSessionOptions } from '../src/index.js';

export const CREDENTIALS = {
  apiKey: MCPARKEN_MOCK_DEFAULTS.apiKey,
  username: MCPARKEN_MOCK_DEFAULTS.username,
  password: MCPARKEN_MOCK_DEFAULTS.password,
};

/** A controllable clock shared by the mock server and the client (optionally skewed). */
export function manualClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms), set: (ms: number) => (t = ms) };
}

/** Installs a fresh mock on `server` and returns it with a session pointed at it. */
export function mockedSession(
  server: SetupServer,
  mockOptions: McParkenMockOptions = {},
  sessionOptions: Partial<McParkenSessionOptions> = {},
) {
  const mock = createMcParkenMock(mockOptions);
  server.use(...mock.handlers);
  const session = new McParkenSession({
    ...CREDENTIALS,
    ...(mockOptions.baseUrl ? { baseUrl: mockOptions.baseUrl } : {}),
    ...sessionOptions,
  });
  return { mock, session };
}

/** Every rendering of an error a user or a log might see, cause chain included. */
export function everyRendering(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth += 1) {
    parts.push(String(current));
    parts.push(inspect(current, { depth: 10, showHidden: true, getters: true }));
    try {
      parts.push(JSON.stringify(current) ?? '');
    } catch {
      parts.push('[unserialisable]');
    }
    if (typeof current === 'object') {
      const e = current as { stack?: unknown; message?: unknown; cause?: unknown };
      parts.push(String(e.stack ?? ''), String(e.message ?? ''));
      for (const value of Object.values(current)) parts.push(typeof value === 'string' ? value : inspect(value));
      current = e.cause;
    } else {
      current = undefined;
    }
  }
  return parts.join('\n');
}

/** Asserts none of the secrets (nor their URL-encoded forms) shows in any rendering of `error`. */
export function leakedSecrets(error: unknown, secrets: readonly string[]): string[] {
  const text = everyRendering(error);
  return secrets.filter(
    (s) =>
      text.includes(s) ||
      text.includes(encodeURIComponent(s)) ||
      text.includes(encodeURIComponent(s).replace(/%20/g, '+')),
  );
}

export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
