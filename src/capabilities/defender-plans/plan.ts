/**
 * Defender plans per subscription and each machine's plan.
 *
 * Subscription: for every plan the spec manages, one `set-defender-plan` when a field differs,
 * carrying the whole body the spec wants and the differences field by field. A deprecated sub-plan
 * the subscription is still on is replaced by its successor. Agentless scanning belongs to both
 * Defender for Servers P2 and Defender CSPM (reference §3): while CSPM keeps it on, asking P2 for it
 * off would be undone at once, so the plan says so instead of writing it again and again.
 *
 * Machines: the resource-level overrides (first match in the spec's order, by id or by tag) become
 * `set-resource-pricing` where the machine does not have that plan yet. A resource-level plan the
 * spec does not ask for is never changed (the seed's spirit: what a user set up stays).
 */
import { nameOf } from "../../inventory/ids";
import type { InventoryMachine } from "../../inventory/schema";
import { resolveServers, SERVERS_PLAN, type ResolvedOverride, type ResolvedServers } from "../../spec";
import { componentVerdict, fewNames, pricingId, type ComponentVerdict, type ComponentVerdicts, type Fleet, type PlanContext, type StepSink } from "../../core/kernel";
import { noteCoexistence } from "./coexistence";
import type { ParameterComparison } from "./alzParameters";
import { deprecatedSubPlan, desiredPlans, droppedExtensions, livePlan, planChanges, withSuccessor, type DesiredPlan } from "./desired";
import { overrideText, PLAN_COMPONENT, PLAN_REASONS, type PlanComponentDecision } from "./reasons";
import { resourcePlanLabel, resourcePricingId, type DefenderPlanSteps } from "./steps";

type Sink = StepSink<DefenderPlanSteps>;

export function planDefenderPlans(ctx: PlanContext, b: Sink, subscriptionId: string): void {
  const settings = ctx.settings.get(subscriptionId);
  const managed = desiredPlans(ctx.spec, subscriptionId);
  for (const wanted of managed) {
    const live = livePlan(settings, wanted.plan);
    const { desired, deprecated } = withSuccessor(wanted, live);
    if (deprecated) {
      b.finding(
        "warning",
        "deprecated-sub-plan",
        pricingId(subscriptionId, wanted.plan),
        `${wanted.plan} is on the deprecated sub-plan ${deprecated.from}, which Azure no longer accepts (InvalidInputError): it is moved to ${deprecated.to}.`,
      );
    }
    let changes = planChanges(desired, live);
    const keeper = AGENTLESS_SHARED_WITH[wanted.plan];
    if (keeper && wantsAgentlessOff(desired) && agentlessOnAfter(ctx, subscriptionId, keeper.plan, managed)) {
      changes = changes.filter((c) => c.field !== `${wanted.plan}.${AGENTLESS}`);
      b.finding("warning", keeper.code, pricingId(subscriptionId, keeper.plan), keeper.message);
    }
    if (!changes.length) continue;
    const dropped = changes.some((c) => c.field === `${desired.plan}.subPlan`) ? droppedExtensions(desired, live) : [];
    if (dropped.length) {
      b.finding(
        "warning",
        "sub-plan-drops-features",
        pricingId(subscriptionId, desired.plan),
        `Moving ${desired.plan} from ${live.subPlan ?? "(none)"} to ${desired.subPlan} turns off ${dropped.join(", ")}, which ${desired.subPlan} does not have; their settings are not kept (moving back to ${live.subPlan ?? "the previous sub-plan"} needs them in the spec again).`,
      );
    }
    b.add("set-defender-plan", pricingId(subscriptionId, desired.plan), {
      subscriptionId,
      plan: desired.plan,
      pricingTier: desired.pricingTier,
      subPlan: desired.subPlan,
      enforce: desired.enforce,
      extensions: desired.extensions,
      changes,
    });
  }
  for (const [plan, pricing] of Object.entries(settings?.plans ?? {})) {
    const deprecated = deprecatedSubPlan(plan, pricing);
    if (deprecated && !managed.some((m) => m.plan === plan)) {
      b.finding("info", "deprecated-sub-plan", pricingId(subscriptionId, plan), `${plan} is on the deprecated sub-plan ${deprecated.from}; the spec does not manage ${plan} (defender.plans.${plan} with subPlan ${deprecated.to} would move it).`);
    }
  }
  if (managed.length) {
    noteCoexistence(ctx, b, subscriptionId, "plans", "Defender plans", (_f, parameters) => coexistingPlansAdvice(parameters), "warning");
  }
}

