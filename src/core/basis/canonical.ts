/**
 * Digests of state: JSON with object keys sorted and arrays of objects in a stable order, so equal
 * states digest equally whatever order Azure (or a file) listed their fields in. Called once per
 * machine of a million-machine plan: strings and already-sorted keys take the short way.
 */
import * as crypto from "node:crypto";

/** sha256, hex, as `crypto.hash` makes it in one call where Node has it (no Hash object per digest). */
const sha256: (text: string) => string =
  typeof crypto.hash === "function" ? (text) => crypto.hash("sha256", text, "hex") : (text) => crypto.createHash("sha256").update(text).digest("hex");

export function digestOf(value: unknown): string {
  return sha256(canonical(value)).slice(0, 24);
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** The canonical JSON text of a value (what `digestOf` hashes). */
export function canonical(value: unknown): string {
  if (typeof value === "string") return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let objects = false;
    const items: string[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v && typeof v === "object") objects = true;
      items[i] = canonical(v);
    }
    if (objects) items.sort();
    return `[${items.join(",")}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (!sortedByCodeUnits(keys)) keys.sort(byCodeUnits);
  let out = "{";
  for (const k of keys) {
    const v = object[k];
    if (v === undefined) continue;
    out += `${out.length > 1 ? "," : ""}${canonical(k)}:${canonical(v)}`;
  }
  return out + "}";
}

function sortedByCodeUnits(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1]! < keys[i]!)) return false;
  return true;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
