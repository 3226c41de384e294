import { inspect } from 'node:util';
import { isVendorkitError } from '@vendorkit/core';
import { isOfficeRnDError, OfficeRnDClient, signWebhookPayload, verifyWebhook } from '@vendorkit/officernd-client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeQuery } from '../src/pagination.js';

const SECRET = 'fuzz-client-secret-987';
const TOKEN = 'fuzz-access-token-abcdef';
const REASONS = [
  'missing_signature',
  'malformed_signature',
  'timestamp_out_of_tolerance',
  'signature_mismatch',
  'invalid_payload',
];
const CLIENT_CODES = [
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'validation_failed',
  'rate_limited',
  'server_error',
  'http_error',
  'invalid_response',
];

function leaks(error: unknown, secrets: string[]): boolean {
  const text = `${String(error)} ${JSON.stringify(error)} ${inspect(error, { depth: 6 })}`;
  return secrets.some((s) => text.includes(s));
}

const jsonish = fc.oneof(
  fc.string(),
  fc.json(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .record({ results: fc.array(fc.jsonValue(), { maxLength: 4 }), cursorNext: fc.option(fc.string()) })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      results: fc.array(
        fc.record({
          _id: fc.oneof(fc.string(), fc.integer()),
          name: fc.option(fc.jsonValue()),
          status: fc.option(fc.string()),
        }),
        {
          maxLength: 3,
        },
      ),
      cursorNext: fc.constant(null),
    })
    .map((v) => JSON.stringify(v)),
  fc
    .record({ statusCode: fc.integer(), message: fc.oneof(fc.string(), fc.array(fc.string())), error: fc.string() })
    .map((v) => JSON.stringify({ ...v, message: `${v.message} ${SECRET} ${TOKEN}` })),
);

describe('fast-check: verifyWebhook on hostile input', () => {
  it('random headers and bodies: only typed errors with a reason, never the secret', async () => {
    const secret = 'whsec-fuzz-secret';
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.constantFrom('t=1,signature=00', 't=,v1=', 't=99999999999999,v1=ab', ',,,', 't=1'),
          fc.constant(undefined),
        ),
        fc.oneof(fc.string(), fc.uint8Array({ maxLength: 200 })),
        async (signature, payload) => {
          try {
            await verifyWebhook({ payload, signature, secret, now: () => 1_000 });
            return false; // nothing random may verify
          } catch (error) {
            expect(isOfficeRnDError(error, 'webhook_signature_invalid')).toBe(true);
            expect(REASONS).toContain((error as { reason: string }).reason);
            expect(leaks(error, [secret])).toBe(false);
            return true;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('correctly signed arbitrary bodies: an event or invalid_payload, nothing else', async () => {
    const secret = 'whsec-fuzz-secret';
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc
            .record({
              event: fc.string(),
              eventType: fc.oneof(
                fc.constantFrom('member.created', 'membership.updated', 'company.removed'),
                fc.string(),
              ),
              data: fc.record({ object: fc.jsonValue() }),
            })
            .map((v) => JSON.stringify(v)),
        ),
        async (payload) => {
          const signature = await signWebhookPayload({ payload, secret, timestamp: 1000 });
          try {
            const event = await verifyWebhook({ payload, signature, secret, now: () => 1_000_000 });
            expect(typeof event.event).toBe('string');
            expect(typeof event.data.object).toBe('object');
          } catch (error) {
            expect(isOfficeRnDError(error, 'webhook_signature_invalid')).toBe(true);
            expect((error as { reason: string }).reason).toBe('invalid_payload');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('fast-check: response parsing', () => {
  /** A client whose fetch answers the token request properly and data calls with `answer`. */
  const answer = { status: 200, body: '' };
  function clientAnswering() {
    const fetchImpl: typeof fetch = async (input) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith('/oauth/token')) {
        return new Response(JSON.stringify({ access_token: TOKEN, token_type: 'Bearer', expires_in: 3599 }), {
          headers: { 'content-type': 'application/json' },
        });
      }
      return new Response(answer.status === 204 ? null : answer.body, { status: answer.status });
    };
    return new OfficeRnDClient({ orgSlug: 'acme', clientId: 'id', clientSecret: SECRET, fetch: fetchImpl, retries: 0 });
  }
  const client = clientAnswering();

  it('any status and body: a page or a typed error, never a leak', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(200, 201, 400, 403, 404, 409, 418, 422, 500, 503),
        jsonish,
        async (status, body) => {
          answer.status = status;
          answer.body = body;
          try {
            const page = await client.members.page();
            expect(Array.isArray(page.results)).toBe(true);
            for (const m of page.results) expect(typeof m._id).toBe('string');
          } catch (error) {
            expect(isVendorkitError(error)).toBe(true);
            expect(CLIENT_CODES).toContain((error as { code: string }).code);
            expect(leaks(error, [SECRET, TOKEN])).toBe(false);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('any token endpoint answer: a token or token_request_failed, never the secret', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(200, 400, 401, 429, 500), jsonish, async (status, body) => {
        const fetchImpl: typeof fetch = async () => new Response(body, { status });
        const client = new OfficeRnDClient({ orgSlug: 'acme', clientId: 'id', clientSecret: SECRET, fetch: fetchImpl });
        try {
          expect(typeof (await client.getAccessToken())).toBe('string');
        } catch (error) {
          expect(isOfficeRnDError(error, 'token_request_failed')).toBe(true);
          expect(leaks(error, [SECRET])).toBe(false);
        }
      }),
      { numRuns: 700 },
    );
  });

  it('any query object: URLSearchParams or invalid_query', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })), (query) => {
        try {
          expect(serializeQuery(query)).toBeInstanceOf(URLSearchParams);
        } catch (error) {
          expect(isOfficeRnDError(error, 'invalid_query')).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
