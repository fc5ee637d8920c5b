/**
 * A policy assignment's `resourceSelectors` (API 2022-06-01 and later): which resources the
 * assignment applies to. A resource matches when it matches any resource selector, and a
 * resource selector when it matches all of its selectors; a selector lists values `in` or
 * `notIn` (one of them) for its `kind`. The emulator knows the kinds `resourceLocation` and
 * `resourceType`; `resourceWithoutLocation` is refused as not emulated.
 */
import { ArmErrors } from "../http/errors";
import type { StoredResource } from "../store/resources";
import { isObject, type Json, type JsonObject } from "../util/json";

const KINDS = ["resourceLocation", "resourceType"] as const;
type Kind = (typeof KINDS)[number];

interface Selector {
  readonly kind: Kind;
  readonly in?: readonly string[];
  readonly notIn?: readonly string[];
}

const invalid = ArmErrors.invalidResourceSelectors;

function strings(value: Json | undefined, at: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > 50 || !value.every((v) => typeof v === "string")) {
    throw invalid(`'${at}' must be a list of 1 to 50 strings.`);
  }
  return value as string[];
}

/** The selectors of a PUT body, checked as ARM checks them; throws InvalidResourceSelectors. */
export function checkedResourceSelectors(value: Json | undefined): JsonObject[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 10) throw invalid("'resourceSelectors' must be a list of at most 10 resource selectors.");
  return value.map((rs, i) => {
    if (!isObject(rs) || typeof rs["name"] !== "string" || !Array.isArray(rs["selectors"]) || rs["selectors"].length === 0) {
      throw invalid(`'resourceSelectors[${i}]' must have a name and at least one selector.`);
    }
    (rs["selectors"] as Json[]).forEach((s, j) => {
      const at = `resourceSelectors[${i}].selectors[${j}]`;
      if (!isObject(s) || !KINDS.includes(s["kind"] as Kind)) {
        throw invalid(`'${at}.kind' must be one of ${KINDS.join(", ")} (resourceWithoutLocation is not emulated).`);
      }
      const inList = strings(s["in"], `${at}.in`);
      const notIn = strings(s["notIn"], `${at}.notIn`);
      if ((inList === undefined) === (notIn === undefined)) throw invalid(`'${at}' must have exactly one of 'in' and 'notIn'.`);
    });
    return rs;
  });
}

const norm = (s: string) => s.replace(/\s+/g, "").toLowerCase();

function valueOf(kind: Kind, resource: StoredResource): string {
  return kind === "resourceLocation" ? norm(String(resource.doc["location"] ?? "")) : resource.type.toLowerCase();
}

function matches(selector: Selector, resource: StoredResource): boolean {
  const v = valueOf(selector.kind, resource);
  if (selector.in) return selector.in.some((x) => norm(x) === v);
  return !(selector.notIn ?? []).some((x) => norm(x) === v);
}

/** Whether the assignment's stored selectors let it apply to `resource` (no selectors: every resource). */
export function selectedBy(resourceSelectors: Json | undefined, resource: StoredResource): boolean {
  if (!Array.isArray(resourceSelectors) || resourceSelectors.length === 0) return true;
  return resourceSelectors.some((rs) => isObject(rs) && Array.isArray(rs["selectors"]) && (rs["selectors"] as unknown as Selector[]).every((s) => matches(s, resource)));
}
