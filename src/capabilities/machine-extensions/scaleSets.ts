/**
 * Scale sets with a `Manual` upgrade policy: an extension written to the model reaches an existing
 * instance only once that instance is upgraded (Azure keeps `latestModelApplied: false` on it until
 * `POST .../manualUpgrade` names it). The agents decide what the model carries; this decides, per
 * such scale set, what happens to its instances (the `scaleSetInstances` component): by default a
 * finding that names them and changes nothing (an upgrade applies the whole model, the owner's
 * other changes too, and may restart instances: the owner chose `Manual` to decide when); with
 * `logAnalyticsAgent.upgradeManualScaleSets`, an `upgrade-instances` step after the
 * model's extension steps.
 */
import type { InventoryMachine } from "../../inventory/schema";
import { componentVerdict, workspaceLabel, type ComponentVerdict, type ComponentVerdicts, type Fleet, type PlanContext, type StepSink } from "../../core/kernel";
import type { MachineExtensionSteps } from "./steps";

export const SCALE_SET_INSTANCE_DECISIONS = {
  "instances-current": "Manual upgrade policy: every instance runs the model and its extensions",
  "instances-upgrade": "Manual upgrade policy: the tool upgrades the instances to the model",
  "instances-not-upgraded": "Manual upgrade policy: instances lack the model's extensions until upgraded",
} as const;
export type ScaleSetInstanceDecision = keyof typeof SCALE_SET_INSTANCE_DECISIONS;

const OPT_IN = "logAnalyticsAgent.upgradeManualScaleSets";

/** "3 of 5 instances" when the counts are known, "its instances" when not (a hand-written inventory). */
function some(n: number | undefined, total: number | undefined): string {
  return n === undefined ? "its instances" : total === undefined ? `${n} instance(s)` : `${n} of ${total} instance(s)`;
}

export const SCALE_SET_INSTANCE_REASONS = {
  current: (total: number | undefined) => `Upgrade policy Manual: ${total === undefined ? "every instance runs" : `all ${total} instance(s) run`} the latest model, with its extensions.`,
  "not-upgraded": (n: number | undefined, total: number | undefined) =>
    `Upgrade policy Manual: the extensions are installed in the model, but ${some(n, total)} are not upgraded to it and lack what it gained since their last upgrade. Upgrade them (az vmss update-instances), or set ${OPT_IN}.`,
  "model-changes": (total: number | undefined) =>
    `Upgrade policy Manual: this plan changes the extensions in the model; ${some(total, undefined)} get them only when upgraded. Upgrade them after the apply (az vmss update-instances), or set ${OPT_IN}.`,
  upgrade: (n: number | undefined, total: number | undefined) =>
    `Upgrade policy Manual: ${some(n, total)} are upgraded to the model (manualUpgrade) so its extensions reach them (${OPT_IN}).`,
  "upgrade-after-change": (total: number | undefined) =>
    `Upgrade policy Manual: the extensions in the model change, then ${some(total, undefined)} are upgraded to it (manualUpgrade) so they get them (${OPT_IN}).`,
} as const;

/** The memo key of the model changes planned per scale set (lower-case id -> step ids). */
const MODEL_CHANGES = {};

function isManualScaleSet(m: InventoryMachine): boolean {
  return m.kind === "vmss" && m.scaleSet?.upgradePolicy === "Manual";
}

/**
 * Called by a capability that plans a step on a machine's extensions (in the machines phase): on a
 * `Manual` scale set, the step changes the model its instances lag behind. Returns the step id.
 */
export function noteModelChange(ctx: PlanContext, m: InventoryMachine, stepId: string): string {
  if (!isManualScaleSet(m)) return stepId;
  const changes = ctx.memo(MODEL_CHANGES, () => new Map<string, string[]>());
  const key = ctx.lower(m.id);
  const list = changes.get(key);
  if (list) list.push(stepId);
  else changes.set(key, [stepId]);
  return stepId;
}

/** The `scaleSetInstances` component: a verdict per `Manual` scale set; undefined when the fleet has none. */
export function planScaleSetInstances(ctx: PlanContext, b: StepSink<MachineExtensionSteps>, fleet: Fleet): ComponentVerdicts[] | undefined {
  if (!fleet.machines.some(isManualScaleSet)) return undefined;
  const changes = ctx.memo(MODEL_CHANGES, () => new Map<string, string[]>());
  const verdicts = fleet.machines.map((m) => (isManualScaleSet(m) ? decideInstances(ctx, b, m, changes.get(ctx.lower(m.id))) : undefined));
  if (verdicts.every((x) => x === undefined)) return undefined;
  return [{ component: "scaleSetInstances", verdicts }];
}

/** Undefined for a model without extensions that this plan leaves so: no extension of this tool's is at stake. */
function decideInstances(ctx: PlanContext, b: StepSink<MachineExtensionSteps>, m: InventoryMachine, modelSteps: readonly string[] | undefined): ComponentVerdict<ScaleSetInstanceDecision> | undefined {
  const say = ctx.reasons.speaker(SCALE_SET_INSTANCE_REASONS);
  const v = (d: ScaleSetInstanceDecision, r: ReturnType<typeof say>) => componentVerdict(d, r);
  const total = m.scaleSet?.instances;
  const lagging = m.scaleSet?.instancesNotUpgraded;
  if (!modelSteps && !m.extensions?.length) return undefined;
  // What lags once the plan's own model changes are applied: all instances after a change.
  const laggingAfter = modelSteps ? total : lagging;
  if (laggingAfter === 0) return v("instances-current", say("current", total));
  if (ctx.spec.logAnalyticsAgent.upgradeManualScaleSets) {
    b.addUnique("upgrade-instances", m.id, { machineId: m.id, machineKind: "vmss", instances: laggingAfter ?? null }, modelSteps ?? []);
    return v("instances-upgrade", modelSteps ? say("upgrade-after-change", total) : say("upgrade", lagging, total));
  }
  b.finding(
    "warning",
    "scale-set-instances-not-upgraded",
    m.id,
    `${workspaceLabel(m.id)} has a Manual upgrade policy: ${modelSteps ? `the extensions this plan writes to its model reach ${some(total, undefined)} only when they are upgraded` : `${some(lagging, total)} are not upgraded to its model and lack the extensions in it`}. Upgrade them (az vmss update-instances --instance-ids '*', or POST .../manualUpgrade), or set ${OPT_IN}: true to let this tool do it.`,
  );
  return v("instances-not-upgraded", modelSteps ? say("model-changes", total) : say("not-upgraded", lagging, total));
}
