/**
 * An OfficeRnD app granted only read scopes: the CLI must ask for no more than each command
 * needs, since OfficeRnD refuses a token request with any ungranted scope.
 */
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