/**
 * What a Defender plans assignment beside the spec means: each undoes the other where they differ.
 * For ALZ's initiative whose compared parameters all agree (alzParameters.ts), that is a later
 * change on either side, not something to align now.
 */
function coexistingPlansAdvice(c: ParameterComparison | undefined): string {
  if (c && c.compared.length && !c.differences.length) {
    return "Its remediation sets plans too: they agree today, but a later change on either side (or a setting it has no parameter for, such as file integrity monitoring) is undone by the other's next run. Change both together, or exclude this subscription from it.";
  }
  return "Its remediation sets plans too: where its parameters differ from this spec (sub-plan, components), each undoes the other. Align its parameters with the spec, or exclude this subscription from it.";
}

const AGENTLESS = "AgentlessVmScanning";

/**
 * Agentless scanning is one switch of Defender for Servers P2 and Defender CSPM (reference §2): on
 * for either, on for both. A plan asked to turn it off while the other keeps it on is not written
 * again and again; the warning names the other plan's field.
 */
const AGENTLESS_SHARED_WITH: Readonly<Record<string, { readonly plan: string; readonly code: string; readonly message: string }>> = {
  [SERVERS_PLAN]: {
    plan: "CloudPosture",
    code: "agentless-scanning-kept-by-cspm",
    message:
      "The spec turns agentless scanning off for Defender for Servers, but Defender CSPM has it on, and turning it on for either turns it on for both: it stays on until CSPM's is turned off too (defender.plans.CloudPosture.extensions.AgentlessVmScanning: { enabled: false }).",
  },
  CloudPosture: {
    plan: SERVERS_PLAN,
    code: "agentless-scanning-kept-by-servers",
    message:
      "The spec turns agentless scanning off for Defender CSPM, but Defender for Servers P2 has it on, and turning it on for either turns it on for both: it stays on until Defender for Servers' is turned off too (defender.servers.agentlessScanning: { enabled: false }).",
  },
};

function wantsAgentlessOff(desired: DesiredPlan): boolean {
  return desired.extensions.some((e) => e.name === AGENTLESS && e.isEnabled === "False");
}

/** Whether `plan` has agentless scanning on once this plan is applied: as the spec says where it manages it, else as it is. */
function agentlessOnAfter(ctx: PlanContext, subscriptionId: string, plan: string, managed: readonly DesiredPlan[]): boolean {
  const wanted = managed.find((m) => m.plan === plan);
  if (wanted?.pricingTier === "Free") return false;
  const said = wanted?.extensions.find((e) => e.name === AGENTLESS);
  if (said) return said.isEnabled === "True";
  // Defender for Servers' extensions are whole for its sub-plan: P1 has no agentless scanning.
  if (wanted && plan === SERVERS_PLAN) return false;
  const live = livePlan(ctx.settings.get(subscriptionId), plan);
  // CSPM turned on from Free gets its extensions on, agentless scanning with them (Azure's default; README "Defender").
  if (wanted && live.pricingTier !== "Standard") return true;
  return live.pricingTier === "Standard" && !!live.extensions?.some((e) => e.name === AGENTLESS && e.isEnabled === "True");
}

/** The first override of the spec that selects the machine. */
export function overrideFor(servers: ResolvedServers, m: InventoryMachine, lowerId: () => string): ResolvedOverride | undefined {
  for (const o of servers.overrides) {
    // The lower-cased id only when an override names one: most fleets select by tag.
    if (o.id !== undefined && o.id === lowerId()) return o;
    if (o.tag && m.tags) {
      for (const [name, value] of Object.entries(m.tags)) if (name.toLowerCase() === o.tag.name.toLowerCase() && value === o.tag.value) return o;
    }
  }
  return undefined;
}

