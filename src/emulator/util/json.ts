/** JSON value types used for ARM documents, KQL rows and request bodies. */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json | undefined;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Deep copy through JSON: documents we store and return never share structure. */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Reads `obj.a.b.c` case-insensitively, as ARM property names are matched. */
export function getPath(obj: unknown, path: readonly string[]): Json | undefined {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    if (key in cur) {
      cur = cur[key];
      continue;
    }
    const lower = key.toLowerCase();
    const found = Object.keys(cur).find((k) => k.toLowerCase() === lower);
    if (found === undefined) return undefined;
    cur = cur[found];
  }
  return cur as Json | undefined;
}

/** The key of `obj` equal to `name` but for case (ARM's parameter names and property names compare without case). */
export function keyIgnoringCase(obj: JsonObject, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

export function getString(obj: unknown, ...path: string[]): string | undefined {
  const v = getPath(obj, path);
  return typeof v === "string" ? v : undefined;
}

/** Merge-patch (RFC 7386): what ARM's PATCH does for most resource types. */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = mergePatch(out[k], v);
  }
  return out;
}
