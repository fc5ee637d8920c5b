/** Reading untyped JSON from ARM answers. */
type Json = Record<string, unknown>;

/** The value at `path` in `obj`, or undefined where the path stops. */
export function at(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Json)[p];
  }
  return cur;
}

export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
