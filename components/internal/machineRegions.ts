/**
 * The `machineRegions` input both front ends take (Pulumi stack config, CDKTF props): a list of
 * regions for every subscription, or a map from subscription GUID to its list. Pure, so the
 * CDKTF constructs can use it without loading Pulumi; one parser, so both report the same issues.
 */
import type { ValidationIssue } from "../../src/spec/errors";
import { normalizeRegion } from "../../src/spec/geography";
import { GUID_PATTERN } from "../../src/spec/schema";

export function regionIssues(value: unknown, path: string): ValidationIssue[] {
  return typeof value === "string" && normalizeRegion(value) !== "" ? [] : [{ path, message: `${JSON.stringify(value)} is not a region name (e.g. "westeurope")` }];
}

/** How the front end names the input and the spec's subscriptions in its messages. */
export interface RegionLabels {
  readonly path: string;
  readonly subscriptions: string;
}

/** The regions per (lower-case) subscription; a bad value adds issues naming the path. */
export function readMachineRegions(value: unknown, subscriptions: readonly string[], issues: ValidationIssue[], labels: RegionLabels): Map<string, string[]> {
  const out = new Map<string, string[]>(subscriptions.map((sub) => [sub, []]));
  if (value === undefined) return out;
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
    const regions = regionList(value, labels.path);
    for (const sub of subscriptions) out.set(sub, regions);
    return out;
  }
  if (value === null || typeof value !== "object") {
    issues.push({ path: labels.path, message: `${JSON.stringify(value)} is neither a list of regions nor a map from subscription id to regions` });
    return out;
  }
  for (const [sub, list] of Object.entries(value as Record<string, unknown>)) {
    const at = `${labels.path}.${sub}`;
    const lower = sub.toLowerCase();
    if (!GUID_PATTERN.test(sub)) issues.push({ path: at, message: "is not a subscription GUID" });
    // With no valid subscriptions the spec's own issue says so; naming them here would be noise.
    else if (subscriptions.length && !subscriptions.includes(lower)) issues.push({ path: at, message: `is not one of ${labels.subscriptions} (${subscriptions.join(", ")})` });
    out.set(lower, regionList(list, at));
  }
  return out;
}
