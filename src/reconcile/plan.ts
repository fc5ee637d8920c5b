/**
 * plan(spec, inventory) -> Plan. Pure and deterministic: no I/O, no clock, no randomness; the
 * same input gives byte-equal JSON. Every rule lives in the module named for it:
 * decide.ts (machines), workspaces.ts, subscription.ts, policies.ts.
 */
import type { Inventory, InventoryMachine } from "../inventory/schema";
import { subscriptionOf } from "../inventory/ids";
import type { Spec } from "../spec/schema";
import { ValidationError } from "../spec/errors";
import { buildContext, machinesInScope, type PlanContext } from "./context";
import { decideMachine, type MachineVerdict } from "./decide";
import { extensionId } from "./ids";
import { planPolicies } from "./policies";
import { PlanBuilder } from "./steps";
import { planSubscriptionSettings } from "./subscription";
import type { Action, Decision, MachinePlan, Plan, PlanSummary, Severity } from "./types";
import { ensureTargetWorkspace, ensureUserWorkspaceSolution, retireDefaultWorkspaces, targetWorkspaceFor } from "./workspaces";

export function plan(spec: Spec, inventory: Inventory): Plan {
  if (spec.logAnalyticsAgent.agent === "ama") {
    throw new ValidationError("spec", [
      { path: "logAnalyticsAgent.agent", message: '"ama" is not planned by this version yet; use "mma"' },
    ]);
  }
  const ctx = buildContext(spec, inventory);
  const b = new PlanBuilder();
  const machines = machinesInScope(ctx);
  const bySubscription = groupBySubscription(machines);
  const subscriptions = [...ctx.inScope].sort();

  for (const sub of subscriptions) {
    if (!ctx.onboardedAt.has(sub)) {
      b.finding("warning", "subscription-not-in-inventory", `/subscriptions/${sub}`, `Subscription ${sub} is in the spec but not in the inventory: nothing is planned for it.`);
      continue;
    }
    planSubscriptionSettings(ctx, b, sub);
  }

  const verdicts = machines.map((m) => decide(ctx, m));
  verdicts.forEach((v, i) => {
    if (v.decision === "blocked-scom-2012") {
      b.finding("error", "scom-2012-agent", machines[i]!.id, v.reason);
    }
  });
  emitMachineSteps(ctx, b, machines, verdicts);

  for (const sub of subscriptions) {
    if (ctx.onboardedAt.has(sub)) planPolicies(ctx, b, sub, bySubscription.get(sub) ?? []);
  }
  noteRetiredAgent(ctx, b);

  const { steps, findings } = b.build();
  const machinePlans: MachinePlan[] = machines.map((m, i) => {
    const v = verdicts[i]!;
    return { id: m.id, decision: v.decision, workspace: v.workspace, reason: v.reason };
  });
  return { version: 1, machines: machinePlans, steps, findings, summary: summarize(machinePlans, steps, findings) };
}

interface Decided extends MachineVerdict {
  readonly targetId: string;
}

function decide(ctx: PlanContext, machine: InventoryMachine): Decided {
  const target = targetWorkspaceFor(ctx, subscriptionOf(machine.id), machine.location);
  const existing = ctx.workspaceById.get(target.id.toLowerCase());
  const verdict = decideMachine(ctx, machine, target.id, existing?.customerId);
  if (!existing && !target.defaultFor && verdict.op && verdict.op.kind !== "upgrade") {
    // A custom workspace that does not exist: the decision stands, but nothing can happen yet.
    return { ...verdict, reason: `${verdict.reason} Blocked until that workspace exists.`, targetId: target.id };
  }
  return { ...verdict, targetId: target.id };
}

/** Workspace readiness first (each needed target once), then one step per machine that changes. */
function emitMachineSteps(ctx: PlanContext, b: PlanBuilder, machines: readonly InventoryMachine[], verdicts: readonly Decided[]): void {
  const la = ctx.spec.logAnalyticsAgent;
  const ready = new Map<string, string[] | undefined>();
  const targets = new Set<string>();
  const reportersAfter = new Map<string, number>();
  const reconnectsFrom = new Map<string, string[]>();
  const blocked = new Map<string, number>();

  const ensure = (machine: InventoryMachine, targetId: string): string[] | undefined => {
    const key = targetId.toLowerCase();
    if (!ready.has(key)) ready.set(key, ensureTargetWorkspace(ctx, b, targetWorkspaceFor(ctx, subscriptionOf(machine.id), machine.location)));
    return ready.get(key);
  };

  if (la.autoProvision && la.workspace !== "default") {
    // A custom workspace is configured whether or not a machine connects to it today: new
    // machines will (seed: "install a Security Center solution on the workspace").
    const key = la.workspace.id.toLowerCase();
    targets.add(key);
    ready.set(key, ensureTargetWorkspace(ctx, b, { id: la.workspace.id }));
  }

  for (let i = 0; i < machines.length; i++) {
    const m = machines[i]!;
    const v = verdicts[i]!;
    if (v.decision === "compliant" || v.decision === "upgrade") {
      targets.add(v.targetId.toLowerCase());
      ensure(m, v.targetId);
    }
    if (v.decision === "keep-user-workspace" && v.userWorkspace) ensureUserWorkspaceSolution(ctx, b, v.userWorkspace);
    const op = v.op;
    let deps: string[] = [];
    if (op && op.kind !== "upgrade") {
      targets.add(op.workspaceId.toLowerCase());
      const ready = ensure(m, op.workspaceId);
      if (!ready) {
        // Blocked: no step, so the machine goes on reporting where it reports today.
        bump(blocked, op.workspaceId);
        if (op.kind === "reconnect") bump(reportersAfter, op.fromWorkspaceId.toLowerCase());
        continue;
      }
      deps = ready;
    }
    if (v.workspace) bump(reportersAfter, v.workspace.toLowerCase());
    if (!op) continue;
    const common = {
      machineId: m.id,
      machineKind: m.kind,
      osType: m.osType,
      location: m.location,
      name: op.extension.name,
      publisher: op.extension.publisher,
      type: op.extension.type,
      typeHandlerVersion: op.extension.version,
    };
    const existingName = m.extensions?.find((e) => e.type.toLowerCase() === op.extension.type.toLowerCase())?.name;
    const target = extensionId(m.id, existingName ?? op.extension.name);
    if (op.kind === "install") {
      b.add("install-extension", target, { ...common, workspaceId: op.workspaceId }, deps);
    } else if (op.kind === "upgrade") {
      b.add("upgrade-extension", target, { ...common, name: existingName ?? op.extension.name, workspaceId: op.workspaceId, fromVersion: op.fromVersion });
    } else {
      const id = b.add("reconnect-extension", target, { ...common, name: existingName ?? op.extension.name, workspaceId: op.workspaceId, fromWorkspaceId: op.fromWorkspaceId }, deps);
      const from = op.fromWorkspaceId.toLowerCase();
      reconnectsFrom.set(from, [...(reconnectsFrom.get(from) ?? []), id]);
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

function groupBySubscription(machines: readonly InventoryMachine[]): Map<string, InventoryMachine[]> {
  const out = new Map<string, InventoryMachine[]>();
  for (const m of machines) {
    const sub = subscriptionOf(m.id);
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
