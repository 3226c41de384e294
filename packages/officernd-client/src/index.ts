export {
  type ClientHooks,
  ConfigurationError,
  isVendorkitError,
  type Logger,
  type RequestInfo,
  type RequestOptions,
  type Store,
} from '@vendorkit/core';
export { DEFAULT_SCOPES, MEMBER_SYNC_SCOPES, type OfficeRnDScope, SCOPES } from './auth/scopes.js';
export { OfficeRnDClient, type OfficeRnDClientOptions, type OfficeRnDClientStats } from './client.js';
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
export type {
  CompanyQuery,
  DateFilter,
  FieldFilter,
  FilterScalar,
  ListQuery,
  MemberQuery,
  MembershipQuery,
  PlanQuery,
  WebhookQuery,
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
