import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeAutologinData, encodeAutologinData, type QueryValue } from '@vendorkit/printlounge-sso';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// Our links, decoded by the shop's side in real PHP (test/fixtures/decode.php: mcrypt_decrypt + parse_str),
// compared with what PHP makes of its own http_build_query of the same fields.
const decoder = fileURLToPath(new URL('./fixtures/decode.php', import.meta.url));
const phpReady = (() => {
  const probe = spawnSync('php', ['-r', 'echo function_exists("mcrypt_decrypt") ? "yes" : "no";'], {
    encoding: 'utf8',
  });
  return probe.status === 0 && probe.stdout === 'yes';
})();
if (!phpReady) console.warn('php-differential: SKIPPED — `php` with the mcrypt extension is not on PATH (CI has it).');

describe.skipIf(!phpReady)('links decoded by real PHP (mcrypt + parse_str)', () => {
  it('PHP sees exactly what its own http_build_query would have sent, for 600 random field sets', () => {
    // Flat names (PHP would build arrays from '['); any other name is fair game, parse_str's rewriting included.
    const name = fc
      .oneof(
        fc.string({ minLength: 1, maxLength: 16, unit: 'grapheme' }),
        fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom(' ', '.', 'a', '\0', '_', '%', '+') }),
      )
      .filter((n) => !n.includes('['));
    const value: fc.Arbitrary<QueryValue> = fc.oneof(
      fc.string({ maxLength: 60, unit: 'grapheme' }),
      fc.string({ maxLength: 20, unit: fc.constantFrom('*', '~', ' ', '+', '&', '=', '%', '\0', '\n', 'ä', '😀') }),
      fc.integer(),
      // A JavaScript number cannot tell PHP's int 2^60 from float 2^60, nor 0 from -0.0: leave those out.
      fc
        .double({ noNaN: true, noDefaultInfinity: true })
        .filter((x) => !Object.is(x, -0) && !(Number.isInteger(x) && Math.abs(x) >= 2 ** 53 && Math.abs(x) < 2 ** 63)),
      fc.boolean(),
      fc.constant(null),
    );
    const keys = [
      'geheim-16-bytes!',
      'Sso-Schnittstelle-24byte',
      'k7Qp2Lx9Vb4Nw8Rt3Yz6Ac1Dm5Fg0Hj4',
      'Geheimnis-äöü-€-Schlüssel!',
    ];
    const samples = fc.sample(fc.tuple(fc.array(fc.tuple(name, value), { maxLength: 10 }), fc.nat(3)), {
      numRuns: 600,
      seed: 4242,
    });
    const inputs = samples.map(([fields, k]) => ({
      passphrase: keys[k]!,
      fields,
      u_data: encodeAutologinData(fields, keys[k]!),
    }));
    const output = execFileSync('php', [decoder], {
      input: inputs.map((i) => JSON.stringify(i)).join('\n'),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const results = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { parsed: Array<[string, string]>; expected: Array<[string, string]> });
    expect(results).toHaveLength(inputs.length);
    results.forEach((result, i) => {
      expect(result.parsed).toEqual(result.expected);
      // …and our receiving side agrees with PHP's (as a set: JS objects put integer-like keys first).
      const ours = decodeAutologinData(inputs[i]!.u_data, inputs[i]!.passphrase);
      expect(new Map(Object.entries(ours))).toEqual(new Map(result.parsed));
    });
  });
});

describe.skipIf(!phpReady)('committed PHP fixtures', () => {
  it('are exactly what test/fixtures/generate.php prints today (no hand edits, not stale)', () => {
    const generated = execFileSync('php', [fileURLToPath(new URL('./fixtures/generate.php', import.meta.url))], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    // The PHP version line may differ on another machine; everything else must not.
    const withoutVersion = (json: string) => ({ ...(JSON.parse(json) as object), generatedBy: undefined });
    expect(withoutVersion(generated)).toEqual(
      withoutVersion(readFileSync(new URL('./fixtures/php-fixtures.json', import.meta.url), 'utf8')),
    );
  });
});
