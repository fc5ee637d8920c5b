/**
 * The `$filter` of ARM's generic resource list (`GET /subscriptions/{s}[/resourceGroups/{g}]/resources`),
 * as Resources_List documents it: `eq`/`ne` on `resourceType`, `name`, `location` and
 * `resourceGroup`; `tagName eq 'k' [and tagValue eq 'v']` and `startswith(tagName, 'k')`;
 * `substringof('text', name)`; clauses joined with `and`. Anything else is 400 InvalidFilter naming
 * what is supported.
 */
import { ArmErrors } from "../http/errors";
import { isObject } from "../util/json";
import type { StoredResource } from "../store/resources";

const SUPPORTED =
  "resourceType|name|location|resourceGroup eq|ne '<value>', tagName eq '<name>' [and tagValue eq '<value>'], startswith(tagName, '<prefix>'), substringof('<text>', name), joined with 'and'";

type Test = (r: StoredResource) => boolean;

const QUOTED = "'((?:[^']|'')*)'";
const COMPARISON = new RegExp(`^(resourceType|name|location|resourceGroup|tagName|tagValue)\\s+(eq|ne)\\s+${QUOTED}$`, "i");
const SUBSTRINGOF = new RegExp(`^substringof\\(\\s*${QUOTED}\\s*,\\s*name\\s*\\)$`, "i");
const TAG_PREFIX = new RegExp(`^startswith\\(\\s*tagName\\s*,\\s*${QUOTED}\\s*\\)$`, "i");

const unquote = (s: string): string => s.replace(/''/g, "'");

function groupOf(r: StoredResource): string {
  return /\/resourceGroups\/([^/]+)/i.exec(r.id)?.[1] ?? "";
}

function tagsOf(r: StoredResource): Record<string, unknown> {
  return isObject(r.doc["tags"]) ? r.doc["tags"] : {};
}

/** Splits on ` and ` outside quotes. */
function clauses(filter: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < filter.length; i++) {
    const ch = filter[i]!;
    if (ch === "'") quoted = !quoted;
    if (!quoted && /^\s+and\s+/i.test(filter.slice(i)) && /\s/.test(ch)) {
      const m = /^\s+and\s+/i.exec(filter.slice(i))!;
      out.push(current.trim());
      current = "";
      i += m[0].length - 1;
      continue;
    }
    current += ch;
  }
  out.push(current.trim());
  return out;
}

/** A predicate over stored resources for the filter (everything passes without one). */
export function resourceListFilter(filter: string | null): Test {
  const text = (filter ?? "").trim();
  if (!text) return () => true;
  const tests: Test[] = [];
  let tagName: string | undefined;
  let tagValue: string | undefined;
  for (const clause of clauses(text)) {
    const cmp = COMPARISON.exec(clause);
    if (cmp) {
      const field = cmp[1]!.toLowerCase();
      const negate = cmp[2]!.toLowerCase() === "ne";
      const value = unquote(cmp[3]!).toLowerCase();
      const fieldOf: Record<string, (r: StoredResource) => string> = {
        resourcetype: (r) => r.type,
        name: (r) => String(r.doc["name"] ?? ""),
        location: (r) => String(r.doc["location"] ?? "").replace(/\s+/g, ""),
        resourcegroup: groupOf,
      };
      if (field === "tagname" || field === "tagvalue") {
        if (negate) throw ArmErrors.invalidFilter(`'${clause}': tags are filtered with eq only. Supported: ${SUPPORTED}.`);
        if (field === "tagname") tagName = value;
        else tagValue = value;
        continue;
      }
      const read = fieldOf[field]!;
      const wanted = field === "location" ? value.replace(/\s+/g, "") : value;
      tests.push((r) => (read(r).toLowerCase() === wanted) !== negate);
      continue;
    }
    const sub = SUBSTRINGOF.exec(clause);
    if (sub) {
      const part = unquote(sub[1]!).toLowerCase();
      tests.push((r) => String(r.doc["name"] ?? "").toLowerCase().includes(part));
      continue;
    }
    const prefix = TAG_PREFIX.exec(clause);
    if (prefix) {
      const p = unquote(prefix[1]!).toLowerCase();
      tests.push((r) => Object.keys(tagsOf(r)).some((k) => k.toLowerCase().startsWith(p)));
      continue;
    }
    throw ArmErrors.invalidFilter(`Invalid $filter clause '${clause}'. Supported: ${SUPPORTED}.`);
  }
  if (tagValue !== undefined && tagName === undefined) throw ArmErrors.invalidFilter(`tagValue needs tagName in the same filter. Supported: ${SUPPORTED}.`);
  if (tagName !== undefined) {
    const name = tagName;
    const value = tagValue;
    tests.push((r) =>
      Object.entries(tagsOf(r)).some(([k, v]) => k.toLowerCase() === name && (value === undefined || String(v).toLowerCase() === value)),
    );
  }
  return (r) => tests.every((t) => t(r));
}
