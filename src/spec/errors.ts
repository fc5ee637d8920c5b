/**
 * Validation errors that name the offending path and, where there is a closed set, the allowed
 * values. Shared by the spec, the inventory and every front end (CLI, Pulumi, CDKTF).
 */
import { z } from "zod";
const zod = z;

export interface ValidationIssue {
  /** Dotted path, e.g. `logAnalyticsAgent.securityEvents` or `machines[3].osType`. */
  readonly path: string;
  readonly message: string;
}

export class ValidationError extends Error {
  constructor(
    /** What was being validated, e.g. "spec" or "inventory". */
    readonly subject: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(`invalid ${subject}:\n` + issues.map((i) => `  ${i.path ? i.path + ": " : ""}${i.message}`).join("\n"));
    this.name = "ValidationError";
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

function show(value: unknown): string {
  if (value === undefined) return "undefined";
  // JSON has no Infinity or NaN (YAML's 1e400 is Infinity): JSON.stringify would say null.
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  const json = JSON.stringify(value);
  return json.length > 60 ? json.slice(0, 57) + "..." : json;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

/** In a custom issue's params: its message is ours, whole (a rule between a section's fields). */
export const OWN_MESSAGE = "ascOwnMessage";

/** Turns zod's issues into ours, quoting the bad value against the allowed ones. */
export function issuesFromZod(error: z.ZodError, input: unknown): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of error.issues) {
    const path = formatPath(issue.path);
    const received = valueAt(input, issue.path);
    switch (issue.code) {
      case "invalid_value":
        if (received === undefined) out.push({ path, message: `is required (one of ${issue.values.map(String).join(", ")})` });
        else if (!issue.message.startsWith("Invalid")) out.push({ path, message: `${show(received)}: ${issue.message}` });
        else out.push({ path, message: `${show(received)} is not one of ${issue.values.map(String).join(", ")}` });
        break;
      case "invalid_type":
        out.push({
          path,
          message:
            received === undefined
              ? `is required (${issue.expected})`
              : `${show(received)} is not ${article(issue.expected)} ${issue.expected}${issue.message.startsWith(TAKES) ? `: ${issue.message}` : ""}`,
        });
        break;
      case "custom":
        if (issue.params?.[OWN_MESSAGE] === true) out.push({ path, message: issue.message });
        else out.push({ path, message: received === undefined ? issue.message : `${show(received)}: ${issue.message}` });
        break;
      case "unrecognized_keys":
        for (const key of issue.keys) {
          const parent = issue.path;
          out.push({ path: formatPath([...parent, key]), message: `is not a known field${allowedKeysHint(issue)}` });
        }
        break;
      default:
        out.push({ path, message: received === undefined ? issue.message : `${show(received)}: ${issue.message}` });
    }
  }
  return out;
}

/** `closedObject` puts "allowed: a, b" in the message of its unrecognized-keys issue. */
function allowedKeysHint(issue: { message: string }): string {
  return issue.message.startsWith("allowed: ") ? ` (${issue.message})` : "";
}

const TAKES = "it takes ";

/**
 * A strict object whose errors show its shape: an unknown key's lists the keys it knows; a value
 * that is not an object (`agentlessScanning: true`) is told the fields it takes, and, with an
 * `enabled` field, how to turn it on.
 */
export function closedObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const keys = Object.keys(shape);
  const allowed = keys.join(", ");
  const takes = `${TAKES}{ ${allowed} }${keys.includes("enabled") ? " (e.g. { enabled: true })" : ""}`;
  return zod.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? `allowed: ${allowed}` : iss.code === "invalid_type" && iss.expected === "object" ? takes : undefined),
  });
}
