/**
 * Props validation for the CDKTF constructs. The rules and their messages are the spec's own
 * (src/spec): a bad spec fails with parseSpec's ValidationError, unchanged, so a Terraform user
 * reads the same text as the CLI and the Pulumi front end; other props get the same kind of
 * error, naming the prop.
 */
import type { z } from "zod";
import { issuesFromZod, ValidationError, type ValidationIssue } from "../../src/spec/errors";
import { normalizeRegion } from "../../src/spec/geography";
import { GUID_PATTERN, logAnalyticsAgentSchema } from "../../src/spec/schema";

export { ValidationError, type ValidationIssue };

/** Throws the issues of a construct's props: `invalid <Construct> "<id>" props:` then one line per prop. */
export function failProps(construct: string, id: string, issues: readonly ValidationIssue[]): never {
  throw new ValidationError(`${construct} "${id}" props`, issues);
}

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

/** A workspace ARM id checked by the spec's own schema (the message a spec file would get), reported at `path`. */
export function workspaceIdIssues(id: unknown, path: string): ValidationIssue[] {
  if (typeof id !== "string") return [{ path, message: `${JSON.stringify(id) ?? String(id)} is not a string (the workspace's ARM id)` }];
  return schemaIssues(logAnalyticsAgentSchema.shape.workspace, { id }, "").map((i) => ({
    path: i.path.startsWith("id") ? path + i.path.slice(2) : path,
    message: i.message,
  }));
}

export function booleanIssues(value: unknown, path: string): ValidationIssue[] {
  return value === undefined || typeof value === "boolean" ? [] : [{ path, message: `${JSON.stringify(value)} is not a boolean` }];
}

export function regionIssues(value: unknown, path: string): ValidationIssue[] {
  return typeof value === "string" && normalizeRegion(value) !== "" ? [] : [{ path, message: `${JSON.stringify(value)} is not a region name (e.g. "westeurope")` }];
}

/** Regions of the machines: one list for every subscription, or a list per subscription GUID. */
export type MachineRegions = readonly string[] | Readonly<Record<string, readonly string[]>>;

/**
 * `machineRegions` as a list per (lower-case) subscription, with the issues of a bad value (the
 * messages the Pulumi stack config gives for its `machineRegions` key).
 */
export function readMachineRegions(value: unknown, subscriptions: readonly string[], issues: ValidationIssue[]): Map<string, string[]> {
  const out = new Map<string, string[]>(subscriptions.map((sub) => [sub, []]));
  if (value === undefined) return out;
  const path = "machineRegions";
  const regionList = (list: unknown, at: string): string[] => {
    if (!Array.isArray(list)) {
      issues.push({ path: at, message: `${JSON.stringify(list)} is not a list of region names` });
      return [];
    }
    const found = list.flatMap((r: unknown, i) => regionIssues(r, `${at}[${i}]`));
    issues.push(...found);
    return found.length ? [] : (list as string[]);
  };
  if (Array.isArray(value)) {
    const regions = regionList(value, path);
    for (const sub of subscriptions) out.set(sub, regions);
    return out;
  }
  if (value === null || typeof value !== "object") {
    issues.push({ path, message: `${JSON.stringify(value)} is neither a list of regions nor a map from subscription id to regions` });
    return out;
  }
  for (const [sub, list] of Object.entries(value as Record<string, unknown>)) {
    const at = `${path}.${sub}`;
    const lower = sub.toLowerCase();
    if (!GUID_PATTERN.test(sub)) issues.push({ path: at, message: "is not a subscription GUID" });
    else if (!subscriptions.includes(lower)) issues.push({ path: at, message: `is not one of spec.subscriptions (${subscriptions.join(", ")})` });
    out.set(lower, regionList(list, at));
  }
  return out;
}
