import * as z from 'zod/mini';

/**
 * Zod schemas (`zod/mini`) of the OfficeRnD Flex v2 objects this package reads. Every object schema
 * is loose: unknown fields are kept, so a field OfficeRnD adds tomorrow still reaches you.
 * Only the fields the client relies on are required (`_id`, and `results` on pages).
 */

/** A reference to another object: OfficeRnD sends an id, or sometimes the populated object; both become the id. */
export const refSchema = z.union([
  z.string(),
  z.pipe(
    z.looseObject({ _id: z.string() }),
    z.transform((o: { _id: string }) => o._id),
  ),
]);

const optionalText = z.nullish(z.string());

/** Member statuses documented by OfficeRnD; other strings are accepted too. */
export type MemberStatus = 'active' | 'former' | 'pending' | 'contact' | 'not_approved' | 'drop-in' | 'lead';

/** An OfficeRnD member (`GET /members`). */
export const memberSchema = z.looseObject({
  _id: z.string(),
  name: optionalText,
  email: optionalText,
  phone: optionalText,
  location: z.nullish(refSchema),
  company: z.nullish(refSchema),
  status: z.nullish(z.string()),
  startDate: optionalText,
  tags: z.nullish(z.array(z.string())),
  properties: z.nullish(z.record(z.string(), z.unknown())),
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
  location: z.nullish(refSchema),
  status: z.nullish(z.string()),
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
  price: z.nullish(z.number()),
  locations: z.nullish(z.array(refSchema)),
});
/** An OfficeRnD plan; unknown fields are kept. */
export type Plan = z.infer<typeof planSchema>;

/** `calculatedStatus` values documented by OfficeRnD; other strings are accepted too. */
export type MembershipCalculatedStatus = 'not_started' | 'active' | 'expired' | 'not_approved';

/** An OfficeRnD membership (`GET /memberships`): a member's (or company's) plan over a period. */
export const membershipSchema = z.looseObject({
  _id: z.string(),
  name: optionalText,
  plan: z.nullish(refSchema),
  member: z.nullish(refSchema),
  company: z.nullish(refSchema),
  status: z.nullish(z.string()),
  calculatedStatus: z.nullish(z.string()),
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
  eventTypes: z.nullish(z.array(z.string())),
  secret: optionalText,
  isEnabled: z.nullish(z.boolean()),
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
export interface UserProfile {
  _id: string;
  email?: string | null;
  name?: string | null;
  image?: string | null;
  [field: string]: unknown;
}

/** The OAuth token "Sign in a user" answers with: a user token for OfficeRnD's User API. */
export const userTokenSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  token_type: z.optional(z.string()),
  expires_in: z.optional(z.number()),
  refresh_token: z.optional(z.string()),
  scope: z.optional(z.string()),
});
/** A user token (OAuth field names); unknown fields are kept. Treat it as a secret. */
export interface UserToken {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  [field: string]: unknown;
}

/**
 * The answer of "Sign in a user": an OAuth token (OfficeRnD's guide), a profile (its API
 * reference), or a token with the profile under `user` or beside it.
 */
export const signInAnswerSchema = z
  .looseObject({
    access_token: z.optional(z.string().check(z.minLength(1))),
    _id: z.optional(z.string()),
    user: z.optional(userProfileSchema),
  })
  .check(
    z.refine((answer) => answer.access_token !== undefined || answer._id !== undefined || answer.user !== undefined, {
      message: 'expected an OAuth token (access_token) or a user profile (_id)',
    }),
  );

/** One page of a v2 list: `results` plus cursors (`null` at the ends). */
export interface Page<T> {
  results: T[];
  cursorNext: string | null;
  cursorPrev: string | null;
  rangeStart?: number | null;
  rangeEnd?: number | null;
  [key: string]: unknown;
}

/** A page cursor: a string, or `null` at the ends (absent counts as `null`). */
const cursorSchema = z.pipe(
  z.nullish(z.string()),
  z.transform((v: string | null | undefined) => v ?? null),
);

/** Builds the schema of a page of `item`. */
export function pageSchema<T extends z.ZodMiniType>(item: T) {
  return z.looseObject({
    results: z.array(item),
    cursorNext: cursorSchema,
    cursorPrev: cursorSchema,
    rangeStart: z.nullish(z.number()),
    rangeEnd: z.nullish(z.number()),
  });
}

/** The OAuth token response of `POST /oauth/token`. */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  token_type: z.optional(z.string()),
  expires_in: z.optional(z.number().check(z.positive())),
  scope: z.optional(z.string()),
});

/** A NestJS error body `{ statusCode, message, error }`, or an OAuth one `{ error, error_description }`. */
export const errorBodySchema = z.looseObject({
  statusCode: z.optional(z.number()),
  message: z.optional(z.union([z.string(), z.array(z.unknown())])),
  error: z.optional(z.string()),
  error_description: z.optional(z.string()),
});

/**
 * Reads a webhook event envelope; `data.object` is checked per event type in `verifyWebhook`.
 * `event` (the id) is optional: VENDORS.md §1 [O], the official demo reads only `eventType` and
 * `data.*` and no public payload shows the id.
 */
export const webhookEnvelopeSchema = z.looseObject({
  event: z.optional(z.string().check(z.minLength(1))),
  eventType: z.string().check(z.minLength(1)),
  data: z.looseObject({
    object: z.unknown(),
    previousAttributes: z.nullish(z.record(z.string(), z.unknown())),
  }),
  createdAt: z.nullish(z.string()),
});
