/**
 * The Log Analytics agent (`agent: mma`, the seed's agent) across the fleet: each machine's
 * decision (decide.ts), its target workspace made ready (workspace, solution, security-event
 * tier) before any machine is connected to it, one extension step per machine that changes, and
 * the default workspaces no machine reports to any more.
 */
import type { InventoryMachine } from "../../inventory/schema";
import { extensionId, type Fleet, type PlanContext, type StepSink } from "../../core/kernel";
import { noteModelChange, planInstallName, type MachineExtensionSteps } from "../machine-extensions";
import { securityEventsStep, type SecurityEventSteps } from "../security-events";
import {
  ensureUserWorkspaceSolution,
  ensureWorkspaceAndSolution,
  retireDefaultWorkspaces,
  fleetTargets,
  recoveredCustomerId,
  WORKSPACE_REASONS,
  type TargetWorkspace,
  type WorkspaceSteps,
} from "../workspaces";
import { failedExtensionBesideDirectAgent } from "./connectedElsewhere";
import { decideMachine, type LaVerdict } from "./decide";
import { noteLegacyAgentRemaining } from "./remaining";

const LEGACY_AGENT_RETIRED = "legacy-agent-retired";

/** What this capability plans into. */
export type LogAnalyticsAgentPlanSteps = WorkspaceSteps & SecurityEventSteps & MachineExtensionSteps;
type Sink = StepSink<LogAnalyticsAgentPlanSteps>;

/** The machines phase: the verdicts when the spec's agent is the Log Analytics agent. */
export function planLogAnalyticsAgent(ctx: PlanContext, b: Sink, fleet: Fleet): readonly LaVerdict[] | undefined {
  if (ctx.spec.logAnalyticsAgent.agent !== "mma") return noteLegacyAgentRemaining(ctx, b, fleet);
  const { machines } = fleet;
  const targets = fleetTargets(ctx, fleet);
  const verdicts = machines.map((m, i) => decide(ctx, m, targets[i]!));
  let installs = 0;
  verdicts.forEach((v, i) => {
    if (v.decision === "blocked-scom-2012") b.finding("error", "scom-2012-agent", machines[i]!.id, v.reason.text);
    else if (v.decision === "skip-linux-direct-agent") noteFailedExtensionLeft(b, machines[i]!);
    else if (v.decision === "install") installs++;
  });
  noteHeartbeatScope(ctx, b, installs);
  noteRetiredAgent(ctx, b, emitMachineSteps(ctx, b, machines, verdicts, targets));
  return verdicts;
}

/** A failed extension left beside a Linux direct agent: it runs nothing, and its removal would take the agent with it. */
function noteFailedExtensionLeft(b: Sink, machine: InventoryMachine): void {
  const failed = failedExtensionBesideDirectAgent(machine);
  if (!failed) return;
  const name = failed.extension.name ?? failed.extension.type;
  b.finding(
    "warning",
    "failed-extension-beside-direct-agent",
    machine.id,
    `The Log Analytics extension ${name} failed on this Linux machine, which already reports to another workspace: it is left in place (it runs nothing). Removing it runs the extension's uninstall, which removes the directly installed agent too; remove it only where that agent is to go or is installed again afterwards.`,
  );
}

/**
 * Agents are seen only in the Heartbeat of workspaces the credential can read: when machines are
 * planned for install because none was seen, say how far the read reached (inventories read from
 * Azure say it; hand-written ones do not, and get nothing).
 */
function noteHeartbeatScope(ctx: PlanContext, b: Sink, installs: number): void {
  const read = ctx.inventory.heartbeat;
  if (!read || installs === 0) return;
  const unread = read.unread ? `, ${read.unread} listed but not readable` : "";
  const cut = read.complete ? "" : "; Resource Graph listed the tenant's workspaces for only part of its subscriptions, so others were not read";
  b.finding(
    "info",
    "heartbeat-scope",
    "logAnalyticsAgent",
    `${installs} machine(s) are planned for install because no agent was seen on them. Heartbeat was read from ${read.workspaces} workspace(s) the credential can see (${read.outside} outside the inventory's subscriptions${unread}${cut}). ` +
      "An agent reporting to a workspace it cannot read is not seen: such a machine gets the extension beside it (an Operations Manager 2012 one too); on Linux the install fails with exit code 10, and the machine is left alone after it.",
  );
}

function decide(ctx: PlanContext, machine: InventoryMachine, target: TargetWorkspace): LaVerdict {
  const existing = ctx.workspaceById.get(target.key);
  // A default workspace this plan recovers keeps its workspace id: its agents report to the target already.
  const verdict = decideMachine(ctx, machine, target.id, existing?.customerId ?? recoveredCustomerId(ctx, target));
  if (!existing && !target.defaultFor && verdict.op && verdict.op.kind !== "upgrade") {
    // A custom workspace that does not exist: the decision stands, but nothing can happen yet.
    return { ...verdict, reason: ctx.reasons.say(WORKSPACE_REASONS, "blocked-by-workspace", verdict.reason) };
  }
  return verdict;
}

/**
 * Steps that make a target workspace ready for the Log Analytics agent: resource group and
 * workspace (default workspaces only), solution, security-event tier. Returns the ids machine
 * steps must wait for, or undefined when the workspace cannot be used (a custom workspace that
 * does not exist).
 */
