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

/** What a markdown link destination cannot hold as is (it would end the link, or stop it being one). */
const UNSAFE_IN_LINK = /[\s()[\]<>\\`"'|]/g;

/**
 * An http(s) URL for a markdown link (`--plan-url`, `--report-url`), percent-encoded where
 * `[text](url)` would break: `https://x/y)z` gives `https://x/y%29z`. Other schemes
 * (`javascript:`, `file:`) and non-URLs are refused, naming the option.
 */
export function linkUrl(option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`${option}: "${value}" is not a URL (give an http or https URL)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CliError(`${option}: "${value}" is not an http or https URL`);
  return url.href.replace(UNSAFE_IN_LINK, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}
