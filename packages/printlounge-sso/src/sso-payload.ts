import { alignedSsoQuery } from './layout-sso.js';
import type { SsoFields } from './sso-fields.js';

/**
 * @internal The plaintext of an SSO v2 link built by the high-level API (`createSsoUrl`, the signer):
 * the validated fields, in the given order, as one query string the shop's `parse_str` reads back.
 * The one place that decides the layout of what gets encrypted: the splice-resistant layout of
 * layout-sso.ts, which PHP reads exactly like `http_build_query($fields)`.
 */
export function buildSsoPayload(fields: SsoFields): string {
  return alignedSsoQuery(fields);
}