/** A machine's Defender for Servers plan once this plan is applied, and where it comes from. */
export interface MachinePlanFacts {
  readonly plan: "P1" | "P2" | "Free";
  /** For a resource-level plan: the override's words, or "its own resource-level plan". */
  readonly resourceLevel?: string;
}

/** The plan that covers `m` after this plan: the subscription's (enforced or inherited), an override's, or its own. */
export function effectivePlan(servers: ResolvedServers, m: InventoryMachine, lowerId: () => string): MachinePlanFacts {
  const subscription = servers.plan === "Off" ? "Free" : servers.plan;
  if (servers.enforce) return { plan: subscription };
  const o = overrideFor(servers, m, lowerId);
  if (o) return { plan: o.plan, resourceLevel: overrideText(o.index, o.tag ? `${o.tag.name}=${o.tag.value}` : null) };
  const own = m.pricing;
  if (own) return { plan: own.pricingTier === "Free" ? "Free" : own.subPlan === "P2" ? "P2" : "P1", resourceLevel: "its own resource-level plan" };
  return { plan: subscription };
}

/** The subscription's Servers plan as it is today (before this plan), "P1", "P2" or "Free"; keyed per subscription, read once. */
function livePlans(ctx: PlanContext): (subscriptionId: string) => { readonly label: string; readonly paid: boolean; readonly enforced: boolean } {
  const seen = new Map<string, { label: string; paid: boolean; enforced: boolean }>();
  return (sub) => {
    let v = seen.get(sub);
    if (!v) {
      const live = livePlan(ctx.settings.get(sub), SERVERS_PLAN);
      const paid = live.pricingTier === "Standard";
      seen.set(sub, (v = { label: paid ? (live.subPlan ?? "Standard") : "Free", paid, enforced: paid && live.enforce === "True" }));
    }
    return v;
  };
}

/**
 * The machines phase: each machine's plan, and the overrides' steps. The decision says the plan
 * today too (a `-free` decision: the machine is on Free before this plan), so the report's
 * coverage, which counts decisions, is the actual state's.
 */
export function planMachinePlans(ctx: PlanContext, b: Sink, fleet: Fleet): ComponentVerdicts[] | undefined {
  const servers = resolveServers(ctx.spec.defender);
  if (!servers) return undefined;
  if (servers.plan !== "Off" && fleet.excluded) {
    // The plan is the subscription's: the spec's exclusions keep this tool's hands off, not Defender's (user trial 18b).
    b.finding(
      "info",
      "excluded-machines-still-covered",
      "exclude",
      `The ${fleet.excluded} machine(s) the spec's exclusions leave alone are in subscriptions whose Defender for Servers plan is ${servers.plan}: Defender still covers and bills them, and deploys Defender for Endpoint to them, as it does to every machine of the subscription, unless a machine has a resource-level Free plan. This tool writes nothing to an excluded machine, an override's plan included: to take a machine out of Defender, select it with defender.servers.overrides (plan Free) instead.`,
    );
  }
  const say = ctx.reasons.speaker(PLAN_REASONS);
  const verdict = (d: PlanComponentDecision, r: ReturnType<typeof say>) => componentVerdict(d, r);
  const today = livePlans(ctx);
  const optedOut: string[] = [];
  const enforcedFrom: Partial<Record<"Free" | "P1" | "P2", string[]>> = {};
  const verdicts: ComponentVerdict[] = fleet.machines.map((m, i) => {
    const own = m.pricing ?? null;
    const sub = today(fleet.subscriptionIds[i]!);
    if (servers.enforce && own) {
      // Today the machine has its own plan, unless its subscription enforces a paid one already.
      const paid = sub.enforced || own.pricingTier === "Standard";
      if (!sub.enforced && servers.plan !== "Off") {
        const from = own.pricingTier === "Free" ? "Free" : own.subPlan === "P2" ? "P2" : "P1";
        if (from !== servers.plan) (enforcedFrom[from] ??= []).push(m.id);
      }
      return paid ? verdict("enforced", say("enforced", servers.plan, resourcePlanLabel(own))) : verdict("enforced-free", say("enforced-free", servers.plan));
    }
    const o = overrideFor(servers, m, () => ctx.lower(m.id));
    if (!o) {
      if (own?.pricingTier === "Standard") return verdict("own-pricing", say("own-pricing", resourcePlanLabel(own)));
      if (own) {
        if (servers.plan !== "Off") optedOut.push(m.id);
        return verdict("own-free", say("own-free"));
      }
      return sub.paid ? verdict("inherits", say("inherits", sub.label, servers.plan)) : verdict("inherits-free", say("inherits-free", servers.plan));
    }
    const text = overrideText(o.index, o.tag ? `${o.tag.name}=${o.tag.value}` : null);
    const pricingTier = o.plan === "P1" ? "Standard" : "Free";
    if (own && own.pricingTier === pricingTier && (pricingTier === "Free" || own.subPlan === "P1")) {
      return pricingTier === "Free" ? verdict("override-free", say("override-free", text)) : verdict("override-in-place", say("override-in-place", text, o.plan));
    }
    b.addUnique("set-resource-pricing", resourcePricingId(m.id), {
      machineId: m.id,
      subscriptionId: fleet.subscriptionIds[i]!,
      pricingTier,
      subPlan: o.plan === "P1" ? "P1" : null,
      from: own,
    });
    return verdict("override-set", say("override-set", text, o.plan, own ? resourcePlanLabel(own) : `inheriting ${sub.label}`));
  });
  noteOptedOut(b, servers.plan, optedOut);
  noteEnforcedPlans(b, servers.plan, enforcedFrom);
  return [{ component: PLAN_COMPONENT, verdicts }];
}

