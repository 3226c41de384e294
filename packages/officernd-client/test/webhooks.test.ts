import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import {
  isCompanyEvent,
  isMemberEvent,
  isMembershipEvent,
  isOfficeRnDError,
  isVendorkitError,
  signWebhookPayload,
  verifyWebhook,
  WebhookVerificationError,
} from '@vendorkit/officernd-client';
import { describe, expect, it, vi } from 'vitest';
import { rejection } from './helpers.js';

// Known-answer vector computed independently with PHP:
//   hash_hmac("sha256", $body . ".1714521600", "whsec_test_1")
const BODY =
  '{"event":"evt_1","eventType":"member.created","data":{"object":{"_id":"m1","name":"Zoë","status":"active"}},"createdAt":"2024-05-01T00:00:00.000Z"}';
const T = 1714521600;
const PHP_DIGEST = 'a6b24dc8dd31c6b072c81597ec0b2f8cba53fd361d5cf43fe69e017e1ada5587';
const SECRET = 'whsec_test_1';
const at = (seconds: number) => () => seconds * 1000;

async function reason(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(WebhookVerificationError);
  expect(isOfficeRnDError(error, 'webhook_signature_invalid')).toBe(true);
  return (error as WebhookVerificationError).reason;
}

describe('verifyWebhook', () => {
  it('accepts the PHP-computed signature (string, bytes and ArrayBuffer bodies) and returns the typed event', async () => {
    const header = `t=${T},signature=${PHP_DIGEST}`;
    const bytes = new TextEncoder().encode(BODY);
    for (const payload of [BODY, bytes, bytes.slice().buffer]) {
      const event = await verifyWebhook({ payload, signature: header, secret: SECRET, now: at(T + 10) });
      expect(event.eventType).toBe('member.created');
      expect(isMemberEvent(event)).toBe(true);
      if (isMemberEvent(event)) expect(event.data.object).toMatchObject({ _id: 'm1', name: 'Zoë', status: 'active' });
    }
  });

  it('signWebhookPayload matches an independent HMAC (node:crypto) and PHP', async () => {
    const header = await signWebhookPayload({ payload: BODY, secret: SECRET, timestamp: T });
    expect(header).toBe(`t=${T},signature=${PHP_DIGEST}`);
    const other = await signWebhookPayload({ payload: 'x', secret: 'k', timestamp: 5, signatureName: 'v1' });
    expect(other).toBe(`t=5,v1=${createHmac('sha256', 'k').update('x.5').digest('hex')}`);
  });

  it('reads the digest by position whatever its name, and accepts upper-case hex', async () => {
    for (const name of ['v1', 's', 'sig', 'signature']) {
      await expect(
        verifyWebhook({ payload: BODY, signature: `t=${T},${name}=${PHP_DIGEST}`, secret: SECRET, now: at(T) }),
      ).resolves.toBeTruthy();
    }
    await expect(
      verifyWebhook({
        payload: BODY,
        signature: `t=${T}, signature=${PHP_DIGEST.toUpperCase()}`,
        secret: SECRET,
        now: at(T),
      }),
    ).resolves.toBeTruthy();
  });

  it('rejects a tampered body, a wrong secret and a truncated digest as signature_mismatch', async () => {
    const header = `t=${T},signature=${PHP_DIGEST}`;
    expect(
      await reason(
        verifyWebhook({ payload: BODY.replace('Zoë', 'Zoe'), signature: header, secret: SECRET, now: at(T) }),
      ),
    ).toBe('signature_mismatch');
    expect(await reason(verifyWebhook({ payload: BODY, signature: header, secret: 'whsec_other', now: at(T) }))).toBe(
      'signature_mismatch',
    );
    expect(
      await reason(
        verifyWebhook({
          payload: BODY,
          signature: `t=${T},signature=${PHP_DIGEST.slice(0, 62)}`,
          secret: SECRET,
          now: at(T),
        }),
      ),
    ).toBe('signature_mismatch');
    // The timestamp is signed too: changing it breaks the signature.
    expect(
      await reason(
        verifyWebhook({ payload: BODY, signature: `t=${T + 1},signature=${PHP_DIGEST}`, secret: SECRET, now: at(T) }),
      ),
    ).toBe('signature_mismatch');
  });

  it('a re-serialised JSON body fails, and the error tells to pass the raw body', async () => {
    const reserialised = JSON.stringify(JSON.parse(BODY), null, 2);
    const error = await rejection(
      verifyWebhook({ payload: reserialised, signature: `t=${T},signature=${PHP_DIGEST}`, secret: SECRET, now: at(T) }),
    );
    expect(error).toMatchObject({ reason: 'signature_mismatch' });
    expect((error as Error).message).toMatch(/RAW request body/);
    // Passing the parsed object itself is refused with the same hint.
    const parsed = await rejection(
      verifyWebhook({ payload: JSON.parse(BODY), signature: `t=${T},signature=${PHP_DIGEST}`, secret: SECRET }),
    );
    expect(parsed).toMatchObject({ reason: 'invalid_payload' });
    expect((parsed as Error).message).toMatch(/RAW request body/);
  });

  it('enforces the timestamp tolerance in both directions (default 300 s)', async () => {
    const header = `t=${T},signature=${PHP_DIGEST}`;
    await expect(
      verifyWebhook({ payload: BODY, signature: header, secret: SECRET, now: at(T + 300) }),
    ).resolves.toBeTruthy();
    await expect(
      verifyWebhook({ payload: BODY, signature: header, secret: SECRET, now: at(T - 300) }),
    ).resolves.toBeTruthy();
    expect(await reason(verifyWebhook({ payload: BODY, signature: header, secret: SECRET, now: at(T + 301) }))).toBe(
      'timestamp_out_of_tolerance',
    );
    expect(await reason(verifyWebhook({ payload: BODY, signature: header, secret: SECRET, now: at(T - 301) }))).toBe(
      'timestamp_out_of_tolerance',
    );
    expect(
      await reason(
        verifyWebhook({ payload: BODY, signature: header, secret: SECRET, now: at(T + 61), toleranceSeconds: 60 }),
      ),
    ).toBe('timestamp_out_of_tolerance');
  });

  it.each([
    ['', 'missing_signature'],
    [undefined, 'missing_signature'],
    ['garbage', 'malformed_signature'],
    [`signature=${PHP_DIGEST},t=${T}`, 'malformed_signature'],
    [`t=${T}`, 'malformed_signature'],
    [`t=abc,signature=${PHP_DIGEST}`, 'malformed_signature'],
    [`t=${T},signature`, 'malformed_signature'],
    [`t=${T},signature=`, 'malformed_signature'],
    [`t=${T},signature=zz${PHP_DIGEST.slice(2)}`, 'signature_mismatch'],
  ])('header %j → %s', async (signature, expected) => {
    expect(await reason(verifyWebhook({ payload: BODY, signature, secret: SECRET, now: at(T) }))).toBe(expected);
  });

  it('a signed body that is not an OfficeRnD event is invalid_payload', async () => {
    for (const payload of [
      'not json',
      '[]',
      '{"event":"e"}',
      '{"event":"e","eventType":"member.updated","data":{"object":{"name":1}}}',
    ]) {
      const signature = await signWebhookPayload({ payload, secret: SECRET, timestamp: T });
      expect(await reason(verifyWebhook({ payload, signature, secret: SECRET, now: at(T) }))).toBe('invalid_payload');
    }
  });

  it('types membership, company and other events', async () => {
    const make = async (eventType: string, object: object) => {
      const payload = JSON.stringify({ event: `e-${eventType}`, eventType, data: { object } });
      return verifyWebhook({
        payload,
        signature: await signWebhookPayload({ payload, secret: SECRET }),
        secret: SECRET,
      });
    };
    const membership = await make('membership.updated', {
      _id: 'ms1',
      member: 'm1',
      plan: { _id: 'p1', name: 'Desk' },
      calculatedStatus: 'active',
    });
    expect(isMembershipEvent(membership)).toBe(true);
    if (isMembershipEvent(membership)) expect(membership.data.object.plan).toBe('p1');
    const company = await make('company.created', { _id: 'c1', name: 'Acme' });
    expect(isCompanyEvent(company)).toBe(true);
    const invoice = await make('invoice.created', { _id: 'i1', total: 10 });
    expect(isMemberEvent(invoice) || isMembershipEvent(invoice) || isCompanyEvent(invoice)).toBe(false);
    expect(invoice.data.object).toMatchObject({ _id: 'i1', total: 10 });
  });

  it('never puts the secret in an error', async () => {
    const secret = 'very-secret-webhook-key';
    const error = await rejection(
      verifyWebhook({ payload: BODY, signature: `t=${T},signature=${PHP_DIGEST}`, secret, now: at(T) }),
    );
    expect(`${JSON.stringify(error)} ${inspect(error, { depth: 10 })}`).not.toContain(secret);
  });
});

