import { isMcParkenError, McParkenSession, type McParkenSessionOptions } from 'vendorkit/mcparken-session';
import { listParkingZones } from './zones.js';

/** How the scenario makes the current token expire (the sandbox can revoke it server-side). */
export type ExpireToken = () => Promise<void> | void;

const prefix = (token: string) => `${token.slice(0, 6)}…`;

/**
 * Logs in, calls the protected zones endpoint, lets the token expire, and calls again: the
 * second call still succeeds because the session renews the token on McParken's
 * "access token has expired" answer and retries once. Resolves to what happened.
 */
export async function runMcParkenScenario(
  options: McParkenSessionOptions,
  expireToken: ExpireToken,
  log: (line: string) => void = console.log,
): Promise<{ firstToken: string; secondToken: string; zones: number }> {
  const session = new McParkenSession(options);
  const first = await session.getSession();
  log(
    `logged in (user id ${first.userId ?? '?'}), token ${prefix(first.accessToken)} valid until ${first.expiresAt.toISOString()}`,
  );
  const zones = await listParkingZones(session, { timeoutMs: 15_000 });
  log(`GET parking/zones → ${zones.length} zone(s)`);
  await expireToken();
  log('token expired on the server side');
  try {
    const again = await listParkingZones(session, { timeoutMs: 15_000 });
    log(`GET parking/zones → ${again.length} zone(s), after a transparent token renewal`);
  } catch (error) {
    if (isMcParkenError(error)) log(`call failed with ${error.code}: ${error.message}`);
    throw error;
  }
  const second = await session.getSession();
  if (second.accessToken === first.accessToken) throw new Error('Expected the session to have renewed its token.');
  log(`new token ${prefix(second.accessToken)} valid until ${second.expiresAt.toISOString()}`);
  return { firstToken: first.accessToken, secondToken: second.accessToken, zones: zones.length };
}
