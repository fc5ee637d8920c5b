/**
 * The Azure Monitor Agent's policy assignments a subscription gets from the declarative front
 * ends (the Pulumi and CDKTF AutoProvisioning) with `agent: ama` and auto provisioning on: what
 * keeps machines created after a deployment covered between two reconciliations, the way the
 * seed's auto provisioning did for the Log Analytics agent.
 *
 * - Per OS, the AMA extension policy (ca817e41 / a4034bc6): AMA with a system-assigned identity
 *   on every virtual machine of the subscription. The extension has the planner's name, so the
 *   two never install it twice.
 * - Per OS and destination, the DCR-association policy (244efd75 / 58e891b9) with the
 *   destination's data collection rule. A default workspace serves one geography, so its
 *   assignment carries a resource selector on the geography's regions (machines elsewhere must
 *   not send their data to it: the seed's data-privacy rule); a custom workspace serves every
 *   region. The association the policy makes (`assoc-<hash>`) counts as the planner's own
 *   (src/capabilities/azure-monitor-agent/decide.ts), so they never link a machine twice.
 *
 * The planner does not assign these: `asc-autoprovision apply`/`reconcile --watch` do the
 * per-machine work themselves.
 */
import { z } from "zod";
import { closedObject } from "./errors";
import { GEOGRAPHIES, normalizeRegion, type Geography } from "./geography";
import { AMA_POLICIES, type AmaPolicyDefinition, type AmaPolicyKey } from "./policies";

const SCOPE_PATTERN = /^\/subscriptions\/[0-9a-fA-F-]{36}(\/.+)?$/;

/** Options of the AMA assignments (`amaPolicies` of the components and the stack config). */
export const amaPoliciesSchema = closedObject({
  enabled: z.boolean().default(true).describe("Declare the assignments (with `agent: ama` and auto provisioning on)."),
  remediate: z.boolean().default(true).describe("Start a remediation task per assignment for the machines that exist when it is created; the policies cover machines created later."),
  notScopes: z
    .array(
      z.string().regex(SCOPE_PATTERN, { error: "must be an ARM id under a subscription (/subscriptions/<guid>/resourceGroups/<rg>[/providers/...])" }),
    )
    .default([])
    .describe("ARM ids under the spec's subscriptions that the assignments leave alone (resource groups or machines whose agents you manage); each subscription's assignments get the ones under it."),
}).describe(
  "With `agent: ama` and auto provisioning on, the Azure Monitor Agent's policy assignments, which cover machines created later: per OS the AMA extension, and per OS and workspace the association with the workspace's data collection rule (limited to its geography for a default workspace).",
);
export type AmaPoliciesOptions = z.output<typeof amaPoliciesSchema>;
export type AmaPoliciesInput = z.input<typeof amaPoliciesSchema>;

/** The not-scopes that lie in `subscriptionId` (ids compare case-insensitively, as ARM's do). */
export function notScopesIn(subscriptionId: string, notScopes: readonly string[]): string[] {
  const prefix = `/subscriptions/${subscriptionId.toLowerCase()}`;
  return notScopes.filter((s) => {
    const lower = s.toLowerCase();
    return lower === prefix || lower.startsWith(prefix + "/");
  });
}

/** Where one data collection rule's machines are. */
export interface AmaDestination<RuleId> {
  /** The DCR id (this tool's rule of the destination workspace; an Output in Pulumi). */
  readonly dataCollectionRuleId: RuleId;
  /** The geography of a default workspace; undefined for a custom workspace (every region). */
  readonly geography?: Geography;
}

/** One policy assignment to declare, in terms both front ends state. */
export interface AmaPolicyAssignment<RuleId> {
  readonly policy: AmaPolicyDefinition;
  /** Assignment name at the subscription (≤ 64 characters). */
  readonly name: string;
  readonly displayName: string;
  /** `dcrResourceId` for the association policies; none for the extension policies. */
  readonly dataCollectionRuleId?: RuleId;
  /** Only resources in these regions (a `resourceLocation` resource selector); undefined: every region. */
  readonly regions?: readonly string[];
}

/** Name of the resource selector the association assignments carry. */
export const GEOGRAPHY_SELECTOR_NAME = "geography";

/** Regions a geography covers: the FAQ's list, or the one region of a region outside them. */
export function regionsOfGeography(geo: Geography): readonly string[] {
  if (geo.ownRegion) return [geo.workspaceLocation];
  const row = GEOGRAPHIES.find((g) => g.key === geo.key);
  if (!row) throw new Error(`unknown geography ${geo.key}`);
  return row.regions;
}

const OS_KEYS: readonly { readonly extension: AmaPolicyKey; readonly association: AmaPolicyKey }[] = [
  { extension: "amaWindowsVm", association: "dcrAssociationWindowsVm" },
  { extension: "amaLinuxVm", association: "dcrAssociationLinuxVm" },
];

/** The assignments for a subscription whose machines send to `destinations`, in a stable order. */
export function amaPolicyAssignments<RuleId>(destinations: readonly AmaDestination<RuleId>[]): AmaPolicyAssignment<RuleId>[] {
  const out: AmaPolicyAssignment<RuleId>[] = [];
  for (const { extension, association } of OS_KEYS) {
    const ext = AMA_POLICIES[extension];
    out.push({ policy: ext, name: ext.shortName, displayName: ext.displayName });
    const assoc = AMA_POLICIES[association];
    for (const d of destinations) {
      const geo = d.geography;
      out.push({
        policy: assoc,
        name: geo ? `${assoc.shortName}-${geo.code}` : assoc.shortName,
        displayName: geo ? `${assoc.displayName} (${geo.displayName})` : assoc.displayName,
        dataCollectionRuleId: d.dataCollectionRuleId,
        regions: geo ? regionsOfGeography(geo) : undefined,
      });
    }
  }
  return out;
}

/** An assignment's `parameters` in ARM's shape: the association policies' `dcrResourceId`, else none. */
export function amaPolicyParameters<RuleId>(dataCollectionRuleId: RuleId | undefined): { dcrResourceId: { value: RuleId } } | undefined {
  return dataCollectionRuleId === undefined ? undefined : { dcrResourceId: { value: dataCollectionRuleId } };
}

/** An assignment's `resourceSelectors` in ARM's shape: only resources in `regions` (none: every region). */
export function regionSelectors(regions: readonly string[] | undefined): { name: string; selectors: { kind: "resourceLocation"; in: string[] }[] }[] | undefined {
  return regions ? [{ name: GEOGRAPHY_SELECTOR_NAME, selectors: [{ kind: "resourceLocation", in: [...new Set(regions.map(normalizeRegion))] }] }] : undefined;
}
