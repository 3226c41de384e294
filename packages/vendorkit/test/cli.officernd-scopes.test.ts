/**
 * An OfficeRnD app granted only read scopes: the CLI must ask for no more than each command
 * needs, since OfficeRnD refuses a token request with any ungranted scope (VENDORS.md §1 [C],
 * found since the first release). And the hints after a failure must be true for that failure:
 * the token-budget hint only after a 429 from the token endpoint.
 */
import { createServer } from 'node:net';
import { createOfficeRnDMock, generateMockData } from '@vendorkit/officernd-client/mocks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHandlerServer, serveRequestHandlers } from '../src/sandbox/http-bridge.js';
import { runCli } from './support/cli.js';

const READ_ONLY = ['flex.community.members.read', 'flex.community.memberships.read', 'flex.billing.plans.read'];
let server: RunningHandlerServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await serveRequestHandlers({
    port: 0,
    host: '127.0.0.1',
    createHandlers: (origin) =>
      createOfficeRnDMock({
        baseUrl: `${origin}/api-host`,
        identityUrl: `${origin}/identity-host`,
        orgSlug: 'readonly-org',
        clients: [{ clientId: 'reader', clientSecret: 'reader-secret-123', scopes: READ_ONLY }],
        tokenRateLimitPerMinute: 100,
        seed: generateMockData(7, { seed: 3 }),
      }).handlers,
  });
  env = {
    OFFICERND_BASE_URL: `${server.origin}/api-host`,
    OFFICERND_IDENTITY_URL: `${server.origin}/identity-host`,
    OFFICERND_ORG: 'readonly-org',
    OFFICERND_CLIENT_ID: 'reader',
    OFFICERND_CLIENT_SECRET: 'reader-secret-123',
  };
});
afterAll(async () => {
  await server.close();
});

describe('officernd commands with a read-only OAuth app', () => {
  it('members and sync --dry-run work with read scopes only', async () => {
    const members = await runCli(['officernd', 'members', '--json'], env);
    expect(members.stderr).toBe('');
    expect(members.code).toBe(0);
    expect(JSON.parse(members.stdout)).toHaveLength(7);
    const sync = await runCli(['officernd', 'sync', '--dry-run'], env);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain('Dry run: nothing was written.');
  });

  it('OFFICERND_SCOPES overrides the request, and an ungranted scope fails with a typed code, secret-free', async () => {
    const result = await runCli(['officernd', 'members'], {
      ...env,
      OFFICERND_SCOPES: 'flex.community.members.read flex.community.members.delete',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \[token_request_failed\]: /);
    expect(result.stderr).not.toContain('reader-secret-123');
  });
});

/** A loopback port nothing listens on any more. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const BUDGET_HINT = /5 (token requests )?a minute/;

describe('officernd failure hints are true for the failure', () => {
  it('a refused connection names ECONNREFUSED and says nothing about the token budget', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await runCli(['officernd', 'members'], { ...env, OFFICERND_IDENTITY_URL: url });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \[token_request_failed\]: .*ECONNREFUSED/);
    expect(result.stderr).not.toMatch(BUDGET_HINT);
    expect(result.stderr).toMatch(/^hint: .*OFFICERND_IDENTITY_URL/m);
    expect(result.stderr).not.toContain('reader-secret-123');
  });

  it('a wrong secret points at the credentials, not at the token budget', async () => {
    const result = await runCli(['officernd', 'members'], { ...env, OFFICERND_CLIENT_SECRET: 'wrong-secret-456' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hint: .*OFFICERND_CLIENT_SECRET/m);
    expect(result.stderr).not.toMatch(BUDGET_HINT);
    expect(result.stderr).not.toContain('wrong-secret-456');
  });

  it('a 429 from the token endpoint gets the token-budget hint', async () => {
    const limited = await serveRequestHandlers({
      port: 0,
      host: '127.0.0.1',
      createHandlers: (origin) =>
        createOfficeRnDMock({
          baseUrl: `${origin}/api-host`,
          identityUrl: `${origin}/identity-host`,
          orgSlug: 'readonly-org',
          clients: [{ clientId: 'reader', clientSecret: 'reader-secret-123', scopes: READ_ONLY }],
          tokenRateLimitPerMinute: 0,
        }).handlers,
    });
    try {
      const result = await runCli(['officernd', 'members'], {
        ...env,
        OFFICERND_BASE_URL: `${limited.origin}/api-host`,
        OFFICERND_IDENTITY_URL: `${limited.origin}/identity-host`,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^error \[token_request_failed\]: .*429: Too many requests, please try again later/,
      );
      expect(result.stderr).toMatch(/^hint: .*/m);
      expect(result.stderr.split('\n').find((line) => line.startsWith('hint: '))).toMatch(BUDGET_HINT);
    } finally {
      await limited.close();
    }
  });

  it('OFFICERND_SCOPES without what the command needs: missing_scope before any request, with how to add it', async () => {
    const result = await runCli(['officernd', 'sync', '--dry-run'], {
      ...env,
      OFFICERND_SCOPES: 'flex.community.members.read flex.billing.plans.read',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \[missing_scope\]: .*'flex\.community\.memberships\.read'/);
    expect(result.stderr).toMatch(/^hint: .*OFFICERND_SCOPES/m);
  });
});
