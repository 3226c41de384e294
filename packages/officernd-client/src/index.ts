export {
  type ClientHooks,
  ConfigurationError,
  createMemoryStore,
  isVendorkitError,
  type Logger,
  type RequestInfo,
  type RequestOptions,
  type Store,
} from '@vendorkit/core';
export { DEFAULT_SCOPES, MEMBER_SYNC_SCOPES, type OfficeRnDScope, SCOPES } from './auth/scopes.js';
export {
  DEFAULT_BASE_URL,
  DEFAULT_IDENTITY_URL,
  DEFAULT_SIGN_IN_PATH,
  OfficeRnDClient,
  type OfficeRnDClientOptions,
  type OfficeRnDClientStats,
} from './client.js';
export {
  isOfficeRnDError,
  OfficeRnDError,
  type OfficeRnDErrorCode,
  type OfficeRnDErrorDetails,
  SyncError,
  type SyncErrorCode,
  type WebhookFailureReason,
  WebhookVerificationError,
} from './errors.js';
export {
  type CompanyQuery,
  type DateFilter,
  type FieldFilter,
  type FilterScalar,
  type ListQuery,
  MAX_PAGE_SIZE,
  type MemberQuery,
  type MembershipQuery,
  type PlanQuery,
  serializeQuery,
  type WebhookQuery,
} from './pagination.js';
export type { AuthResource, SignInResult } from './resources/auth.js';
export type { ReadableResource } from './resources/base.js';
export type { CompaniesResource } from './resources/companies.js';
export type {
  MemberCreateInput,
  MembersResource,
  MemberUpdateInput,
  MemberUpdateMethod,
  PortalAccessInput,
} from './resources/members.js';
export type { MembershipsResource } from './resources/memberships.js';
export type { PlansResource } from './resources/plans.js';
export type { WebhookCreateInput, WebhooksResource } from './resources/webhooks.js';
export {
  type Company,
  companySchema,
  type Member,
  type MemberStatus,
  type Membership,
  type MembershipCalculatedStatus,
  memberSchema,
  membershipSchema,
  type Page,
  type Plan,
  planSchema,
  type UserProfile,
  type UserToken,
  userProfileSchema,
  userTokenSchema,
  type Webhook,
  webhookSchema,
} from './schemas.js';
export {
  type AccessTarget,
  type AccessUser,
  createMemberSync,
  type FullSyncOptions,
  type FullSyncReport,
  type HandleEventOptions,
  type HandleEventResult,
  type MemberSync,
  type MemberSyncOptions,
  type SyncPhase,
  type SyncProgress,
  type TargetCallOptions,
} from './sync.js';
export {
  type CompanyEvent,
  DEFAULT_SIGNATURE_NAME,
  isCompanyEvent,
  isMemberEvent,
  isMembershipEvent,
  type MemberEvent,
  type MembershipEvent,
  type OfficeRnDWebhookEvent,
  type OtherWebhookEvent,
  type RawBody,
  SIGNATURE_HEADER,
  type SignWebhookOptions,
  signWebhookPayload,
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookEventBase,
} from './webhooks.js';
