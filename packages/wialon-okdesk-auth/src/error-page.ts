import type { WialonAuthReason } from './errors.js';

const TEXT: Record<WialonAuthReason, { title: string; body: string }> = {
  missing_parameter: {
    title: 'Incomplete sign-in link',
    body: 'The link that brought you here is missing information. Open the Okdesk application from Wialon again.',
  },
  untrusted_base_url: {
    title: 'Sign-in refused',
    body: 'This link does not come from a Wialon server this portal trusts. Open the Okdesk application from your Wialon account.',
  },
  invalid_auth_hash: {
    title: 'Sign-in link expired',
    body: 'Wialon did not confirm this sign-in link; it may have expired. Open the Okdesk application from Wialon again.',
  },
  user_mismatch: {
    title: 'Sign-in refused',
    body: 'Wialon did not confirm the user named in this link. Open the Okdesk application from Wialon again.',
  },
  unknown_contact: {
    title: 'No portal account',
    body: 'Your Wialon user name is not the login of a contact in this portal. Ask your service provider to add it.',
  },
  replayed: {
    title: 'Sign-in link already used',
    body: 'Each sign-in link works once. Open the Okdesk application from Wialon again.',
  },
  replay_store_full: {
    title: 'Sign-in temporarily unavailable',
    body: 'Too many sign-in attempts arrived at once. Please open the Okdesk application from Wialon again in a few minutes.',
  },
  upstream_unavailable: {
    title: 'Sign-in temporarily unavailable',
    body: 'We could not reach a service needed to sign you in. Please try again in a minute.',
  },
};

/**
 * Headers for every answer of `handle()`: never cached, and no `Referer` sent onwards, because
 * the URL of this page holds the auth hash.
 */
export const SAFE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/**
 * A static HTML page for a refusal. It contains only fixed text and the reason name, never
 * anything from the request, so it cannot leak the hash or carry injected markup.
 */
export function refusalPage(reason: WialonAuthReason | 'method_not_allowed', status: number): Response {
  const text =
    reason === 'method_not_allowed'
      ? { title: 'Method not allowed', body: 'Open this address with a normal link (GET).' }
      : TEXT[reason];
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${text.title}</title></head>
<body><h1>${text.title}</h1><p>${text.body}</p><p><small>Reference: ${reason}</small></p></body></html>
`;
  const headers: Record<string, string> = {
    ...SAFE_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'",
  };
  if (reason === 'method_not_allowed') headers.allow = 'GET';
  return new Response(html, { status, headers });
}
