/**
 * Defender for Endpoint per machine (component `endpoint`). Defender deploys MDE.Windows /
 * MDE.Linux itself to every machine once Defender for Servers (P1 or P2) and the integration are
 * on, and reconfigures installations it finds (reference §3): this tool never installs it. It
 * decides what each machine will get and why, so the plan shows it and the report counts it.
 *
 * Precedence (first that applies): the extension present (installed / failed: on Linux the usual
 * cause is a missing Python, so not possible) > the machine's plan Free (excluded by its
 * resource-level plan, or off with the subscription's) > the integration off (for every OS, for
 * Linux, or the unified solution for Windows Server 2012 R2/2016) > onboarded without the
 * extension > not possible (generalized image, unsupported OS) > not eligible (stopped, no VM
 * agent, appliance) > awaiting Defender.
 */
import type { InventoryMachine } from "../../inventory/schema";
import { ineligibility } from "../../inventory/eligibility";
// From the defining modules, not the spec's index: its re-exports are getters, read per machine.
import { EXCLUDE_MDE_AUTO_UPDATE_TAG, MDE_EXTENSION, MDE_UNSUPPORTED_OS, UNIFIED_SOLUTION_OS } from "../../spec/defender";
import { resolveServers, type ResolvedServers } from "../../spec/defenderSchema";
import { componentVerdict, type ComponentVerdict, type Fleet, type PlanContext } from "../../core/kernel";
import { effectivePlan } from "../defender-plans";
import { extensionOf } from "../machine-extensions";
import { ENDPOINT_REASONS, type EndpointDecision } from "./reasons";

/** The endpoint verdicts of a fleet, computed once per plan (vulnerability assessment reads them too). */
const VERDICTS = {};

export function endpointVerdicts(ctx: PlanContext, fleet: Fleet): readonly ComponentVerdict<EndpointDecision>[] | undefined {
  const servers = resolveServers(ctx.spec.defender);
  if (!servers) return undefined;
  return ctx.memo(VERDICTS, () => fleet.machines.map(endpointDecider(ctx, servers)));
}

function hasTag(m: InventoryMachine, name: string, value: string): boolean {
  return Object.entries(m.tags ?? {}).some(([k, v]) => k.toLowerCase() === name.toLowerCase() && v.toLowerCase() === value);
}

export function decideEndpoint(ctx: PlanContext, servers: ResolvedServers, m: InventoryMachine): ComponentVerdict<EndpointDecision> {
  return endpointDecider(ctx, servers)(m);
}

/** Decides one machine; what every machine shares (the speaker, the spec's servers) is bound once per fleet. */
function endpointDecider(ctx: PlanContext, servers: ResolvedServers): (m: InventoryMachine) => ComponentVerdict<EndpointDecision> {
  const say = ctx.reasons.speaker(ENDPOINT_REASONS);
  const v = (d: EndpointDecision, r: ReturnType<typeof say>) => componentVerdict(d, r);
  const osClass = osClassifier();
  return (m) => {
    const kind = MDE_EXTENSION[m.osType];
    const ext = extensionOf(m, kind);
    if (ext) {
      if ((ext.provisioningState ?? "").toLowerCase() === "failed") {
        return m.osType === "Linux" ? v("mde-not-possible", say("not-possible", "linux-failed", m.osType)) : v("mde-failed", say("failed", kind.type));
      }
      return v("mde-installed", say("installed", kind.type, m.osType === "Linux" && hasTag(m, EXCLUDE_MDE_AUTO_UPDATE_TAG, "true")));
    }
    const plan = effectivePlan(servers, m, () => ctx.lower(m.id));
    if (plan.plan === "Free") return plan.resourceLevel ? v("mde-excluded", say("excluded", plan.resourceLevel)) : v("mde-off", say("off", "plan-off"));
    if (!servers.endpointProtection) return v("mde-off", say("off", "integration-off"));
    if (m.osType === "Linux" && !servers.linux) return v("mde-off", say("off", "linux-off"));
    const os = m.osName ?? "";
    const windowsClass = m.osType === "Windows" ? osClass(os) : 0;
    const unified = (windowsClass & UNIFIED) !== 0;
    if (unified && !servers.unifiedSolution) return v("mde-off", say("off", "unified-off"));
    if (onboardedByAgent(m)) return v("mde-onboarded-otherwise", say("onboarded-otherwise", m.osType));
    if (m.generalized) return v("mde-not-possible", say("not-possible", "generalized", os));
    if ((windowsClass & UNSUPPORTED) !== 0) return v("mde-not-possible", say("not-possible", "unsupported-os", os));
    const why = ineligibility(m);
    if (why) return v("mde-not-eligible", say("not-eligible", why));
    return v("mde-awaiting-defender", say("awaiting-defender", kind.type, unified || m.osType === "Linux"));
  };
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

/** Decisions under which the machine has (or will not get) Defender for Endpoint, for vulnerability assessment. */
export const ENDPOINT_PRESENT: ReadonlySet<EndpointDecision> = new Set(["mde-installed", "mde-onboarded-otherwise"]);
export const ENDPOINT_COMING: ReadonlySet<EndpointDecision> = new Set(["mde-awaiting-defender", "mde-failed", "mde-not-eligible"]);
