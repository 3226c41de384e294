import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, isVendorkitError, VendorkitError } from '../src/index.js';

describe('VendorkitError', () => {
  it('carries a stable code, its subclass name and the cause', () => {
    const cause = new Error('inner');
    const error = new ConfigurationError('bad option', { cause });
    expect(error.code).toBe('invalid_configuration');
    expect(error.name).toBe('ConfigurationError');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(VendorkitError);
  });

  it('is recognised by the guard, also by code, but plain errors and look-alikes are not', () => {
    const error = new VendorkitError('x_code', 'msg');
    expect(isVendorkitError(error)).toBe(true);
    expect(isVendorkitError(error, 'x_code')).toBe(true);
    expect(isVendorkitError(error, 'other')).toBe(false);
    expect(isVendorkitError(new Error('x'))).toBe(false);
    expect(isVendorkitError({ code: 'x_code', name: 'VendorkitError' })).toBe(false);
    expect(isVendorkitError(null)).toBe(false);
  });

  it('is recognised across copies of the package (brand via Symbol.for)', () => {
    const foreign = Object.create({ [Symbol.for('vendorkit.error')]: true });
    foreign.code = 'c';
    expect(isVendorkitError(foreign)).toBe(true);
  });

  it('serialises to JSON with code and own fields but no stack', () => {
    class WithReason extends VendorkitError {
      readonly reason = 'replayed';
    }
    const json = JSON.parse(JSON.stringify(new WithReason('c', 'm')));
    expect(json).toEqual({ name: 'WithReason', code: 'c', message: 'm', reason: 'replayed' });
    expect(inspect(new WithReason('c', 'm'))).toContain('replayed');
  });
});
