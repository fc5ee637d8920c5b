/**
 * ARM ids and deterministic names of what a plan creates. Pure: names derive from their inputs,
 * so planning the same state twice gives byte-equal output.
 */
import { createHash } from "node:crypto";

/** A GUID derived from the given parts (same parts, same GUID), formatted as ARM expects. */
export function stableGuid(...parts: string[]): string {
  return stableGuidOf(parts);
}

/** Parts hashed per update by stableGuidOf. */
const GUID_CHUNK = 2048;

/** stableGuid of a list of any length (a spread of 100k ids would overflow the stack). */
export function stableGuidOf(parts: readonly string[]): string {
  const hash = createHash("sha256");
  // The same bytes as one update per part and per separator, in chunks: a remediation over half a
  // million machines made a million calls into the hash.
  for (let start = 0; start < parts.length; start += GUID_CHUNK) {
    let text = "";
    for (let i = start; i < parts.length && i < start + GUID_CHUNK; i++) text += parts[i]! + "\u0000";
    // Lower-cased whole: U+0000 is neither cased nor case-ignorable, so no letter's lower case
    // (a final sigma's) depends on the parts beside it.
    hash.update(text.toLowerCase());
  }
  const h = hash.digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function subscriptionScope(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}`;
}

export function resourceGroupId(subscriptionId: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${name}`;
}

export function pricingId(subscriptionId: string, pricingName: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Security/pricings/${pricingName}`;
}

export function workspaceSettingId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Security/workspaceSettings/default`;
}

export function solutionId(workspaceId: string, solutionName: string): string {
  const m = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)\//i.exec(workspaceId);
  return `${m ? m[1] : ""}/providers/Microsoft.OperationsManagement/solutions/${solutionName}`;
}

export function extensionId(machineId: string, extensionName: string): string {
  return machineId + suffixOf(EXTENSION_SUFFIXES, "/extensions/", extensionName);
}

/** `/extensions/<name>` once per extension name: a million extension ids each add one link to their machine's id. */
const EXTENSION_SUFFIXES = new Map<string, string>();

/** `<path><name>`, built once per name and kept (names come from a small catalog). */
export function suffixOf(memo: Map<string, string>, path: string, name: string): string {
  let suffix = memo.get(name);
  if (suffix === undefined) {
    suffix = path + name;
    // Names come from the catalog, but an inventory could hold many: keep the memo small.
    if (memo.size < 256) memo.set(name, suffix);
  }
  return suffix;
}

export function policyAssignmentId(scope: string, name: string): string {
  return `${scope}/providers/Microsoft.Authorization/policyAssignments/${name}`;
}

export function roleAssignmentId(scope: string, name: string): string {
  return `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
}

export function remediationId(scope: string, name: string): string {
  return `${scope}/providers/Microsoft.PolicyInsights/remediations/${name}`;
}

/** The last segment of an ARM id: a workspace's name, for sentences. */
export function workspaceLabel(id: string): string {
  const i = id.lastIndexOf("/");
  return i < 0 ? id : id.slice(i + 1);
}

/** A step kind's label for steps named by their target alone. */
export const labelByTarget = (_details: unknown, target: string): string => targetLabel(target);

/** The default label of a step: `machine (extension)` for a machine's extension, else the target's name. */
export function targetLabel(target: string): string {
  const m = /\/(virtualMachines|virtualMachineScaleSets|machines)\/([^/]+)\/extensions\/([^/]+)$/i.exec(target);
  return m ? `${m[2]} (${m[3]})` : workspaceLabel(target);
}

/**
 * Names for a finding's message: the first `shown`, then how many more (`a, b, c, and 4 more`).
 * A grouped finding names where it applies without growing with the fleet.
 */
export function fewNames(names: readonly string[], shown = 5): string {
  const head = names.slice(0, shown).join(", ");
  return names.length > shown ? `${head}, and ${names.length - shown} more` : head;
}
