/**
 * Props validation for the CDKTF constructs. The rules and their messages are the model's and the
 * spec's own (src/core/declarations, src/spec), shared with the Pulumi components: a bad spec fails
 * with parseSpec's ValidationError, unchanged, so a Terraform user reads the same text as the CLI
 * and the Pulumi front end; other props get the same kind of error, naming the prop.
 */
import { readMachineRegions as parseMachineRegions, type ValidationIssue } from "../../src/core";
import { ValidationError } from "../../src/spec";

export { ValidationError, type ValidationIssue };
export { booleanIssues, joinPath, regionIssues, schemaIssues, workspaceIdIssues, type MachineRegions } from "../../src/core";

/** Throws the issues of a construct's props: `invalid <Construct> "<id>" props:` then one line per prop. */
export function failProps(construct: string, id: string, issues: readonly ValidationIssue[]): never {
  throw new ValidationError(`${construct} "${id}" props`, issues);
}

/**
 * `machineRegions` as a list per (lower-case) subscription, with the issues of a bad value (the
 * messages the Pulumi stack config gives for its `machineRegions` key).
 */
export function readMachineRegions(value: unknown, subscriptions: readonly string[], issues: ValidationIssue[]): Map<string, string[]> {
  return parseMachineRegions(value, subscriptions, issues, { machineRegions: "machineRegions", subscriptions: "spec.subscriptions" });
}
