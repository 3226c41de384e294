import { OfficeRnDError } from '../errors.js';
import { type UserProfile, userProfileSchema } from '../schemas.js';
import type { Transport } from '../transport.js';

/** `client.auth`: member credentials checks. */
export interface AuthResource {
  /**
   * "Sign in a user" (scope `flex.user.auth.signin`): checks a member's OfficeRnD email and
   * password and returns their profile; wrong credentials reject with `unauthorized`
   * (or `validation_failed`). The password is never kept nor shown in errors. OfficeRnD
   * is not an OpenID provider: this is a credentials check, not a session.
   */
  signIn(credentials: { email: string; password: string }): Promise<UserProfile>;
}

/** Builds `client.auth` on `transport`; `signInPath` is relative to the organisation. */
export function createAuthResource(transport: Transport, signInPath: string): AuthResource {
  return {
    async signIn(credentials) {
      const { email, password } = credentials ?? ({} as { email?: unknown; password?: unknown });
      if (typeof email !== 'string' || email === '' || typeof password !== 'string' || password === '') {
        throw new OfficeRnDError(
          'invalid_query',
          'auth.signIn needs { email: string, password: string }, both non-empty.',
        );
      }
      return transport.request({
        method: 'POST',
        path: signInPath,
        json: { email, password },
        schema: userProfileSchema,
        // A 401 here means wrong credentials: renewing the app token would only spend the token rate limit.
        renewOn401: false,
        extraSecrets: [password],
      });
    },
  };
}
