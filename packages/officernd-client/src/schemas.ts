import { z } from 'zod';

/**
 * Zod schemas of the OfficeRnD Flex v2 objects this package reads. Every object schema
 * is loose: unknown fields are kept, so a field OfficeRnD adds tomorrow still reaches you.
 * Only the fields the client relies on are required (`_id`, and `results` on pages).
 */

/** A reference to another object: OfficeRnD sends an id, or sometimes the populated object; both become the id. */
export const refSchema = z.union([z.string(), z.looseObject({ _id: z.string() }).transform((o) => o._id)]);

const optionalText = z.string().nullish();

/** Member statuses documented by OfficeRnD; other strings are accepted too. */
export type MemberStatus = 'active' | 'former' | 'pending' | 'contact' | 'not_approved' | 'drop-in' | 'lead';

/** An OfficeRnD member (`GET /members`). */
export const memberSchema = z.looseObject({
  _id: z.string(),
  name: optionalText,
  email: optionalText,
  phone: optionalText,
  location: refSchema.nullish(),
  company: refSchema.nullish(),
  status: z.string().nullish(),
  startDate: optionalText,
  tags: z.array(z.string()).nullish(),
  properties: z.record(z.string(), z.unknown()).nullish(),
  createdAt: optionalText,
  modifiedAt: optionalText,
});
/** An OfficeRnD member; unknown fields are kept. */
export type Member = z.infer<typeof memberSchema> & { status?: MemberStatus | (string & {}) | null };

/** An OfficeRnD company (`GET /companies`). */
export const companySchema = z.looseObject({
  _id: z.string(),
  name: optionalText,
  email: optionalText,
  location: refSchema.nullish(),
  status: z.string().nullish(),
  createdAt: optionalText,
  modifiedAt: optionalText,
});
/** An OfficeRnD company; unknown fields are kept. */
export type Company = z.infer<typeof companySchema>;

/** An OfficeRnD plan (`GET /plans`). */
export const planSchema = z.looseObject({
  _id: z.string(),
  name: optionalText,
  code: optionalText,
  type: optionalText,
  price: z.number().nullish(),
  locations: z.array(refSchema).nullish(),
});
/** An OfficeRnD plan; unknown fields are kept. */
export type Plan = z.infer<typeof planSchema>;

/** `calculatedStatus` values documented by OfficeRnD; other strings are accepted too. */
export type MembershipCalculatedStatus = 'not_started' | 'active' | 'expired' | 'not_approved';

/** An OfficeRnD membership (`GET /memberships`): a member's (or company's) plan over a period. */
export const membershipSchema = z.looseObject({
  _id: z.string(),
  name: optionalText,
  plan: refSchema.nullish(),
  member: refSchema.nullish(),
  company: refSchema.nullish(),
  status: z.string().nullish(),
  calculatedStatus: z.string().nullish(),
  startDate: optionalText,
  endDate: optionalText,
  createdAt: optionalText,
  modifiedAt: optionalText,
});
/** An OfficeRnD membership; unknown fields are kept. */
export type Membership = z.infer<typeof membershipSchema> & {
  calculatedStatus?: MembershipCalculatedStatus | (string & {}) | null;
};

/** A webhook subscription (`GET /webhooks`). */
export const webhookSchema = z.looseObject({
  _id: z.string(),
  url: z.string(),
  description: optionalText,
  eventTypes: z.array(z.string()).nullish(),
  secret: optionalText,
  isEnabled: z.boolean().nullish(),
});
/** A webhook subscription; `secret` is what `verifyWebhook` needs. */
export type Webhook = z.infer<typeof webhookSchema>;

/** The profile returned by "Sign in a user". */
export const userProfileSchema = z.looseObject({
  _id: z.string(),
  email: optionalText,
  name: optionalText,
  image: optionalText,
});
/** The signed-in user's profile; unknown fields are kept. */
export type UserProfile = z.infer<typeof userProfileSchema>;

/** One page of a v2 list: `results` plus cursors (`null` at the ends). */
export interface Page<T> {
  results: T[];
  cursorNext: string | null;
  cursorPrev: string | null;
  rangeStart?: number | null;
  rangeEnd?: number | null;
  [key: string]: unknown;
}

/** Builds the schema of a page of `item`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    results: z.array(item),
    cursorNext: z
      .string()
      .nullish()
      .transform((v) => v ?? null),
    cursorPrev: z
      .string()
      .nullish()
      .transform((v) => v ?? null),
    rangeStart: z.number().nullish(),
    rangeEnd: z.number().nullish(),
  });
}

/** The OAuth token response of `POST /oauth/token`. */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive().optional(),
  scope: z.string().optional(),
});

/** A NestJS error body `{ statusCode, message, error }`, or an OAuth one `{ error, error_description }`. */
export const errorBodySchema = z.looseObject({
  statusCode: z.number().optional(),
  message: z.union([z.string(), z.array(z.unknown())]).optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

/** Reads a webhook event envelope; `data.object` is checked per event type in `verifyWebhook`. */
export const webhookEnvelopeSchema = z.looseObject({
  event: z.string().min(1),
  eventType: z.string().min(1),
  data: z.looseObject({
    object: z.unknown(),
    previousAttributes: z.record(z.string(), z.unknown()).nullish(),
  }),
  createdAt: z.string().nullish(),
});
