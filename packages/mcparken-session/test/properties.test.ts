import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMcParkenError } from '../src/index.js';
import { parseSessionAnswer, parseVendorTime, tokenLifetimeMs } from '../src/session-response.js';
import { detectVendorError } from '../src/vendor-error.js';
import { leakedSecrets } from './helpers.js';

const RUNS = 3000;
// Marked with a prefix and suffix no message of this package contains, so a hit is a real leak, not a word like "red".
const secretArb = fc.string({ minLength: 1, maxLength: 24 }).map((s) => `Sx${s}q9`);
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** McParken's "YYYY-MM-DD hh:mm:ss ±hh:mm" for an instant seen at a UTC offset. */
function vendorTime(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local.slice(0, 10)} ${local.slice(11, 19)} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const instant = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2090, 0, 1) })
  .map((ms) => Math.floor(ms / 1000) * 1000);
const offset = fc.integer({ min: -14 * 60, max: 14 * 60 });

/** Anything a server might send for one field. */
const fieldValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  instant.chain((ms) => offset.map((o) => vendorTime(ms, o))),
  instant.map((ms) => String(ms / 1000)),
);

const sessionLikeBody = fc.record(
  {
    access_token: fieldValue,
    expires_in: fieldValue,
    token_type: fieldValue,
    userid: fieldValue,
    issued: fieldValue,
    expires: fieldValue,
    errorcode: fieldValue,
    errormessage: fieldValue,
  },
  { requiredKeys: [] },
);

describe('parseSessionAnswer on hostile input', () => {
  it('returns a usable session or throws a typed McParkenError, never anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          sessionLikeBody.map((b) => JSON.stringify(b)),
          sessionLikeBody.map((b) => JSON.stringify(b).slice(0, -1)),
        ),
        fc.integer({ min: 100, max: 599 }),
        fc.option(
          fc.oneof(
            fc.string(),
            fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
          ),
          { nil: undefined },
        ),
        (bodyText, status, dateHeader) => {
          try {
            const session = parseSessionAnswer({ status, bodyText, dateHeader });
            expect(typeof session.accessToken).toBe('string');
            expect(session.accessToken.length).toBeGreaterThan(0);
            expect(Number.isFinite(session.lifetimeMs) && session.lifetimeMs > 0).toBe(true);
            expect(status >= 200 && status < 300).toBe(true);
          } catch (error) {
            expect(isMcParkenError(error), String(error)).toBe(true);
            expect(typeof (error as { code: unknown }).code).toBe('string');
            expect((error as { code: string }).code.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('secrets echoed anywhere in an error body never reach the error', () => {
    fc.assert(
      fc.property(
        secretArb,
        secretArb,
        fc.string(),
        fc.oneof(fc.constantFrom('401.1', '403.0', '405.0', '401.2', '401'), fc.string()),
        fc.boolean(),
        fc.integer({ min: 200, max: 599 }),
        (password, apiKey, filler, code, codeAsSecret, status) => {
          const body = JSON.stringify({
            errormessage: `${filler}${password}${filler} ${encodeURIComponent(apiKey)} ${apiKey}`,
            errorcode: codeAsSecret ? password : code,
          });
          let thrown: unknown;
          try {
            parseSessionAnswer(
              { status, bodyText: body },
              { secrets: [password, apiKey], url: 'https://x/[REDACTED]' },
            );
          } catch (error) {
            thrown = error;
          }
          expect(isMcParkenError(thrown)).toBe(true);
          expect(leakedSecrets(thrown, [password, apiKey])).toEqual([]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a well-formed answer yields exactly expires − issued, whatever the offsets', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 86_400 }), offset, offset, (issuedMs, lifetimeS, o1, o2) => {
        const body = JSON.stringify({
          access_token: 'tok',
          expires_in: String((issuedMs + lifetimeS * 1000) / 1000),
          token_type: 'bearer',
          userid: 72,
          issued: vendorTime(issuedMs, o1),
          expires: vendorTime(issuedMs + lifetimeS * 1000, o2),
        });
        const session = parseSessionAnswer({ status: 200, bodyText: body });
        expect(session.lifetimeMs).toBe(lifetimeS * 1000);
        expect(session.userId).toBe('72');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('detectVendorError on hostile input', () => {
  it('never throws; returns undefined or a short code and message', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          sessionLikeBody.map((b) => JSON.stringify(b)),
        ),
        (text) => {
          const found = detectVendorError(text);
          if (found !== undefined) {
            expect(typeof found.code).toBe('string');
            expect(found.code.length).toBeGreaterThan(0);
            expect(found.code.length).toBeLessThanOrEqual(32);
            if (found.message !== undefined) expect(found.message.length).toBeLessThanOrEqual(200);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('finds error fields only in JSON objects that have them', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const value = JSON.parse(text) as unknown;
        const isErrorObject =
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          (typeof (value as Record<string, unknown>).errormessage === 'string' ||
            typeof (value as Record<string, unknown>).errorcode === 'string' ||
            (typeof (value as Record<string, unknown>).errorcode === 'number' &&
              Number.isFinite((value as Record<string, unknown>).errorcode)));
        expect(detectVendorError(text) !== undefined).toBe(isErrorObject);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps a numeric errorcode exactly as written (403.0 stays 403.0)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 9 }),
        fc.boolean(),
        (major, minor, spaced) => {
          const literal = `${major}.${minor}`;
          const text = `{"errormessage":"x",${spaced ? ' "errorcode" : ' : '"errorcode":'}${literal}}`;
          expect(detectVendorError(text)?.code).toBe(literal);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('parseVendorTime', () => {
  it('agrees with the platform ISO-8601 parser on every instant and offset', () => {
    fc.assert(
      fc.property(instant, offset, (ms, o) => {
        const text = vendorTime(ms, o);
        const iso = `${text.slice(0, 10)}T${text.slice(11, 19)}${text.slice(20)}`;
        expect(parseVendorTime(text)).toBe(Date.parse(iso));
        expect(parseVendorTime(text)).toBe(ms);
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects impossible dates and returns undefined, never NaN, for any string', () => {
    expect(parseVendorTime('2021-02-30 10:00:00 +01:00')).toBeUndefined();
    expect(parseVendorTime('2021-13-01 10:00:00 +01:00')).toBeUndefined();
    expect(parseVendorTime('2021-12-26 24:00:00 +01:00')).toBeUndefined();
    fc.assert(
      fc.property(fc.string(), (text) => {
        const value = parseVendorTime(text);
        expect(value === undefined || Number.isFinite(value)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('tokenLifetimeMs', () => {
  it('falls back to expires_in minus the Date header, independent of the local clock', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 86_400 }), (serverNow, lifetimeS) => {
        const lifetime = tokenLifetimeMs(
          { expires_in: String(serverNow / 1000 + lifetimeS) },
          new Date(serverNow).toUTCString(),
        );
        expect(lifetime).toBe(lifetimeS * 1000);
      }),
      { numRuns: RUNS },
    );
  });

  it('gives up (undefined) when nothing anchors expires_in to server time', () => {
    expect(tokenLifetimeMs({ expires_in: '1640557975' })).toBeUndefined();
    expect(tokenLifetimeMs({})).toBeUndefined();
    expect(tokenLifetimeMs({ expires_in: '3600' })).toBe(3_600_000);
  });
});