function ensureTargetWorkspace(ctx: PlanContext, b: Sink, target: TargetWorkspace): string[] | undefined {
  const ready = ensureWorkspaceAndSolution(ctx, b, target);
  if (!ready) return undefined;
  const tierStep = securityEventsStep(ctx, b, target.id, ready.existing, ready.created);
  if (tierStep) ready.deps.push(tierStep);
  return ready.deps;
}

/**
 * Workspace readiness first (each needed target once), then one step per machine that changes.
 * Returns how many machines get the agent installed (a machine blocked by its workspace gets none).
 */
function emitMachineSteps(
  ctx: PlanContext,
  b: Sink,
  machines: readonly InventoryMachine[],
  verdicts: readonly LaVerdict[],
  machineTargets: readonly TargetWorkspace[],
): number {
  const la = ctx.spec.logAnalyticsAgent;
  const ready = new Map<string, string[] | undefined>();
  const targets = new Set<string>();
  const reportersAfter = new Map<string, number>();
  const reconnectsFrom = new Map<string, string[]>();
  const blocked = new Map<string, number>();
  let installs = 0;

  const ensure = (target: TargetWorkspace): string[] | undefined => {
    targets.add(target.key);
    if (!ready.has(target.key)) ready.set(target.key, ensureTargetWorkspace(ctx, b, target));
    return ready.get(target.key);
  };

  if (la.autoProvision && la.workspace !== "default") {
    // A custom workspace is configured whether or not a machine connects to it today: new
    // machines will (seed: "install a Security Center solution on the workspace").
    ensure({ id: la.workspace.id, key: ctx.lower(la.workspace.id) });
  }

  for (let i = 0; i < machines.length; i++) {
    const m = machines[i]!;
    const v = verdicts[i]!;
    const target = machineTargets[i]!;
    if (v.decision === "compliant" || v.decision === "upgrade") ensure(target);
    if (v.decision === "keep-user-workspace" && v.userWorkspace) ensureUserWorkspaceSolution(ctx, b, v.userWorkspace);
    const op = v.op;
    let deps: string[] = [];
    if (op && op.kind !== "upgrade") {
      const readyDeps = ensure(target);
      if (!readyDeps) {
        // Blocked: no step, so the machine goes on reporting where it reports today.
        bump(blocked, op.workspaceId);
        if (op.kind === "reconnect") bump(reportersAfter, ctx.lower(op.fromWorkspaceId));
        continue;
      }
      deps = readyDeps;
    }
    if (v.workspace) bump(reportersAfter, ctx.lower(v.workspace));
    if (!op) continue;
    const name = planInstallName(b, m, op.extension);
    const extId = extensionId(m.id, name);
    // One details object per step, written out (a million machines: no intermediate copies).
    const machineId = m.id;
    const machineKind = m.kind;
    const osType = m.osType;
    const location = m.location;
    const { publisher, type, version: typeHandlerVersion } = op.extension;
    if (op.kind === "install") {
      installs++;
      const workspaceId = op.workspaceId;
      noteModelChange(ctx, m, b.addUnique("install-extension", extId, { machineId, machineKind, osType, location, name, publisher, type, typeHandlerVersion, workspaceId }, deps));
    } else if (op.kind === "upgrade") {
      const { workspaceId, fromVersion } = op;
      noteModelChange(ctx, m, b.addUnique("upgrade-extension", extId, { machineId, machineKind, osType, location, name, publisher, type, typeHandlerVersion, workspaceId, fromVersion }));
    } else {
      const { workspaceId, fromWorkspaceId } = op;
      const id = noteModelChange(ctx, m, b.addUnique("reconnect-extension", extId, { machineId, machineKind, osType, location, name, publisher, type, typeHandlerVersion, workspaceId, fromWorkspaceId }, deps));
      const from = ctx.lower(op.fromWorkspaceId);
      let list = reconnectsFrom.get(from);
      if (!list) reconnectsFrom.set(from, (list = []));
      list.push(id);
    }
  }
  for (const [workspaceId, n] of blocked) {
    b.finding("error", "machines-blocked-by-workspace", workspaceId, `${n} machine(s) cannot be connected until ${workspaceId} exists.`);
  }
  retireDefaultWorkspaces(ctx, b, targets, reportersAfter, reconnectsFrom, { ama: false });
  return installs;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/**
 * MMA was retired on 2024-08-31 (reference §1): said whenever the spec deploys it; a warning when
 * this plan installs it (`installs`: new installs, not upgrades or reconnections), since Defender
 * stopped provisioning it in November 2024 and its cloud ingestion is reduced since 2025-02-01.
 */
function noteRetiredAgent(ctx: PlanContext, b: Sink, installs: number): void {
  const la = ctx.spec.logAnalyticsAgent;
  if (!la.autoProvision) return;
  const retired = "The Log Analytics agent (MMA) was retired on 31 August 2024; Microsoft no longer supports it.";
  const move = "Plan the move to the Azure Monitor Agent (agent: ama).";
  if (!installs) {
    b.finding("info", LEGACY_AGENT_RETIRED, "logAnalyticsAgent.agent", `${retired} ${move}`);
    return;
  }
  b.finding(
    "warning",
    LEGACY_AGENT_RETIRED,
    "logAnalyticsAgent.agent",
    `This plan installs the Log Analytics agent (MMA) extension on ${installs} machine(s). ${retired} ` +
      "Defender stopped provisioning it in November 2024, and Azure Monitor has been gradually reducing its cloud ingestion since 1 February 2025: these machines get an agent whose data is going away. " +
      move,
  );
}

