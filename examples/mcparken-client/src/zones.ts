import type { McParkenSession } from 'vendorkit/mcparken-session';

/** A parking zone as the sample endpoint returns it (only the fields this example reads). */
export interface ParkingZone {
  id?: string | number;
  name?: string;
  [field: string]: unknown;
}

/**
 * Calls a protected McParken endpoint through the session's `http` client, which adds the
 * apikey and the bearer token, and renews the token once if McParken says it expired.
 * `signal` cancels the call (login included); `timeoutMs` bounds it, retries and renewal included.
 */
export async function listParkingZones(
  session: McParkenSession,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<ParkingZone[]> {
  return session.http.get('parking/zones', options).json<ParkingZone[]>();
}
