/**
 * Props validation for the CDKTF constructs. The rules and their messages are the spec's own
 * (src/spec): a bad spec fails with parseSpec's ValidationError, unchanged, so a Terraform user
 * reads the same text as the CLI and the Pulumi front end; other props get the same kind of
 * error, naming the prop.
 */
import type { z } from "zod";
import { issuesFromZod, ValidationError, type ValidationIssue } from "../../src/spec/errors";
import { readMachineRegions as parseMachineRegions, regionIssues } from "../internal/machineRegions";
import { logAnalyticsAgentSchema } from "../../src/spec/schema";

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

export { regionIssues };

/** Regions of the machines: one list for every subscription, or a list per subscription GUID. */
export type MachineRegions = readonly string[] | Readonly<Record<string, readonly string[]>>;

/**
 * `machineRegions` as a list per (lower-case) subscription, with the issues of a bad value (the
 * messages the Pulumi stack config gives for its `machineRegions` key).
 */
export function readMachineRegions(value: unknown, subscriptions: readonly string[], issues: ValidationIssue[]): Map<string, string[]> {
  return parseMachineRegions(value, subscriptions, issues, { path: "machineRegions", subscriptions: "spec.subscriptions" });
}
