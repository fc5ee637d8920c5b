/**
 * plan(spec, inventory) -> Plan. Pure and deterministic: no I/O, no clock, no randomness; the
 * same input gives byte-equal JSON. Every rule lives in the module named for it:
 * decide.ts (machines, Log Analytics agent), decideAma.ts and planAma.ts (machines, Azure
 * Monitor Agent), workspaces.ts, subscription.ts, policies.ts, amaFindings.ts.
 */
import type { Inventory, InventoryMachine } from "../inventory/schema";
import { equalsIgnoreCase } from "../spec/extensions";
import type { Spec } from "../spec/schema";
import { buildContext, machinesInScope, type PlanContext } from "./context";
import { noteAmaGaps } from "./amaFindings";
import { decideMachine, type MachineVerdict } from "./decide";
import { decideAmaMachine } from "./decideAma";
import { extensionId } from "./ids";
import { emitAmaMachineSteps } from "./planAma";
import { planPolicies } from "./policies";
import { PlanBuilder } from "./steps";
import { planSubscriptionSettings } from "./subscription";
import type { Action, Decision, MachinePlan, Plan, PlanSummary, Severity } from "./types";
import { ensureTargetWorkspace, ensureUserWorkspaceSolution, retireDefaultWorkspaces, targetWorkspaceFor, type TargetWorkspace } from "./workspaces";

export function plan(spec: Spec, inventory: Inventory): Plan {
  const ctx = buildContext(spec, inventory);
  const b = new PlanBuilder();
  const { machines, subscriptionIds } = machinesInScope(ctx);
  const subscriptions = [...ctx.inScope].sort();

  for (const sub of subscriptions) {
    if (!ctx.onboardedAt.has(sub)) {
      b.finding("warning", "subscription-not-in-inventory", `/subscriptions/${sub}`, `Subscription ${sub} is in the spec but not in the inventory: nothing is planned for it.`);
      continue;
    }
    planSubscriptionSettings(ctx, b, sub);
  }

  const targets = machines.map((m, i) => targetWorkspaceFor(ctx, subscriptionIds[i]!, m.location));
  let verdicts: readonly { decision: Decision; workspace: string | null; reason: string }[];
  if (spec.logAnalyticsAgent.agent === "ama") {
    const ama = machines.map((m, i) => decideAmaMachine(ctx, m, targets[i]!));
    emitAmaMachineSteps(ctx, b, machines, subscriptionIds, ama, targets);
    verdicts = ama;
  } else {
    const mma = machines.map((m, i) => decide(ctx, m, targets[i]!));
    mma.forEach((v, i) => {
      if (v.decision === "blocked-scom-2012") b.finding("error", "scom-2012-agent", machines[i]!.id, v.reason);
    });
    emitMachineSteps(ctx, b, machines, mma, targets);
    verdicts = mma;
  }

  const bySubscription = groupBySubscription(machines, subscriptionIds);
  for (const sub of subscriptions) {
    if (ctx.onboardedAt.has(sub)) planPolicies(ctx, b, sub, bySubscription.get(sub) ?? []);
  }
  noteRetiredAgent(ctx, b);
  noteAmaGaps(ctx, b);

  const { steps, findings } = b.build();
  const machinePlans: MachinePlan[] = machines.map((m, i) => {
    const v = verdicts[i]!;
    return { id: m.id, decision: v.decision, workspace: v.workspace, reason: v.reason };
  });
  return { version: 1, machines: machinePlans, steps, findings, summary: summarize(machinePlans, steps, findings) };
}

function decide(ctx: PlanContext, machine: InventoryMachine, target: TargetWorkspace): MachineVerdict {
  const existing = ctx.workspaceById.get(target.key);
  const verdict = decideMachine(ctx, machine, target.id, existing?.customerId);
  if (!existing && !target.defaultFor && verdict.op && verdict.op.kind !== "upgrade") {
    // A custom workspace that does not exist: the decision stands, but nothing can happen yet.
    return { ...verdict, reason: ctx.intern(`${verdict.reason} Blocked until that workspace exists.`) };
  }
  return verdict;
}

