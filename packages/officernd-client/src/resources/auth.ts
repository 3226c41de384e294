import type { RequestOptions } from '@vendorkit/core';
import { SCOPES } from '../auth/scopes.js';
import { OfficeRnDError } from '../errors.js';
import {
  signInAnswerSchema,
  type UserProfile,
  type UserToken,
  userProfileSchema,
  userTokenSchema,
} from '../schemas.js';
import type { Transport } from '../transport.js';

/** What `auth.signIn` resolves to: the user token, the profile, or both (at least one). */
export interface SignInResult {
  /** The user token OfficeRnD answered with (for its User API), when it sent one. A secret: never log it. */
  token?: UserToken;
  /** The user's profile `{ _id, email, name, image }`, when the answer carries one. */
  profile?: UserProfile;
}

/** `client.auth`: member credentials checks. */
export interface AuthResource {
  /**
   * "Sign in a user" (scope `flex.user.auth.signin`): checks a member's OfficeRnD email and
   * password. OfficeRnD answers with an OAuth user token (and may add the profile); both are
   * returned as they come. Wrong credentials reject with `unauthorized` (or `validation_failed`).
   * The password is never kept nor shown in errors. OfficeRnD is not an OpenID provider.
   */
  signIn(credentials: { email: string; password: string }, options?: RequestOptions): Promise<SignInResult>;
}

const TOKEN_FIELDS = new Set(['access_token', 'token_type', 'expires_in', 'refresh_token', 'scope']);

/** Builds `client.auth` on `transport`; `signInPath` is relative to the organisation. */
export function createAuthResource(transport: Transport, signInPath: string): AuthResource {
  return {
    async signIn(credentials, options) {
      const { email, password } = credentials ?? ({} as { email?: unknown; password?: unknown });
      if (typeof email !== 'string' || email === '' || typeof password !== 'string' || password === '') {
        throw new OfficeRnDError(
          'invalid_query',
          'auth.signIn needs { email: string, password: string }, both non-empty.',
        );
      }
      const answer = await transport.request(
        {
          method: 'POST',
          call: 'auth.signIn',
          scope: SCOPES.userSignIn,
          path: signInPath,
          json: { email, password },
          schema: signInAnswerSchema,
          // A 401 here means wrong credentials: renewing the app token would only spend the token rate limit.
          renewOn401: false,
          secret: password,
        },
        options,
      );
      const { user, ...rest } = answer;
      const result: SignInResult = {};
      if (rest.access_token !== undefined) {
        result.token = userTokenSchema.parse(
          Object.fromEntries(Object.entries(rest).filter(([key]) => TOKEN_FIELDS.has(key))),
        );
      }
      if (user !== undefined) result.profile = user;
      else if (rest._id !== undefined) {
        result.profile = userProfileSchema.parse(
          Object.fromEntries(Object.entries(rest).filter(([key]) => !TOKEN_FIELDS.has(key))),
        );
      }
      return result;
    },
  };
}
