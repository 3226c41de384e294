/**
 * Issue 17 item 6: one unit convention (milliseconds, `…Ms`); the old seconds-valued names stay
 * as deprecated aliases for one release, and giving both is a configuration error.
 */
import { createMcParkenMock } from '@vendorkit/mcparken-session/mocks';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as publicApi from '../src/index.js';
import { isMcParkenError, McParkenSession, type McParkenSessionOptions } from '../src/index.js';
import { CREDENTIALS, manualClock, mockedSession } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('refreshMarginMs (and the deprecated refreshMarginSeconds)', () => {
  for (const margin of [{ refreshMarginMs: 10_000 }, { refreshMarginSeconds: 10 }]) {
    it(`${Object.keys(margin)[0]}: a 60 s token is reused until 50 s, then renewed`, async () => {
      const clock = manualClock();
      const { mock, session } = mockedSession(server, { now: clock.now }, { now: clock.now, ...margin });
      const first = await session.getAccessToken();
      clock.advance(49_000);
      expect(await session.getAccessToken()).toBe(first);
      clock.advance(2_000);
      expect(await session.getAccessToken()).not.toBe(first);
      expect(mock.stats.sessionRequests).toBe(2);
    });
  }

  it('both names at once → ConfigurationError naming both', () => {
    const error = (() => {
      try {
        new McParkenSession({ ...CREDENTIALS, refreshMarginMs: 5_000, refreshMarginSeconds: 5 });
      } catch (e) {
        return e;
      }
    })();
    expect(isMcParkenError(error, 'invalid_configuration')).toBe(true);
    expect((error as Error).message).toContain('`refreshMarginMs`');
    expect((error as Error).message).toContain('`refreshMarginSeconds`');
  });

  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`refreshMarginMs = ${bad} → ConfigurationError`, () => {
      expect(() => new McParkenSession({ ...CREDENTIALS, refreshMarginMs: bad })).toThrow(/`refreshMarginMs`/);
    });
  }

  it('logger and hooks must be objects', () => {
    for (const extra of [{ logger: 'console' }, { hooks: () => undefined }]) {
      expect(() => new McParkenSession({ ...CREDENTIALS, ...extra } as unknown as McParkenSessionOptions)).toThrow(
        /`(logger|hooks)`/,
      );
    }
  });
});

describe('lifetimes in milliseconds', () => {
  it('getSession() reports lifetimeMs (and the deprecated lifetimeSeconds)', async () => {
    const { session } = mockedSession(server);
    const info = await session.getSession();
    expect(info.lifetimeMs).toBe(60_000);
    expect(info.lifetimeSeconds).toBe(60);
  });

  it('the mock takes tokenLifetimeMs (tokenLifetimeSeconds still works; both → RangeError)', async () => {
    const clock = manualClock();
    const { session } = mockedSession(server, { now: clock.now, tokenLifetimeMs: 20_000 }, { now: clock.now });
    expect((await session.getSession()).lifetimeMs).toBe(20_000);
    const { session: old } = mockedSession(server, { now: clock.now, tokenLifetimeSeconds: 30 }, { now: clock.now });
    expect((await old.getSession()).lifetimeMs).toBe(30_000);
    expect(() => createMcParkenMock({ tokenLifetimeMs: 1_000, tokenLifetimeSeconds: 1 })).toThrow(RangeError);
  });
});

describe('the public surface is what the README teaches', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(publicApi).sort()).toEqual([
      'ConfigurationError',
      'McParkenError',
      'McParkenSession',
      'isMcParkenError',
      'isVendorkitError',
    ]);
  });
});