/** Workspace readiness first (each needed target once), then one step per machine that changes. */
function emitMachineSteps(
  ctx: PlanContext,
  b: PlanBuilder,
  machines: readonly InventoryMachine[],
  verdicts: readonly MachineVerdict[],
  machineTargets: readonly TargetWorkspace[],
): void {
  const la = ctx.spec.logAnalyticsAgent;
  const ready = new Map<string, string[] | undefined>();
  const targets = new Set<string>();
  const reportersAfter = new Map<string, number>();
  const reconnectsFrom = new Map<string, string[]>();
  const blocked = new Map<string, number>();

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
    const existingName = m.extensions?.find((e) => equalsIgnoreCase(e.type, op.extension.type))?.name ?? op.extension.name;
    const extId = extensionId(m.id, existingName);
    const details = {
      machineId: m.id,
      machineKind: m.kind,
      osType: m.osType,
      location: m.location,
      name: existingName,
      publisher: op.extension.publisher,
      type: op.extension.type,
      typeHandlerVersion: op.extension.version,
      workspaceId: op.workspaceId,
    };
    if (op.kind === "install") {
      b.addUnique("install-extension", extId, details, deps);
    } else if (op.kind === "upgrade") {
      b.addUnique("upgrade-extension", extId, { ...details, fromVersion: op.fromVersion });
    } else {
      const id = b.addUnique("reconnect-extension", extId, { ...details, fromWorkspaceId: op.fromWorkspaceId }, deps);
      const from = ctx.lower(op.fromWorkspaceId);
      let list = reconnectsFrom.get(from);
      if (!list) reconnectsFrom.set(from, (list = []));
      list.push(id);
    }
  }
  for (const [workspaceId, n] of blocked) {
    b.finding("error", "machines-blocked-by-workspace", workspaceId, `${n} machine(s) cannot be connected until ${workspaceId} exists.`);
  }
  retireDefaultWorkspaces(ctx, b, targets, reportersAfter, reconnectsFrom);
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function groupBySubscription(machines: readonly InventoryMachine[], subscriptionIds: readonly string[]): Map<string, InventoryMachine[]> {
  const out = new Map<string, InventoryMachine[]>();
  for (let i = 0; i < machines.length; i++) {
    const m = machines[i]!;
    const sub = subscriptionIds[i]!;
    let list = out.get(sub);
    if (!list) out.set(sub, (list = []));
    list.push(m);
  }
  return out;
}

/** MMA was retired on 2024-08-31: say so whenever a plan still deploys it. */
function noteRetiredAgent(ctx: PlanContext, b: PlanBuilder): void {
  const la = ctx.spec.logAnalyticsAgent;
  if (la.autoProvision && la.agent === "mma") {
    b.finding(
      "info",
      "legacy-agent-retired",
      "logAnalyticsAgent.agent",
      "The Log Analytics agent (MMA) was retired on 31 August 2024; Microsoft no longer supports it. Plan the move to the Azure Monitor Agent (agent: ama).",
    );
  }
}

function summarize(machines: readonly MachinePlan[], steps: Plan["steps"], findings: Plan["findings"]): PlanSummary {
  const decisions: Partial<Record<Decision, number>> = {};
  for (const m of machines) decisions[m.decision] = (decisions[m.decision] ?? 0) + 1;
  const actions: Partial<Record<Action, number>> = {};
  for (const s of steps) actions[s.action] = (actions[s.action] ?? 0) + 1;
  const severities: Partial<Record<Severity, number>> = {};
  for (const f of findings) severities[f.severity] = (severities[f.severity] ?? 0) + 1;
  return { machines: machines.length, decisions: sortKeys(decisions), steps: steps.length, actions: sortKeys(actions), findings: sortKeys(severities) };
}

function sortKeys<T extends Record<string, number>>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))) as T;
}
