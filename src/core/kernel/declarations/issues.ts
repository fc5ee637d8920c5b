/**
 * Validation of what the front ends hand the model, in the spec's words: every rule and message
 * comes from src/spec; these helpers only put the issues under the name a user wrote (an argument,
 * a prop, a stack-config key). Pure, so every front end reports the same issue for the same value.
 */
import type { z } from "zod";
import { amaPoliciesSchema, notScopesIn } from "../../../spec/amaPolicies";
import { issuesFromZod, ValidationError, type ValidationIssue } from "../../../spec/errors";
import { normalizeRegion, regionProblem } from "../../../spec/geography";
import { logAnalyticsAgentSchema, specSchema, type Spec } from "../../../spec/schema";
import { parseSpec } from "../../../spec/validate";
import { isDeferred } from "./value";

export type { ValidationIssue };

export function joinPath(prefix: string, path: string): string {
  if (!path) return prefix;
  if (!prefix) return path;
  return path.startsWith("[") ? prefix + path : `${prefix}.${path}`;
}

/** Issues of `value` against one of the spec's zod schemas, reported under `path`. */
export function schemaIssues(schema: z.ZodType, value: unknown, path: string): ValidationIssue[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return issuesFromZod(result.error, value).map((i) => ({ path: joinPath(path, i.path), message: i.message }));
}

/** Keys of `value` (an object) that are not in `known`, as issues naming each. */
export function unknownKeyIssues(value: object, known: readonly string[], path: string, what = "field"): ValidationIssue[] {
  return Object.keys(value)
    .filter((k) => !known.includes(k))
    .map((k) => ({ path: joinPath(path, k), message: `is not a known ${what} (allowed: ${known.join(", ")})` }));
}

export function booleanIssues(value: unknown, path: string): ValidationIssue[] {
  return value === undefined || typeof value === "boolean" ? [] : [{ path, message: `${JSON.stringify(value)} is not a boolean` }];
}

export function regionIssues(value: unknown, path: string): ValidationIssue[] {
  if (typeof value !== "string" || normalizeRegion(value) === "") return [{ path, message: `${JSON.stringify(value)} is not a region name (e.g. "westeurope")` }];
  const problem = regionProblem(value);
  return problem ? [{ path, message: `${JSON.stringify(value)} ${problem}` }] : [];
}

/** A workspace ARM id checked by the spec's own schema (the message a spec file would get); a deferred id is checked by its front end once known. */
export function workspaceIdIssues(id: unknown, path: string): ValidationIssue[] {
  if (isDeferred(id)) return [];
  if (typeof id !== "string") return [{ path, message: `${JSON.stringify(id) ?? String(id)} is not a string (the workspace's ARM id)` }];
  return schemaIssues(logAnalyticsAgentSchema.shape.workspace, { id }, "").map((i) => ({
    path: i.path.startsWith("id") ? path + i.path.slice(2) : path,
    message: i.message,
  }));
}

/**
 * parseSpec with its paths renamed: `rename(path)` maps a spec path to the name a user wrote.
 * Returns the spec or the renamed issues.
 */
export function parseSpecAs(input: unknown, rename: (path: string) => string): { spec: Spec; issues: [] } | { spec: undefined; issues: ValidationIssue[] } {
  try {
    return { spec: parseSpec(input), issues: [] };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return { spec: undefined, issues: err.issues.map((i) => ({ path: rename(i.path), message: i.message })) };
  }
}

/** Issues of a subscription GUID, under `path` (the spec's message). */
export function subscriptionIdIssues(value: unknown, path: string): ValidationIssue[] {
  return schemaIssues(specSchema.shape.subscriptions.unwrap().element, value, path);
}

/** Issues of a not-scopes list: ARM ids, each under one of `subscriptionIds`. */
export function notScopeIssues(value: unknown, path: string, subscriptionIds: readonly string[]): ValidationIssue[] {
  const found = schemaIssues(amaPoliciesSchema.shape.notScopes, value, path);
  if (found.length || !Array.isArray(value)) return found;
  return (value as string[]).flatMap((s, i) =>
    subscriptionIds.some((sub) => notScopesIn(sub, [s]).length)
      ? []
      : [{ path: `${path}[${i}]`, message: `${JSON.stringify(s)} is not in ${subscriptionIds.length === 1 ? `subscription ${subscriptionIds[0]}` : `any of the subscriptions (${subscriptionIds.join(", ")})`}` }],
  );
}
