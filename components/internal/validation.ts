/**
 * Argument validation shared by the components. The rules and their messages come from src/spec
 * (the same validators the CLI and the stack config use); this module only renames paths to the
 * argument a user wrote and turns issues into a `pulumi.ResourceError` attributed to the component.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { issuesFromZod, ValidationError, type ValidationIssue } from "../../src/spec/errors";
import { parseSpec } from "../../src/spec/validate";
import type { Spec } from "../../src/spec/schema";

export type { ValidationIssue };

/** The message of a component's argument errors: one line per argument, named as the caller wrote it. */
export function argsErrorMessage(typeName: string, name: string, issues: readonly ValidationIssue[]): string {
  return `${typeName} "${name}" has invalid arguments:\n` + issues.map((i) => `  ${i.path}: ${i.message}`).join("\n");
}

/** Throws the issues as a ResourceError attributed to `resource` (no stack trace: the message says it all). */
export function failArgs(resource: pulumi.Resource, typeName: string, name: string, issues: readonly ValidationIssue[]): never {
  throw new pulumi.ResourceError(argsErrorMessage(typeName, name, issues), resource, true);
}

/** Issues of `value` against a zod schema, with paths under `path`. */
export function schemaIssues(schema: z.ZodType, value: unknown, path: string): ValidationIssue[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return issuesFromZod(result.error, value).map((i) => ({ path: joinPath(path, i.path), message: i.message }));
}

export function joinPath(prefix: string, path: string): string {
  if (!path) return prefix;
  if (!prefix) return path;
  return path.startsWith("[") ? prefix + path : `${prefix}.${path}`;
}

/** True for a value known now (not an Output or a Promise): the only kind validated at construction. */
export function isKnown<T>(value: pulumi.Input<T> | undefined): value is T {
  return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/**
 * parseSpec with its paths renamed: `rename(path)` maps a spec path to the argument's name (return
 * the path itself to keep it). Returns the spec or the renamed issues.
 */
export function parseSpecAs(input: unknown, rename: (path: string) => string): { spec: Spec; issues: [] } | { spec: undefined; issues: ValidationIssue[] } {
  try {
    return { spec: parseSpec(input), issues: [] };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return { spec: undefined, issues: err.issues.map((i) => ({ path: rename(i.path), message: i.message })) };
  }
}

/** Keys of `value` (an object) that are not in `known`, as issues naming each. */
export function unknownKeyIssues(value: object, known: readonly string[], path: string): ValidationIssue[] {
  return Object.keys(value)
    .filter((k) => !known.includes(k))
    .map((k) => ({ path: joinPath(path, k), message: `is not a known field (allowed: ${known.join(", ")})` }));
}
