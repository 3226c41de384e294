import type { SsoFields } from './sso-fields.js';
import { httpBuildNestedQuery, type SsoQueryFields } from './sso-query.js';

/**
 * @internal The plaintext of an SSO v2 link built by the high-level API (`createSsoUrl`, the signer):
 * the validated fields, in the given order, as one query string the shop's `parse_str` reads back.
 * The one place that decides the layout of what gets encrypted; today exactly PHP's
 * `http_build_query($fields)`.
 */
export function buildSsoPayload(fields: SsoFields): string {
  return httpBuildNestedQuery(fields as SsoQueryFields);
}
