/**
 * The Guest Configuration agent (`defender.servers.guestConfiguration`), which this tool installs
 * (Defender does not deploy it with a plan; the built-in initiative 12794019 is its
 * Deploy-if-not-exists equivalent, reference §3): a system-assigned identity (shared with the Azure
 * Monitor Agent's: one step per machine) and the extension, under the name the built-in policy
 * uses. Azure VMs only: Arc-enabled servers have it built in, scale sets are not covered. Another
 * owner's assignment of the same policies is reported, never duplicated.
 */
import type { InventoryMachine } from "../../inventory/schema";
import { ineligibility } from "../../inventory/eligibility";
// From the defining modules, not the spec's index: its re-exports are getters, read per machine.
import { GUEST_CONFIGURATION_EXTENSION } from "../../spec/defender";
import { resolveServers } from "../../spec/defenderSchema";
import { componentVerdict, extensionId, ShapeSlots, workspaceLabel, type ComponentVerdict, type ComponentVerdicts, type Fleet, type PlanContext, type StepSink } from "../../core/kernel";
import { neverProvisioned, noteCoexistence } from "../defender-plans";
import { extensionOf, hasSystemIdentity, nameHolder, planSystemIdentity, selfUpgradingInstall, type MachineExtensionSteps } from "../machine-extensions";
import { GC_REASONS, type GcDecision } from "./reasons";

type Sink = StepSink<MachineExtensionSteps>;

export function planGuestConfigurationMachines(ctx: PlanContext, b: Sink, fleet: Fleet): ComponentVerdicts[] | undefined {
  const servers = resolveServers(ctx.spec.defender);
  if (!servers) return undefined;
  if (!servers.guestConfiguration) {
    noteLeftInstalled(b, fleet.machines);
    return undefined;
  }
  const decide = decider(ctx, b, fleet.machines);
  const verdicts = fleet.machines.map((m, i) => decide(m, i));
  return [{ component: "guestConfiguration", verdicts }];
}

/** Decides the `index`-th machine of `machines` (what every machine shares is looked up once). */
function decider(ctx: PlanContext, b: Sink, machines: readonly InventoryMachine[]): (m: InventoryMachine, index: number) => ComponentVerdict<GcDecision> {
  const say = ctx.reasons.speaker(GC_REASONS);
  const v = (d: GcDecision, r: ReturnType<typeof say>) => componentVerdict(d, r);
  // The install steps' shapes, by what their details differ by besides the machine's id.
  const shapes = new ShapeSlots(4);
  return (m, index) => {
    if (m.kind === "arc") return v("gc-builtin", say("builtin"));
    if (m.kind === "vmss") return v("gc-not-applicable", say("not-applicable"));
    const kind = GUEST_CONFIGURATION_EXTENSION[m.osType];
    const ext = extensionOf(m, kind);
    const failed = (ext?.provisioningState ?? "").toLowerCase() === "failed";
    const identity = hasSystemIdentity(m);
    if (ext && !failed && identity) return v("gc-installed", say("installed", ext.name ?? kind.name));
    const why = ineligibility(m);
    if (why) return v("gc-not-eligible", say("not-eligible", why, neverProvisioned(m)));
    // Only the built-in name will do (the machine configuration docs: the security baseline
    // policies require it): another handler holding it blocks the install until it is renamed.
    const holder = ext ? undefined : nameHolder(m, kind);
    if (holder) {
      b.finding(
        "warning",
        "extension-name-blocked",
        extensionId(m.id, kind.name),
        `${workspaceLabel(m.id)}: its extension ${kind.name} is a ${holder.publisher}.${holder.type}, and Azure never changes an extension's handler, so the Guest Configuration extension cannot be installed under the name its policies require. Remove or rename that extension; the next plan installs it.`,
      );
      return v("gc-name-taken", say("name-taken", kind.name, `${holder.publisher}.${holder.type}`));
    }
    const identityStep = identity ? undefined : planSystemIdentity(ctx, b, machines, index);
    if (ext && !failed) return v("gc-enable-identity", say("enable-identity", ext.name ?? kind.name));
    const name = ext?.name ?? kind.name;
    // The extension kind holds the OS.
    b.addUnique("install-extension", extensionId(m.id, name), selfUpgradingInstall(m, kind, name), identityStep, shapes.slot(kind, name, m.kind, m.location));
    return v("gc-install", say("install", kind.name, !identity, failed));
  };
}

/**
 * With Guest Configuration off, what this tool (or a policy) installed stays: it removes neither the
 * extension nor the system-assigned identity (which other extensions, such as the Azure Monitor
 * Agent, may sign in with). One finding with the counts. Arc-enabled servers have it built in.
 */
function noteLeftInstalled(b: Sink, machines: readonly InventoryMachine[]): void {
  let extensions = 0;
  let identities = 0;
  for (const m of machines) {
    if (m.kind === "arc" || !extensionOf(m, GUEST_CONFIGURATION_EXTENSION[m.osType])) continue;
    extensions++;
    if (hasSystemIdentity(m)) identities++;
  }
  if (!extensions) return;
  b.finding(
    "info",
    "guest-configuration-remains",
    "defender.servers.guestConfiguration",
    `defender.servers.guestConfiguration is off, but ${extensions} machine(s) keep the Guest Configuration extension (AzurePolicyforWindows or AzurePolicyforLinux)${identities ? `, ${identities} of them with the system-assigned identity it signs in with` : ""}: this tool installs no more and removes none of them, nor the identities, which other extensions (the Azure Monitor Agent) may use. Remove the extensions yourself if they should go.`,
  );
}

export function noteGuestConfigurationOwners(ctx: PlanContext, b: Sink, subscriptionId: string): void {
  const servers = resolveServers(ctx.spec.defender);
  if (!servers?.guestConfiguration) return;
  // Once per plan (findings are kept once per code and target). Reference §3: OS baseline recommendations need P2.
  if (servers.plan !== "P2") {
    b.finding(
      "info",
      "guest-configuration-without-p2",
      "defender.servers.guestConfiguration",
      `The Guest Configuration agent is installed, but Defender for Cloud's OS baseline recommendations need Defender for Servers P2 and defender.servers.plan is ${servers.plan}: until then the agent serves Azure Policy's machine configuration only.`,
    );
  }
  noteCoexistence(ctx, b, subscriptionId, "guestConfiguration", "the Guest Configuration extension and identity", () =>
    "This tool installs the same extension under the same name on the machines that lack it, so the two never install it twice; it assigns nothing.",
  );
}
