/**
 * Data collection rule associations: stored under their machine's id; each names a rule, and
 * remembers (hidden) since when, since the agent heartbeats to the rule's workspaces a minute later.
 */
import type { EmuRequest } from "../http/types";
import { ArmErrors } from "../http/errors";
import type { StoredResource } from "../store/resources";
import { getString, type JsonObject } from "../util/json";
import { newGuid } from "../util/random";
import type { ModelContext, StoreContext } from "./context";
import { DCR_ASSOCIATION_TYPE, DCR_TYPE } from "./resourceTypes";
import { systemData } from "./systemData";
import { docOf, type AssociationDoc } from "./documents";

/** The machine an association belongs to (everything before its `/providers/Microsoft.Insights/...`). */
export function associationScope(associationId: string): string {
  return associationId.replace(/\/providers\/Microsoft\.Insights\/dataCollectionRuleAssociations\/[^/]+$/i, "");
}

/** A machine's associations: the range of ids under it (not its resource group's, thousands of machines'). */
export function associationsOfMachine(ctx: StoreContext, machineId: string): StoredResource[] {
  return ctx.store.getByPrefixes([`${machineId.toLowerCase()}/providers/`], [DCR_ASSOCIATION_TYPE]);
}

/** The rule an association names. */
export function ruleIdOf(association: StoredResource): string | undefined {
  return docOf<AssociationDoc>(association).properties?.dataCollectionRuleId;
}

/** Associations that name a rule. */
export function associationsOfRule(ctx: StoreContext, ruleId: string): StoredResource[] {
  const l = ruleId.toLowerCase();
  return ctx.store.listTypes([DCR_ASSOCIATION_TYPE]).filter((a) => (ruleIdOf(a) ?? "").toLowerCase() === l);
}

/**
 * Builds an association document (ARM PUT and remediation deployments). `since`, hidden: when
 * the association got its current rule; the agent heartbeats to the rule's workspaces a minute later.
 */
export function associationResource(
  ctx: Pick<ModelContext, "store" | "clock">,
  req: EmuRequest | undefined,
  id: string,
  name: string,
  props: JsonObject,
  existing?: StoredResource,
): { doc: JsonObject; secret: JsonObject } {
  const ruleId = getString(props, "dataCollectionRuleId");
  const endpointId = getString(props, "dataCollectionEndpointId");
  const invalid = (code: string, message: string, target: string) => ArmErrors.invalidPayload("Data collection rule association is invalid", [{ code, message, target }]);
  if (endpointId && !ruleId) {
    throw invalid("UnsupportedDataCollectionEndpoint", "Data collection endpoints are not emulated; associate a data collection rule.", "properties.dataCollectionEndpointId");
  }
  if (!ruleId) throw invalid("InvalidPayload", "'DataCollectionRuleId' or 'DataCollectionEndpointId' must be specified.", "properties");
  const rule = ctx.store.get(ruleId);
  if (!rule || rule.type.toLowerCase() !== DCR_TYPE.toLowerCase()) {
    throw invalid("InvalidDataCollectionRuleId", `Data collection rule '${ruleId}' does not exist.`, "properties.dataCollectionRuleId");
  }
  const out: JsonObject = {};
  if (typeof props["description"] === "string") out["description"] = props["description"];
  out["dataCollectionRuleId"] = ruleId;
  out["provisioningState"] = "Succeeded";
  const sameRule = ((existing && ruleIdOf(existing)) ?? "").toLowerCase() === ruleId.toLowerCase();
  const since = sameRule && typeof existing?.secret?.["since"] === "string" ? existing.secret["since"] : ctx.clock.iso();
  return {
    doc: { id, name, type: DCR_ASSOCIATION_TYPE, etag: `"${newGuid()}"`, systemData: systemData(ctx, req, existing), properties: out },
    secret: { since },
  };
}
