/**
 * Store keys and sealed values for things made from credentials (access tokens).
 *
 * A shared store (one Redis for several tenants, or one tenant whose secret was rotated) must
 * never hand a caller a token that other credentials obtained. So the key is a digest of *all*
 * the credential material — a wrong password gives another key and a login of its own — and the
 * value is encrypted with a key derived from the same material, so a token cannot be read out of
 * the store by anyone who does not hold the credentials that made it. Only Web Crypto is used,
 * which every supported runtime has.
 */

const encoder = new TextEncoder();

function subtle(): SubtleCrypto {
  const crypto = globalThis.crypto;
  if (crypto?.subtle === undefined) {
    throw new TypeError('vendorkit needs Web Crypto (globalThis.crypto.subtle): Node 20.19+, Deno, Bun or a browser.');
  }
  return crypto.subtle;
}

/** One unambiguous byte string for a purpose and a list of strings (JSON keeps the boundaries). */
function material(purpose: string, parts: readonly string[]): Uint8Array<ArrayBuffer> {
  return encoder.encode(JSON.stringify([`vendorkit/${purpose}`, ...parts]));
}

function toHex(bytes: ArrayBuffer): string {
  let out = '';
  for (const byte of new Uint8Array(bytes)) out += byte.toString(16).padStart(2, '0');
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const binary = atob(text);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

/**
 * `namespace:` followed by the hex SHA-256 of every part (JSON-framed, so `['a','bc']` and
 * `['ab','c']` differ). Pass all credential material — ids, secrets, scopes, URLs — so that any
 * difference in any of them gives another key. The secret itself never appears in the key.
 */
export async function credentialKey(namespace: string, parts: readonly string[]): Promise<string> {
  return `${namespace}:${toHex(await subtle().digest('SHA-256', material('key', parts)))}`;
}

/** Encrypts and decrypts values with a key derived from credentials (AES-256-GCM). */
export interface CredentialSeal {
  /** `v1.<iv>.<ciphertext>` in base64: opaque to anyone without the credentials. */
  seal(plaintext: string): Promise<string>;
  /** The plaintext, or `undefined` when `sealed` was not sealed with these credentials (or was altered). */
  open(sealed: string): Promise<string | undefined>;
}

/**
 * A {@link CredentialSeal} keyed by the SHA-256 of the credential material (a digest distinct
 * from {@link credentialKey}'s, so the store key reveals nothing about the encryption key).
 */
export async function credentialSeal(parts: readonly string[]): Promise<CredentialSeal> {
  const crypto = subtle();
  const raw = await crypto.digest('SHA-256', material('seal', parts));
  const key = await crypto.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  return {
    async seal(plaintext) {
      const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
      const ciphertext = await crypto.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(plaintext));
      return `v1.${toBase64(iv)}.${toBase64(new Uint8Array(ciphertext))}`;
    },
    async open(sealed) {
      const [version, ivText, dataText, ...rest] = sealed.split('.');
      if (version !== 'v1' || ivText === undefined || dataText === undefined || rest.length > 0) return undefined;
      const iv = fromBase64(ivText);
      const data = fromBase64(dataText);
      if (iv?.length !== 12 || data === undefined) return undefined;
      try {
        const plain = await crypto.decrypt({ name: 'AES-GCM', iv }, key, data);
        return new TextDecoder('utf-8', { fatal: true }).decode(plain);
      } catch {
        return undefined;
      }
    },
  };
}
