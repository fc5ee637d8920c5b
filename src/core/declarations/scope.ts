/**
 * A spec's scope as the front ends declare it: the subscriptions it lists, then those found under
 * its management groups (resolved by the adapter, src/azure/scope.ts, the way the CLI resolves
 * them), less the excluded ones. The model declares per subscription, so every front end hands the
 * resolved spec to the same composer instead of deriving the groups' subscriptions its own way.
 */
import type { ValidationIssue } from "../../spec/errors";
import { GUID_PATTERN, type Spec } from "../../spec/schema";

/** The spec with `resolved` (the subscriptions under its management groups) added to its listed ones: listed first, in order, then the rest sorted. */
export function resolvedScope(spec: Spec, resolved: readonly string[]): Spec {
  const excluded = new Set(spec.exclude.subscriptions.map((s) => s.toLowerCase()));
  const listed = new Set(spec.subscriptions);
  const found = [...new Set(resolved.map((s) => s.toLowerCase()))].filter((s) => !listed.has(s) && !excluded.has(s)).sort();
  return { ...spec, subscriptions: [...spec.subscriptions, ...found] };
}

/** Issues of a resolved-subscriptions input (`path`): each a GUID; none without management groups in the spec. */
export function resolvedScopeIssues(spec: Spec, resolved: unknown, path: string): ValidationIssue[] {
  if (resolved === undefined) {
    return spec.managementGroups.length
      ? [{ path, message: `is required: spec.managementGroups names ${spec.managementGroups.join(", ")}, whose subscriptions must be resolved before the stack is declared (resolveScope)` }]
      : [];
  }
  if (!Array.isArray(resolved)) return [{ path, message: `${JSON.stringify(resolved)} is not a list of subscription GUIDs` }];
  if (!spec.managementGroups.length) return [{ path, message: "is only allowed with spec.managementGroups" }];
  return resolved.flatMap((s, i) => (typeof s === "string" && GUID_PATTERN.test(s) ? [] : [{ path: `${path}[${i}]`, message: `${JSON.stringify(s)} is not a subscription GUID` }]));
}
