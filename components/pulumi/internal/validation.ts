/**
 * Argument validation of the Pulumi components. The rules and their messages come from the model
 * (src/core/declarations, with src/spec's validators, shared with the CDKTF constructs); this
 * module only turns issues into a `pulumi.ResourceError` attributed to the component, and hands
 * values known only at deployment (Outputs) to the model as deferred values.
 */
import * as pulumi from "@pulumi/pulumi";
import { opaque, type Value, type ValidationIssue } from "../../../src/core";

export type { ValidationIssue };
export { joinPath, parseSpecAs, schemaIssues, unknownKeyIssues } from "../../../src/core";

/** The message of a component's argument errors: one line per argument, named as the caller wrote it. */
export function argsErrorMessage(typeName: string, name: string, issues: readonly ValidationIssue[]): string {
  return `${typeName} "${name}" has invalid arguments:\n` + issues.map((i) => `  ${i.path}: ${i.message}`).join("\n");
}

/** Throws the issues as a ResourceError attributed to `resource` (no stack trace: the message says it all). */
export function failArgs(resource: pulumi.Resource, typeName: string, name: string, issues: readonly ValidationIssue[]): never {
  throw new pulumi.ResourceError(argsErrorMessage(typeName, name, issues), resource, true);
}

/** True for a value known now (not an Output or a Promise): the only kind validated at construction. */
export function isKnown<T>(value: pulumi.Input<T> | undefined): value is T {
  return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/** An Input as a model value: itself when known now, else deferred (the model carries it unread). */
export function modelValue<T>(value: pulumi.Input<T>): Value<T> {
  return isKnown(value) ? value : opaque<T>(value);
}
