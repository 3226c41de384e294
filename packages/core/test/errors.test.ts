import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  defineErrorGuard,
  isVendorkitError,
  StoreError,
  StoreFullError,
  VendorkitError,
} from '../src/index.js';

describe('VendorkitError', () => {
  it('carries a stable code, its subclass name and the cause', () => {
    const cause = new Error('inner');
    const error = new ConfigurationError('bad option', { cause });
    expect(error.code).toBe('invalid_configuration');
    expect(error.name).toBe('ConfigurationError');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(VendorkitError);
  });

  it('is recognised by the guard, also by shared code, but plain errors and look-alikes are not', () => {
    const error = new VendorkitError('x_code', 'msg');
    expect(isVendorkitError(error)).toBe(true);
    expect(isVendorkitError(new StoreError('down'), 'store_unavailable')).toBe(true);
    expect(isVendorkitError(error, 'store_unavailable')).toBe(false);
    // @ts-expect-error a typo of a shared code does not type-check
    expect(isVendorkitError(new StoreError('down'), 'store_unavailble')).toBe(false);
    expect(isVendorkitError(new Error('x'))).toBe(false);
    expect(isVendorkitError({ code: 'x_code', name: 'VendorkitError' })).toBe(false);
    expect(isVendorkitError(null)).toBe(false);
  });

  it('is recognised across copies of the package (brand via Symbol.for)', () => {
    const legacy = Object.create({ [Symbol.for('vendorkit.error')]: true });
    legacy.code = 'c';
    expect(isVendorkitError(legacy)).toBe(true);
    const foreign = Object.create({ [Symbol.for('vendorkit.error')]: 'acme' });
    foreign.code = 'acme_code';
    expect(isVendorkitError(foreign)).toBe(true);
  });

  it('has a literal name that does not depend on the class binding (minifiers rename classes)', () => {
    const Renamed = ConfigurationError;
    const Anonymous = class extends StoreFullError {};
    expect(new Renamed('m').name).toBe('ConfigurationError');
    expect(new Anonymous('m').name).toBe('StoreFullError');
    expect(new StoreFullError('m').code).toBe('store_full');
  });

  describe('defineErrorGuard', () => {
    class AcmeError extends VendorkitError<'acme_broken' | 'acme_down'> {
      static override readonly family: string = 'acme';
      override readonly name: string = 'AcmeError';
    }
    class OtherError extends VendorkitError<'other_code'> {
      static override readonly family: string = 'other';
    }
    const isAcmeError = defineErrorGuard<AcmeError, 'acme_broken' | 'acme_down'>('acme');

    it('recognises its family by brand, by code, and the shared errors, nothing else', () => {
      expect(isAcmeError(new AcmeError('acme_broken', 'm'))).toBe(true);
      expect(isAcmeError(new AcmeError('acme_broken', 'm'), 'acme_broken')).toBe(true);
      expect(isAcmeError(new AcmeError('acme_broken', 'm'), 'acme_down')).toBe(false);
      expect(isAcmeError(new OtherError('other_code', 'm'))).toBe(false);
      expect(isAcmeError(new ConfigurationError('m'), 'invalid_configuration')).toBe(true);
      expect(isAcmeError(new StoreError('m'))).toBe(true);
      expect(isAcmeError({ name: 'AcmeError', code: 'acme_broken' })).toBe(false);
      expect(isAcmeError(new Error('acme_broken'))).toBe(false);
      expect(isAcmeError(undefined)).toBe(false);
      // @ts-expect-error codes are typed by the family
      expect(isAcmeError(new AcmeError('acme_broken', 'm'), 'acme_brokn')).toBe(false);
    });

    it('recognises an error of another copy of the package (same family, another class object)', () => {
      class AcmeErrorCopy extends VendorkitError<'acme_broken'> {
        static override readonly family: string = 'acme';
      }
      expect(isAcmeError(new AcmeErrorCopy('acme_broken', 'm'), 'acme_broken')).toBe(true);
    });

    it('narrows by code at the type level', () => {
      const value: unknown = new AcmeError('acme_down', 'm');
      if (isAcmeError(value, 'acme_down')) {
        const code: 'acme_down' = value.code;
        expect(code).toBe('acme_down');
      } else {
        expect.unreachable();
      }
    });
  });

  it('serialises to JSON with code and own fields but no stack', () => {
    class WithReason extends VendorkitError {
      override readonly name: string = 'WithReason';
      readonly reason = 'replayed';
    }
    const json = JSON.parse(JSON.stringify(new WithReason('c', 'm')));
    expect(json).toEqual({ name: 'WithReason', code: 'c', message: 'm', reason: 'replayed' });
    expect(inspect(new WithReason('c', 'm'))).toContain('replayed');
  });
});
