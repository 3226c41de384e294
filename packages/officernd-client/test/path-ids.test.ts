/**
 * Ids that go into paths (issue 15.5): `members.delete('..')` used to send
 * `DELETE /api/v2/organizations/acme/` — the URL parser resolves dot segments (also
 * percent-encoded ones) before anything is sent. Every id is refused or reaches the server
 * as exactly one path segment that decodes back to the id.
 */
import { isOfficeRnDError, OfficeRnDClient, SCOPES } from '@vendorkit/officernd-client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rejection } from './helpers.js';

const API = 'https://app.officernd.com/api/v2/organizations/acme';

/** A client whose fetch records every URL and answers like OfficeRnD would. */
function recordingClient() {
  const urls: string[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    urls.push(request.url);
    if (request.url.endsWith('/oauth/token')) {
      return Response.json({ access_token: 'recorded-token', token_type: 'Bearer', expires_in: 3599 });
    }
    if (request.method === 'DELETE' || request.url.endsWith('/portal-access'))
      return new Response(null, { status: 204 });
    return Response.json({ _id: 'x', url: 'https://example.com/hook' });
  };
  const client = new OfficeRnDClient({
    orgSlug: 'acme',
    clientId: 'id',
    clientSecret: 'secret-value',
    scopes: Object.values(SCOPES),
    fetch: fetchImpl,
    retries: 0,
  });
  return { client, urls };
}

/** Every call that puts an id in a path, and the path it must produce for a given encoded id. */
const calls: Array<[string, (c: OfficeRnDClient, id: string) => Promise<unknown>, (segment: string) => string]> = [
  ['members.get', (c, id) => c.members.get(id), (s) => `/members/${s}`],
  ['members.update', (c, id) => c.members.update(id, { name: 'x' }), (s) => `/members/${s}`],
  ['members.delete', (c, id) => c.members.delete(id), (s) => `/members/${s}`],
  [
    'members.setPortalAccess',
    (c, id) => c.members.setPortalAccess(id, { isPortalAccessEnabled: true }),
    (s) => `/members/${s}/portal-access`,
  ],
  ['companies.get', (c, id) => c.companies.get(id), (s) => `/companies/${s}`],
  ['plans.get', (c, id) => c.plans.get(id), (s) => `/plans/${s}`],
  ['memberships.get', (c, id) => c.memberships.get(id), (s) => `/memberships/${s}`],
  ['webhooks.get', (c, id) => c.webhooks.get(id), (s) => `/webhooks/${s}`],
  ['webhooks.delete', (c, id) => c.webhooks.delete(id), (s) => `/webhooks/${s}`],
];

const HOSTILE = [
  '.',
  '..',
  '',
  '   ',
  'a/b',
  '../members',
  'a?b=1',
  'a#b',
  '%2e',
  '%2e%2e',
  '.%2e',
  '%2E%2E',
  '%2f',
  '..%2f..',
  'a\\b',
  '\\..',
  'm1\n',
  '\u0000',
  '\uD800',
];

describe('ids that would change the request path', () => {
  it.each(calls)('%s refuses each with invalid_query before any request', async (_name, call) => {
    for (const id of HOSTILE) {
      const { client, urls } = recordingClient();
      const error = await rejection(call(client, id));
      expect(isOfficeRnDError(error, 'invalid_query'), JSON.stringify(id)).toBe(true);
      expect(urls, JSON.stringify(id)).toEqual([]);
    }
  });

  it('an ObjectId-shaped id is sent as is', async () => {
    const { client, urls } = recordingClient();
    await client.members.delete('65a1b2c3d4e5f60718293a4b');
    expect(urls.at(-1)).toBe(`${API}/members/65a1b2c3d4e5f60718293a4b`);
  });

  it('property: any string id is refused before any request, or is exactly one path segment that decodes to it', async () => {
    const idArb = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.string({ unit: fc.constantFrom('.', '%', '2', 'e', 'E', 'f', 'F', '/', '\\', '?', '#', 'a'), maxLength: 8 }),
      fc.constantFrom(...HOSTILE),
    );
    await fc.assert(
      fc.asyncProperty(idArb, fc.constantFrom(...calls), async (id, [, call, expectedPath]) => {
        const { client, urls } = recordingClient();
        let error: unknown;
        try {
          await call(client, id);
        } catch (e) {
          error = e;
        }
        if (error !== undefined) {
          expect(isOfficeRnDError(error, 'invalid_query')).toBe(true);
          expect(urls).toEqual([]);
          return;
        }
        const sent = new URL(urls.at(-1)!);
        const segment = encodeURIComponent(id);
        expect(sent.pathname).toBe(new URL(API).pathname + expectedPath(segment));
        expect(sent.search).toBe('');
        expect(sent.hash).toBe('');
        expect(decodeURIComponent(sent.pathname.split('/')[6]!)).toBe(id);
      }),
      { numRuns: 400 },
    );
  });
});