describe('verifyWebhook during a secret rotation', () => {
  const OLD = 'whsec_old_before_rotation';
  const NEW = 'whsec_new_after_rotation';
  const signed = (secret: string) => signWebhookPayload({ payload: BODY, secret, timestamp: T });

  it('accepts deliveries signed with the old or the new secret, in either order', async () => {
    for (const signature of [await signed(OLD), await signed(NEW)]) {
      for (const secret of [
        [NEW, OLD],
        [OLD, NEW],
      ]) {
        const event = await verifyWebhook({ payload: BODY, signature, secret, now: at(T) });
        expect(event.eventType).toBe('member.created');
      }
    }
  });

  it('accepts a header that carries both signatures', async () => {
    const oldDigest = (await signed(OLD)).split('=').at(-1);
    const newDigest = (await signed(NEW)).split('=').at(-1);
    const signature = `t=${T},signature=${oldDigest},signature=${newDigest}`;
    await expect(verifyWebhook({ payload: BODY, signature, secret: [NEW], now: at(T) })).resolves.toBeTruthy();
    await expect(verifyWebhook({ payload: BODY, signature, secret: [OLD], now: at(T) })).resolves.toBeTruthy();
  });

  it('signed with neither secret: signature_mismatch', async () => {
    const signature = await signed('whsec_someone_else');
    expect(await reason(verifyWebhook({ payload: BODY, signature, secret: [NEW, OLD], now: at(T) }))).toBe(
      'signature_mismatch',
    );
    // A secret list must not widen what a single secret accepts.
    expect(
      await reason(verifyWebhook({ payload: BODY, signature: await signed(OLD), secret: [NEW], now: at(T) })),
    ).toBe('signature_mismatch');
  });

  it('compares with Web Crypto verify (constant time), once per secret and digest', async () => {
    const verify = vi.spyOn(crypto.subtle, 'verify');
    try {
      await verifyWebhook({ payload: BODY, signature: await signed(OLD), secret: [NEW, OLD], now: at(T) });
      expect(verify).toHaveBeenCalledTimes(2);
      expect(verify.mock.calls.every(([algorithm]) => algorithm === 'HMAC')).toBe(true);
    } finally {
      verify.mockRestore();
    }
  });

  it.each([[[]], [['']], [[NEW, '']], [[NEW, 42]], [null]])(
    'refuses secret %j as a configuration error',
    async (secret) => {
      const error = await rejection(
        verifyWebhook({ payload: BODY, signature: await signed(NEW), secret: secret as never, now: at(T) }),
      );
      expect(isVendorkitError(error, 'invalid_configuration')).toBe(true);
      expect(`${String(error)} ${inspect(error)}`).not.toContain(NEW);
    },
  );
});

