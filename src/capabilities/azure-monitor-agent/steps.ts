/** The steps of the Azure Monitor Agent: data collection rules and machines' associations with them. */
import type { Inventory } from "../../inventory/schema";
import { sameId } from "../../inventory/ids";
import { SECURITY_EVENT_STREAM, type DataCollectionRuleBody } from "../../spec/dcr";
import type { SecurityEventTier } from "../../spec/events";
import { labelByTarget, workspaceLabel, type StepKinds } from "../../core/kernel";

/** create-dcr / update-dcr: `body` is the ARM PUT body (spec/dcr.ts); an update keeps the rule's location. */
export interface PutDataCollectionRuleDetails {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly workspaceId: string;
  readonly tier: SecurityEventTier;
  readonly body: DataCollectionRuleBody;
  /** update-dcr: the tier the rule selects today, null when its queries are custom. */
  readonly fromTier?: SecurityEventTier | null;
}

/** The machine's association (the step's target): a PUT that creates or repoints it. */
export interface AssociateDataCollectionRuleDetails {
  readonly machineId: string;
  readonly name: string;
  readonly dataCollectionRuleId: string;
  readonly workspaceId: string;
  readonly fromDataCollectionRuleId: string | null;
}

/** Before its default workspace is deleted. */
export interface DeleteDataCollectionRuleDetails {
  readonly dataCollectionRuleId: string;
  readonly workspaceId: string;
}

export interface AmaSteps {
  readonly "create-dcr": PutDataCollectionRuleDetails;
  readonly "update-dcr": PutDataCollectionRuleDetails;
  readonly "associate-dcr": AssociateDataCollectionRuleDetails;
  readonly "delete-dcr": DeleteDataCollectionRuleDetails;
}

/** The rule as the inventory reader records it: destinations and the security-event queries. */
function putRule(inv: Inventory, id: string, body: DataCollectionRuleBody): void {
  const rules = (inv.dataCollectionRules ??= []);
  const rule = {
    id,
    location: body.location,
    destinations: body.properties.destinations.logAnalytics.map((d) => d.workspaceResourceId),
    xPathQueries: (body.properties.dataSources.windowsEventLogs ?? []).filter((s) => s.streams.includes(SECURITY_EVENT_STREAM)).flatMap((s) => s.xPathQueries),
  };
  const i = rules.findIndex((r) => sameId(r.id, id));
  if (i >= 0) rules[i] = { ...rules[i], ...rule, location: rules[i]!.location };
  else rules.push(rule);
}

const putRuleKind = {
  label: (d: PutDataCollectionRuleDetails) => `${d.name}: ${d.tier}`,
  simulate: (sim: { inventory: Inventory }, d: PutDataCollectionRuleDetails, target: string) => putRule(sim.inventory, target, d.body),
};

export const AMA_STEPS: StepKinds<AmaSteps> = {
  "create-dcr": putRuleKind,
  "update-dcr": putRuleKind,
  "associate-dcr": {
    label: (d) => `${workspaceLabel(d.machineId)} -> ${workspaceLabel(d.dataCollectionRuleId)}`,
    machineId: (d) => d.machineId,
    simulate: (sim, d, target) => {
      const found = sim.associations().get(target.toLowerCase());
      if (found) found.dataCollectionRuleId = d.dataCollectionRuleId;
      else {
        const created = { id: target, machineId: d.machineId, dataCollectionRuleId: d.dataCollectionRuleId };
        (sim.inventory.dataCollectionRuleAssociations ??= []).push(created);
        sim.associations().set(target.toLowerCase(), created);
      }
    },
  },
  "delete-dcr": {
    label: labelByTarget,
    simulate: (sim, _d, target) => {
      sim.inventory.dataCollectionRules = (sim.inventory.dataCollectionRules ?? []).filter((r) => !sameId(r.id, target));
    },
  },
};
