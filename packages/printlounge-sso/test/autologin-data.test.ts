import { describe, expect, it } from 'vitest';
import { decodeAutologinData, encodeAutologinData } from '../src/index.js';

const PASSPHRASE = 'k'.repeat(32);

/** A u_data (plain base64) that starts and ends as asked, found by varying one field. */
function uDataWhere(predicate: (base64: string) => boolean): { fields: Record<string, string>; base64: string } {
  for (let i = 0; i < 100_000; i++) {
    const fields = { customer_user_name: `user${i}`, valid_to: '1893456000' };
    const base64 = decodeURIComponent(encodeAutologinData(fields, PASSPHRASE));
    if (predicate(base64)) return { fields, base64 };
  }
  throw new Error('no such u_data found');
}

describe('decodeAutologinData: a "+" that arrived as a space', () => {
  it('keeps a leading "+" read as a space (a value decoded once too often)', () => {
    const { fields, base64 } = uDataWhere((b) => b.startsWith('+'));
    expect(decodeAutologinData(base64.replace(/\+/g, ' '), PASSPHRASE)).toEqual(fields);
  });

  it('still ignores whitespace pasted around a link, also when its "+" arrived as spaces', () => {
    const { fields, base64 } = uDataWhere((b) => b.includes('+') && !b.startsWith('+'));
    expect(decodeAutologinData(`  ${base64}\n`, PASSPHRASE)).toEqual(fields);
    expect(decodeAutologinData(`  ${base64.replace(/\+/g, ' ')}  `, PASSPHRASE)).toEqual(fields);
    expect(decodeAutologinData(`\t${encodeAutologinData(fields, PASSPHRASE)} \r\n`, PASSPHRASE)).toEqual(fields);
  });
});
