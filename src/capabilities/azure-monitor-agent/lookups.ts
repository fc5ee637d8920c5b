/**
 * Lookups the Azure Monitor Agent rules need, built once per plan (like the kernel's context.ts): this tool's
 * association of each machine, data collection rules by id, the workspace a rule sends to, and
 * the destination object of each workspace, so per-machine work stays O(1) and allocation-free.
 */
import type { InventoryDataCollectionRule, InventoryDataCollectionRuleAssociation, InventoryWorkspace } from "../../inventory/schema";
import { DCR_ASSOCIATION_NAME, dataCollectionRuleId } from "../../spec/dcr";
import type { PlanContext } from "../../core/kernel";
import type { TargetWorkspace } from "../workspaces";

export interface AmaLookups {
  /** The association named DCR_ASSOCIATION_NAME on the machine: the one this tool creates and moves. */
  associationOf(machineId: string): InventoryDataCollectionRuleAssociation | undefined;
  /**
   * Whether an association of another name (a DCR-association policy's `assoc-<hash>`, a user's)
   * links the machine with rule `ruleId`. It counts as associated when the machine has none of
   * ours, so that the policy and this tool never give a machine a second link to the same rule.
   */
  otherAssociationTo(machineId: string, ruleId: string): boolean;
  /** The rules (lower-case ids) the machine's associations of another name link it with. */
  otherRulesOf(machineId: string): readonly string[];
  dataCollectionRule(id: string): InventoryDataCollectionRule | undefined;
  /**
   * The first destination of a rule that is a workspace in the inventory; for a rule that is not
   * in the inventory, the workspace whose rule of ours has that id (a plan that re-creates the
   * rule must not change where an association counts as pointing).
   */
  workspaceOfRule(id: string): InventoryWorkspace | undefined;
  /** One shared TargetWorkspace per workspace id. */
  destination(workspaceId: string): TargetWorkspace;
  /** This tool's DCR id for a workspace (memoized: a million machines share a few). */
  ruleIdFor(workspaceId: string): string;
}

const LOOKUPS = {};

export function amaLookups(ctx: PlanContext): AmaLookups {
  return ctx.memo(LOOKUPS, () => build(ctx));
}

const OURS_SUFFIX = "/providers/Microsoft.Insights/dataCollectionRuleAssociations/" + DCR_ASSOCIATION_NAME;
const OURS_SUFFIX_LOWER = OURS_SUFFIX.toLowerCase();

/** Ours by name; the exact spelling first, so a million associations are not lower-cased. */
function isOurs(id: string): boolean {
  return id.endsWith(OURS_SUFFIX) || id.toLowerCase().endsWith(OURS_SUFFIX_LOWER);
}

function build(ctx: PlanContext): AmaLookups {
  const associations = ctx.inventory.dataCollectionRuleAssociations ?? [];
  const exact = new Map<string, InventoryDataCollectionRuleAssociation>();
  for (const a of associations) if (isOurs(a.id)) exact.set(a.machineId, a);
  // Built on the first miss only: most ids match as written.
  let lower: Map<string, InventoryDataCollectionRuleAssociation> | undefined;
  const byLowerId = (machineId: string) => {
    lower ??= new Map([...exact.values()].map((a) => [a.machineId.toLowerCase(), a] as const));
    return lower.get(machineId.toLowerCase());
  };
  // Others' associations, by lower-cased machine id: built on first use (only machines without ours ask).
  let others: Map<string, string[]> | undefined;
  const otherRules = (machineId: string) => {
    if (!others) {
      others = new Map();
      for (const a of associations) {
        if (isOurs(a.id) || !a.dataCollectionRuleId) continue;
        const key = a.machineId.toLowerCase();
        const list = others.get(key);
        if (list) list.push(a.dataCollectionRuleId.toLowerCase());
        else others.set(key, [a.dataCollectionRuleId.toLowerCase()]);
      }
    }
    return others.get(machineId.toLowerCase());
  };
  const rules = new Map<string, InventoryDataCollectionRule>();
  for (const r of ctx.inventory.dataCollectionRules ?? []) rules.set(r.id.toLowerCase(), r);
  const ruleWorkspace = new Map<string, InventoryWorkspace | null>();
  let ourRules: Map<string, InventoryWorkspace> | undefined;
  const ourRuleWorkspace = (key: string) => {
    ourRules ??= new Map(ctx.inventory.workspaces.map((w) => [dataCollectionRuleId(w.id).toLowerCase(), w] as const));
    return ourRules.get(key);
  };
  const destinations = new Map<string, TargetWorkspace>();
  const ruleIds = new Map<string, string>();
  return {
    // Ids as one adapter writes them match exactly; lower-case only on a miss.
    associationOf: (machineId) => (exact.size === 0 ? undefined : (exact.get(machineId) ?? byLowerId(machineId))),
    otherAssociationTo: (machineId, ruleId) => associations.length > exact.size && (otherRules(machineId)?.includes(ruleId.toLowerCase()) ?? false),
    otherRulesOf: (machineId) => (associations.length > exact.size ? (otherRules(machineId) ?? []) : []),
    dataCollectionRule: (id) => rules.get(ctx.lower(id)),
    workspaceOfRule: (id) => {
      const key = ctx.lower(id);
      let ws = ruleWorkspace.get(key);
      if (ws === undefined) {
        const rule = rules.get(key);
        ws = rule
          ? (rule.destinations.map((d) => ctx.workspaceById.get(d.toLowerCase())).find((w) => w !== undefined) ?? null)
          : (ourRuleWorkspace(key) ?? null);
        ruleWorkspace.set(key, ws);
      }
      return ws ?? undefined;
    },
    destination: (workspaceId) => {
      const key = ctx.lower(workspaceId);
      let d = destinations.get(key);
      if (!d) destinations.set(key, (d = { id: workspaceId, key }));
      return d;
    },
    ruleIdFor: (workspaceId) => {
      let id = ruleIds.get(workspaceId);
      if (id === undefined) ruleIds.set(workspaceId, (id = dataCollectionRuleId(workspaceId)));
      return id;
    },
  };
}
