/**
 * Defender for Endpoint per machine (component `endpoint`). Defender deploys MDE.Windows /
 * MDE.Linux itself to every machine once Defender for Servers (P1 or P2) and the integration are
 * on, and reconfigures installations it finds (reference §3): this tool never installs it. It
 * decides what each machine will get and why, so the plan shows it and the report counts it.
 *
 * Precedence (first that applies): the machine's plan Free (excluded by its resource-level plan,
 * or off with the subscription's) or the integration off (for every OS, for Linux, or the unified
 * solution for Windows Server 2012 R2/2016): off, or, with a provisioned extension, `mde-remains`
 * (turning the plan or the integration off removes nothing: integration-defender-for-endpoint.md,
 * "Remove Defender for Endpoint from a machine") > a failed extension (on Linux the usual cause is
 * a missing Python, so not possible) > the extension installed > onboarded without the
 * extension > not possible (generalized image, unsupported OS) > not eligible (stopped, no VM
 * agent: until it runs with one; an appliance: never) > awaiting Defender.
 */
import type { InventoryMachine } from "../../inventory/schema";
import { ineligibility } from "../../inventory/eligibility";
// From the defining modules, not the spec's index: its re-exports are getters, read per machine.
import { EXCLUDE_MDE_AUTO_UPDATE_TAG, MDE_EXTENSION, MDE_UNSUPPORTED_OS, UNIFIED_SOLUTION_OS } from "../../spec/defender";
import { resolveServers, type ResolvedServers } from "../../spec/defenderSchema";
import { componentVerdict, type ComponentVerdict, type Fleet, type PlanContext } from "../../core/kernel";
import { effectivePlan, neverProvisioned } from "../defender-plans";
import { extensionOf } from "../machine-extensions";
import { ENDPOINT_REASONS, type EndpointDecision, type EndpointOffFacts } from "./reasons";
import { serversIn } from "./settings";

/** The endpoint verdicts of a fleet, computed once per plan (vulnerability assessment reads them too). */
const VERDICTS = {};

export function endpointVerdicts(ctx: PlanContext, fleet: Fleet): readonly ComponentVerdict<EndpointDecision>[] | undefined {
  const servers = resolveServers(ctx.spec.defender);
  if (!servers) return undefined;
  return ctx.memo(VERDICTS, () => {
    const decide = endpointDecider(ctx, servers);
    return fleet.machines.map((m, i) => decide(m, fleet.subscriptionIds[i]!));
  });
}

function hasTag(m: InventoryMachine, name: string, value: string): boolean {
  return Object.entries(m.tags ?? {}).some(([k, v]) => k.toLowerCase() === name.toLowerCase() && v.toLowerCase() === value);
}

export function decideEndpoint(ctx: PlanContext, servers: ResolvedServers, m: InventoryMachine, subscriptionId: string): ComponentVerdict<EndpointDecision> {
  return endpointDecider(ctx, servers)(m, subscriptionId);
}

/**
 * Decides one machine of a subscription; what every machine shares (the speaker, the spec's
 * servers as they apply per subscription: settings.ts, serversIn) is bound once per fleet.
 */
function endpointDecider(ctx: PlanContext, spec: ResolvedServers): (m: InventoryMachine, subscriptionId: string) => ComponentVerdict<EndpointDecision> {
  const say = ctx.reasons.speaker(ENDPOINT_REASONS);
  const v = (d: EndpointDecision, r: ReturnType<typeof say>) => componentVerdict(d, r);
  const osClass = osClassifier();
  // Machines come in runs of one subscription: the last one's servers are kept.
  let lastSubscription: string | undefined;
  let servers = spec;
  return (m, subscriptionId) => {
    if (subscriptionId !== lastSubscription) {
      lastSubscription = subscriptionId;
      servers = serversIn(ctx, spec, subscriptionId);
    }
    const kind = MDE_EXTENSION[m.osType];
    const ext = extensionOf(m, kind);
    const failed = ext !== undefined && (ext.provisioningState ?? "").toLowerCase() === "failed";
    const os = m.osName ?? "";
    const windowsClass = m.osType === "Windows" ? osClass(os) : 0;
    const unified = (windowsClass & UNIFIED) !== 0;
    const off = offFor(servers, m, unified, () => ctx.lower(m.id));
    if (off) {
      if (ext && !failed) return v("mde-remains", say("remains", kind.type, off.why, off.why === "excluded" ? off.override : null));
      return off.why === "excluded" ? v("mde-excluded", say("excluded", off.override)) : v("mde-off", say("off", off.why));
    }
    if (failed) return m.osType === "Linux" ? v("mde-not-possible", say("not-possible", "linux-failed", m.osType)) : v("mde-failed", say("failed", kind.type));
    if (ext) return v("mde-installed", say("installed", kind.type, m.osType === "Linux" && hasTag(m, EXCLUDE_MDE_AUTO_UPDATE_TAG, "true")));
    if (onboardedByAgent(m)) return v("mde-onboarded-otherwise", say("onboarded-otherwise", m.osType));
    if (m.generalized) return v("mde-not-possible", say("not-possible", "generalized", os));
    if ((windowsClass & UNSUPPORTED) !== 0) return v("mde-not-possible", say("not-possible", "unsupported-os", os));
    const why = ineligibility(m);
    if (why) return v("mde-not-eligible", say("not-eligible", why, neverProvisioned(m)));
    return v("mde-awaiting-defender", say("awaiting-defender", kind.type, unified || m.osType === "Linux"));
  };
}

/** Why Defender does not deploy (or no longer manages) MDE on `m`: its plan Free, or the integration off for it. */
function offFor(servers: ResolvedServers, m: InventoryMachine, unified: boolean, lowerId: () => string): EndpointOffFacts | undefined {
  const plan = effectivePlan(servers, m, lowerId);
  if (plan.plan === "Free") return plan.resourceLevel ? { why: "excluded", override: plan.resourceLevel } : { why: "plan-off" };
  if (!servers.endpointProtection) return { why: "integration-off" };
  if (m.osType === "Linux" && !servers.linux) return { why: "linux-off" };
  if (unified && !servers.unifiedSolution) return { why: "unified-off" };
  return undefined;
}

const UNIFIED = 1;
const UNSUPPORTED = 2;

/**
 * The OS name's class (UNIFIED, UNSUPPORTED bits), tested once per distinct name: a fleet has a
 * few dozen names and a million machines, and the two expressions ran on each.
 */
function osClassifier(): (osName: string) => number {
  const known = new Map<string, number>();
  return (osName) => {
    let c = known.get(osName);
    if (c === undefined) known.set(osName, (c = (UNIFIED_SOLUTION_OS.test(osName) ? UNIFIED : 0) | (MDE_UNSUPPORTED_OS.test(osName) ? UNSUPPORTED : 0)));
    return c;
  };
}

/** Onboarded through an agent (a loop, not a closure: once per machine). */
function onboardedByAgent(m: InventoryMachine): boolean {
  for (const a of m.agents ?? []) if (a.kind === "mde") return true;
  return false;
}

/**
 * Decisions under which the machine has Defender for Endpoint, or Defender deploys it (for
 * vulnerability assessment, which Defender enables once MDE reports). A machine that is not
 * eligible is neither: MDE does not reach it (an appliance never, see reach.ts).
 */
export const ENDPOINT_PRESENT: ReadonlySet<EndpointDecision> = new Set(["mde-installed", "mde-onboarded-otherwise"]);
export const ENDPOINT_COMING: ReadonlySet<EndpointDecision> = new Set(["mde-awaiting-defender", "mde-failed"]);
