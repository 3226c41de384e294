import type { RequestOptions } from '@vendorkit/core';
import { SCOPES } from '../auth/scopes.js';
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
  /** `POST /members` (scope `flex.community.members.create`); returns the created member. */
  create(input: MemberCreateInput, options?: RequestOptions): Promise<Member>;
  /**
   * `PUT /members/{id}` (or PATCH, see the client's `memberUpdateMethod`; scope
   * `flex.community.members.update`); returns the updated member.
   */
  update(id: string, input: MemberUpdateInput, options?: RequestOptions): Promise<Member>;
  /** `DELETE /members/{id}` (scope `flex.community.members.delete`). */
  delete(id: string, options?: RequestOptions): Promise<void>;
  /**
   * `PUT /members/{id}/portal-access` (204; scope `flex.community.members.portalAccess.update`,
   * not `members.update`): enables or disables Member App access.
   */
  setPortalAccess(id: string, input: PortalAccessInput, options?: RequestOptions): Promise<void>;
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
    ...createReadableResource(transport, { path, item: memberSchema, readScope: SCOPES.membersRead }),
    async create(input, options) {
      return transport.request(
        {
          method: 'POST',
          call: 'members.create',
          scope: SCOPES.membersCreate,
          path,
          json: body(input, 'members.create'),
          schema: memberSchema,
        },
        options,
      );
    },
    async update(id, input, options) {
      return transport.request(
        {
          method: updateMethod,
          call: 'members.update',
          scope: SCOPES.membersUpdate,
          path: `${path}/${pathId('member', id)}`,
          json: body(input, 'members.update'),
          schema: memberSchema,
        },
        options,
      );
    },
    async delete(id, options) {
      await transport.request(
        {
          method: 'DELETE',
          call: 'members.delete',
          scope: SCOPES.membersDelete,
          path: `${path}/${pathId('member', id)}`,
          schema: undefined,
        },
        options,
      );
    },
    async setPortalAccess(id, input, options) {
      if (typeof input?.isPortalAccessEnabled !== 'boolean') {
        throw new OfficeRnDError('invalid_query', 'setPortalAccess needs { isPortalAccessEnabled: boolean }.');
      }
      await transport.request(
        {
          method: 'PUT',
          call: 'members.setPortalAccess',
          scope: SCOPES.membersPortalAccessUpdate,
          path: `${path}/${pathId('member', id)}/portal-access`,
          json: {
            isPortalAccessEnabled: input.isPortalAccessEnabled,
            shouldSendInvitation: input.shouldSendInvitation ?? false,
          },
          schema: undefined,
        },
        options,
      );
    },
  };
}
