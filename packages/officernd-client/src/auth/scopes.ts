import { OfficeRnDError } from '../errors.js';

/**
 * The OfficeRnD Flex v2 scopes this client's calls need, by call. Names marked [C] in OfficeRnD's
 * docs: members read/create/update, memberships read, `members.portalAccess.update`,
 * `user.auth.signin`; the others are seen in public integrations ([O]).
 */
export const SCOPES = Object.freeze({
  membersRead: 'flex.community.members.read',
  membersCreate: 'flex.community.members.create',
  membersUpdate: 'flex.community.members.update',
  membersDelete: 'flex.community.members.delete',
  membersPortalAccessUpdate: 'flex.community.members.portalAccess.update',
  companiesRead: 'flex.community.companies.read',
  membershipsRead: 'flex.community.memberships.read',
  plansRead: 'flex.billing.plans.read',
  webhooksRead: 'flex.settings.webhooks.read',
  webhooksCreate: 'flex.settings.webhooks.create',
  webhooksDelete: 'flex.settings.webhooks.delete',
  userSignIn: 'flex.user.auth.signin',
} as const);

/** One of {@link SCOPES}. */
export type OfficeRnDScope = (typeof SCOPES)[keyof typeof SCOPES];

/**
 * Scopes requested by default: reading members, companies, memberships and plans — what an
 * OfficeRnD app with read permissions is granted. OfficeRnD refuses a token request as a whole
 * when it asks for one scope the app lacks, so writes, webhooks and sign-in are opt-in:
 * `scopes: [...DEFAULT_SCOPES, SCOPES.membersUpdate]`.
 */
export const DEFAULT_SCOPES: readonly string[] = Object.freeze([
  SCOPES.membersRead,
  SCOPES.companiesRead,
  SCOPES.membershipsRead,
  SCOPES.plansRead,
]);

/** What `createMemberSync` reads: members, memberships and plans. */
export const MEMBER_SYNC_SCOPES: readonly string[] = Object.freeze([
  SCOPES.membersRead,
  SCOPES.membershipsRead,
  SCOPES.plansRead,
]);

/**
 * Throws `missing_scope` unless `scopes` (what the client requests) include `scope`, so a call
 * the token cannot authorise fails before any request, saying what to change.
 */
export function requireScope(scopes: readonly string[], scope: string, call: string): void {
  if (scopes.includes(scope)) return;
  const list = [...scopes, scope].map((s) => `'${s}'`).join(', ');
  throw new OfficeRnDError(
    'missing_scope',
    `${call} needs the OfficeRnD scope '${scope}', which this client does not request. Pass scopes: [${list}] to new OfficeRnDClient(...), and grant it to the OAuth app in OfficeRnD (Developer tools → Apps): a token request for a scope the app lacks fails as a whole.`,
    { scope },
  );
}