/**
 * Machines taken out of the subscription's paid plan by a resource-level Free nobody declared (the
 * portal's per-machine switch): kept, as every resource-level plan the spec does not ask for, but
 * said, as they lose Defender for Servers while the spec asks for it (user trial 20, item 1: an
 * `info`-less `own-free` and a plan of 0 steps).
 */
/**
 * Machines whose own resource-level plan `enforce` replaces with the subscription's: from Free they
 * are billed from the apply on, from another sub-plan at the new one's rate (user trial 20, item 2:
 * said only per machine, `enforced-free`).
 */
function noteEnforcedPlans(b: Sink, plan: ResolvedServers["plan"], from: Partial<Record<"Free" | "P1" | "P2", string[]>>): void {
  const groups = (["Free", "P1", "P2"] as const).flatMap((f) => (from[f]?.length ? [[f, from[f]] as const] : []));
  if (!groups.length) return;
  const total = groups.reduce((n, [, ids]) => n + ids.length, 0);
  const where = groups.map(([f, ids]) => `${ids.length} from ${f === "Free" ? "Free (billed from the apply on)" : `${f} (billed at ${plan}'s rate)`}: ${fewNames(ids.map(nameOf))}`).join("; ");
  b.finding(
    "warning",
    "enforce-replaces-machine-plans",
    "defender.servers.enforce",
    `defender.servers.enforce puts ${total} machine(s) that have a resource-level plan of their own on the subscription's Defender for Servers ${plan}: ${where}. Leave enforce off to keep their own plans (declared ones with defender.servers.overrides).`,
  );
}

function noteOptedOut(b: Sink, plan: ResolvedServers["plan"], machineIds: readonly string[]): void {
  if (!machineIds.length) return;
  b.finding(
    "warning",
    "machines-opted-out-of-defender",
    "defender.servers",
    `${machineIds.length} machine(s) have a resource-level Free plan that the spec does not declare (set outside it, e.g. in the portal): Defender for Servers ${plan} does not cover them, and this tool leaves them so: ${fewNames(machineIds.map(nameOf))}. Declare them with defender.servers.overrides (plan Free) to keep them out on purpose, or set defender.servers.enforce to put every machine on the subscription's plan.`,
  );
}
