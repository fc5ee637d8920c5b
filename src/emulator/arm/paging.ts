/**
 * ARM list paging: `{value, nextLink}` with an opaque `$skiptoken` in the next link. Tokens are
 * keyset positions (the last id of the page), so a page is stable while resources are added.
 */
import type { EmuRequest } from "../http/types";
import { ArmErrors } from "../http/errors";
import type { JsonObject } from "../util/json";

export function queryParam(req: EmuRequest, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [k, v] of req.query) if (k.toLowerCase() === lower) return v;
  return null;
}

export function pageOf<T extends { readonly id: string }>(
  req: EmuRequest,
  items: readonly T[],
  pageSize: number,
  baseUrl: string,
  toJson: (item: T) => JsonObject,
): JsonObject {
  const sorted = [...items].sort((a, b) => cmp(a.id.toLowerCase(), b.id.toLowerCase()));
  let start = 0;
  const token = queryParam(req, "$skiptoken");
  if (token) {
    let after: string;
    try {
      after = String((JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { after: unknown }).after);
    } catch {
      throw ArmErrors.invalidSkipToken(token);
    }
    start = sorted.findIndex((i) => i.id.toLowerCase() > after);
    if (start < 0) start = sorted.length;
  }
  const top = Number(queryParam(req, "$top") ?? "");
  const size = Number.isInteger(top) && top > 0 ? Math.min(top, pageSize) : pageSize;
  const pageItems = sorted.slice(start, start + size);
  const body: JsonObject = { value: pageItems.map(toJson) };
  if (start + size < sorted.length && pageItems.length > 0) {
    const next = new URLSearchParams();
    for (const [k, v] of req.query) if (k.toLowerCase() !== "$skiptoken") next.append(k, v);
    next.set("$skiptoken", Buffer.from(JSON.stringify({ after: pageItems[pageItems.length - 1]!.id.toLowerCase() })).toString("base64url"));
    body["nextLink"] = `${baseUrl}${req.path}?${next.toString()}`;
  }
  return body;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