describe('verifyWebhook tolerance in milliseconds', () => {
  const header = `t=${T},signature=${PHP_DIGEST}`;

  it('toleranceMs bounds the clock difference both ways', async () => {
    await expect(
      verifyWebhook({ payload: BODY, signature: header, secret: SECRET, now: at(T + 60), toleranceMs: 60_000 }),
    ).resolves.toBeTruthy();
    expect(
      await reason(
        verifyWebhook({
          payload: BODY,
          signature: header,
          secret: SECRET,
          now: () => (T - 60) * 1000 - 1,
          toleranceMs: 60_000,
        }),
      ),
    ).toBe('timestamp_out_of_tolerance');
  });

  it('the deprecated toleranceSeconds still works; both at once is a configuration error', async () => {
    await expect(
      verifyWebhook({ payload: BODY, signature: header, secret: SECRET, now: at(T + 60), toleranceSeconds: 60 }),
    ).resolves.toBeTruthy();
    const both = await rejection(
      verifyWebhook({ payload: BODY, signature: header, secret: SECRET, toleranceMs: 1000, toleranceSeconds: 1 }),
    );
    expect(isVendorkitError(both, 'invalid_configuration')).toBe(true);
    for (const toleranceMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = await rejection(verifyWebhook({ payload: BODY, signature: header, secret: SECRET, toleranceMs }));
      expect((error as Error).message).toMatch(/toleranceMs/);
    }
  });
});
