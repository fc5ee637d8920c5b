/** Option parsing shared by commands: closed choices get an error naming the option and the allowed values. */
import { CliError } from "./errors";

export function choice<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CliError(`${option}: "${value}" is not one of ${allowed.join(", ")}`);
}

export function nonNegativeInteger(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`${option}: "${value}" is not a whole number >= 0`);
  return n;
}

export function positiveNumber(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${option}: "${value}" is not a positive number`);
  return n;
}

export function wholeNumber(option: string, value: string, min = 0): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new CliError(`${option}: "${value}" is not a whole number >= ${min}`);
  return n;
}
