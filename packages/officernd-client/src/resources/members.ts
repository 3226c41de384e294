import { OfficeRnDError } from '../errors.js';
import type { MemberQuery } from '../pagination.js';
import { type Member, memberSchema } from '../schemas.js';
import type { Transport } from '../transport.js';
import { createReadableResource, pathId, type ReadableResource } from './base.js';

/** Fields of a new member. OfficeRnD requires `name`, `location` (id) and `startDate`. */
export interface MemberCreateInput {
  name: string;
  location: string;
  startDate: string;
  email?: string;
  phone?: string;
  company?: string;
  properties?: Record<string, unknown>;
  [field: string]: unknown;
}

/** Fields to change on a member. */
export type MemberUpdateInput = Partial<MemberCreateInput>;

/** Body of `members.setPortalAccess`. */
export interface PortalAccessInput {
  /** Whether the member may use the Member App / portal. */
  isPortalAccessEnabled: boolean;
  /** Email the member an invitation. */
  shouldSendInvitation?: boolean;
}

/** The HTTP verb used by `members.update` (unconfirmed by OfficeRnD's docs, hence configurable). */
export type MemberUpdateMethod = 'PUT' | 'PATCH';

/** `client.members`: read, create, update, delete members and switch their portal access. */
export interface MembersResource extends ReadableResource<Member, MemberQuery> {
  /** `POST /members`; returns the created member. */
  create(input: MemberCreateInput): Promise<Member>;
  /** `PUT /members/{id}` (or PATCH, see the client's `memberUpdateMethod`); returns the updated member. */
  update(id: string, input: MemberUpdateInput): Promise<Member>;
  /** `DELETE /members/{id}`. */
  delete(id: string): Promise<void>;
  /** `PUT /members/{id}/portal-access` (204): enables or disables Member App access. */
  setPortalAccess(id: string, input: PortalAccessInput): Promise<void>;
}

/** Builds `client.members` on `transport`; `updateMethod` is the verb of `update`. */
export function createMembersResource(transport: Transport, updateMethod: MemberUpdateMethod): MembersResource {
  const path = 'members';
  const body = (input: unknown, what: string) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new OfficeRnDError('invalid_query', `${what} needs an object of member fields.`);
    }
    return input;
  };
  return {
    ...createReadableResource(transport, path, memberSchema),
    async create(input) {
      return transport.request({ method: 'POST', path, json: body(input, 'members.create'), schema: memberSchema });
    },
    async update(id, input) {
      return transport.request({
        method: updateMethod,
        path: `${path}/${pathId('member', id)}`,
        json: body(input, 'members.update'),
        schema: memberSchema,
      });
    },
    async delete(id) {
      await transport.request({ method: 'DELETE', path: `${path}/${pathId('member', id)}`, schema: undefined });
    },
    async setPortalAccess(id, input) {
      if (typeof input?.isPortalAccessEnabled !== 'boolean') {
        throw new OfficeRnDError('invalid_query', 'setPortalAccess needs { isPortalAccessEnabled: boolean }.');
      }
      await transport.request({
        method: 'PUT',
        path: `${path}/${pathId('member', id)}/portal-access`,
        json: {
          isPortalAccessEnabled: input.isPortalAccessEnabled,
          shouldSendInvitation: input.shouldSendInvitation ?? false,
        },
        schema: undefined,
      });
    },
  };
}
