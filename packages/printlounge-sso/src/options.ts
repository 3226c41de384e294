import { ConfigurationError } from '@vendorkit/core';

/** A clock reading: a `Date`, epoch milliseconds (`Date.now()`), or a function returning either. */
export type NowOption = Date | number | (() => Date | number);

/** @internal Current time in unix seconds from a {@link NowOption}; ConfigurationError on nonsense. */
export function unixSeconds(now: NowOption | undefined, optionName = 'now'): number {
  const value = typeof now === 'function' ? now() : (now ?? Date.now());
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new ConfigurationError(
      `${optionName} must be a Date or epoch milliseconds (Date.now()), got an invalid value.`,
    );
  }
  if (ms < 1e11 && ms > 0) {
    throw new ConfigurationError(
      `${optionName} looks like unix seconds (${ms}); pass epoch milliseconds (Date.now()) or a Date.`,
    );
  }
  return Math.floor(ms / 1000);
}

/** @internal A positive number of seconds, or a ConfigurationError naming the option. */
export function positiveSeconds(value: unknown, optionName: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(`${optionName} must be a positive number of seconds, got ${String(value)}.`);
  }
  return Math.floor(value) || 1;
}

/** @internal A non-negative number of seconds, or a ConfigurationError naming the option. */
export function nonNegativeSeconds(value: unknown, optionName: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(`${optionName} must be a non-negative number of seconds, got ${String(value)}.`);
  }
  return Math.floor(value);
}
