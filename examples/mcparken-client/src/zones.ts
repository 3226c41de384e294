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
 */
export async function listParkingZones(session: McParkenSession): Promise<ParkingZone[]> {
  return session.http.get('parking/zones').json<ParkingZone[]>();
}
