import { SCOPES } from '../auth/scopes.js';
import type { MembershipQuery } from '../pagination.js';
import { type Membership, membershipSchema } from '../schemas.js';
import type { Transport } from '../transport.js';
import { createReadableResource, type ReadableResource } from './base.js';

/** `client.memberships`: read-only access to memberships; filter with `{ member: id }`. */
export type MembershipsResource = ReadableResource<Membership, MembershipQuery>;

/** Builds `client.memberships` on `transport`. */
export function createMembershipsResource(transport: Transport): MembershipsResource {
  return createReadableResource(transport, {
    path: 'memberships',
    item: membershipSchema,
    readScope: SCOPES.membershipsRead,
  });
}
