/**
 * The legacy agent (MMA) on one machine, as its removal needs it: under `agent: ama` once the
 * Azure Monitor Agent reports (decide.ts), under `agent: none` with no agent after it (retire.ts).
 * The blockers that hold whatever replaces it are here, once: a direct agent (not an extension;
 * removing the extension removes a pre-existing direct agent too, reference §1.2), an Operations
 * Manager agent (the seed: it shares the Log Analytics agent's run-time libraries), a Dependency
 * agent (the seed: it requires the Log Analytics agent).
 */
import type { InventoryExtension, InventoryMachine, InventoryWorkspace } from "../../inventory/schema";
import { AZURE_MONITOR_AGENT, DEPENDENCY_AGENT, LOG_ANALYTICS_AGENT, isSameExtension } from "../../spec/extensions";
import { extensionId, fewNames, workspaceLabel, type PlanContext, type StepMap, type StepSink } from "../../core/kernel";
import { failedConnectedElsewhere } from "../log-analytics-agent";
import { noteModelChange, type MachineExtensionSteps } from "../machine-extensions";
import type { LegacyBlocker } from "./reasons";

const LEGACY_WORKSPACE_DATA_SOURCES = "legacy-workspace-data-sources";

/** What a machine runs of the agents the legacy agent's removal looks at. */
export interface AgentsOnMachine {
  readonly ama?: InventoryExtension;
  readonly mma?: InventoryExtension;
  readonly dependency: boolean;
  /** A directly installed Log Analytics agent (or a Linux extension that failed because one is connected elsewhere). */
  readonly direct: boolean;
  /** The Operations Manager agent's release ("" when unknown); undefined without one. */
  readonly scom?: string;
  /** The Azure Monitor Agent reports (an "Azure Monitor Agent" heartbeat). */
  readonly amaReports: boolean;
}

/** One pass over the machine's extensions and heartbeat agents. */
export function agentsOnMachine(machine: InventoryMachine): AgentsOnMachine {
  const amaKind = AZURE_MONITOR_AGENT[machine.osType];
  const mmaKind = LOG_ANALYTICS_AGENT[machine.osType];
  const depKind = DEPENDENCY_AGENT[machine.osType];
  let ama: InventoryExtension | undefined;
  let mma: InventoryExtension | undefined;
  let dependency = false;
  for (const e of machine.extensions ?? []) {
    if (!ama && isSameExtension(amaKind, e)) ama = e;
    else if (!mma && isSameExtension(mmaKind, e)) mma = e;
    else if (isSameExtension(depKind, e)) dependency = true;
  }
  let direct = false;
  let scom: string | undefined;
  let amaReports = false;
  for (const a of machine.agents ?? []) {
    if (a.kind === "direct") direct = true;
    else if (a.kind === "scom") scom ??= a.version ?? "";
    else amaReports = true;
  }
  // A legacy extension that failed with exit code 10 found an agent connected elsewhere: a direct agent its removal would take along.
  if (!direct && mma && machine.osType === "Linux" && failedConnectedElsewhere(mma)) direct = true;
  return { ama, mma, dependency, direct, scom, amaReports };
}

/** What on the machine keeps its legacy agent, whatever replaces it; undefined when nothing does. */
export function machineBlocker(agents: AgentsOnMachine): LegacyBlocker | undefined {
  if (agents.direct) return agents.mma ? "direct-extension" : "direct";
  if (agents.scom !== undefined) return "scom";
  if (agents.dependency) return "dependency";
  return undefined;
}

/** The remove-extension step of the machine's legacy extension, after `dependsOn`; returns its id. */
export function planLegacyRemoval(ctx: PlanContext, b: StepSink<MachineExtensionSteps>, m: InventoryMachine, ext: InventoryExtension, workspaceId: string | undefined, dependsOn: readonly string[]): string {
  const name = ext.name ?? LOG_ANALYTICS_AGENT[m.osType].name;
  return noteModelChange(
    ctx,
    m,
    b.addUnique(
      "remove-extension",
      extensionId(m.id, name),
      { machineId: m.id, machineKind: m.kind, osType: m.osType, name, publisher: ext.publisher, type: ext.type, workspaceId: workspaceId ?? null },
      dependsOn,
    ),
  );
}

/** The workspace the legacy extension reports to, when the inventory holds it. */
export function legacyWorkspaceOf(ctx: PlanContext, ext: InventoryExtension | undefined): InventoryWorkspace | undefined {
  const id = ext?.workspaceCustomerId;
  return id ? (ctx.workspaceByCustomerId.get(id) ?? ctx.workspaceByCustomerId.get(id.toLowerCase())) : undefined;
}

/**
 * The findings of a plan's legacy-agent removals: what the workspaces they reported to no longer
 * get (by workspace beside AMA; one warning for all without a successor, `agent: none`, where
 * nothing of those machines reaches them any more), and the machines that keep the agent
 * (`keptAs`: their decision).
 */
export function noteLegacyRemovals(b: StepSink<StepMap>, removalsFrom: ReadonlyMap<string, number>, kept: number, keptAs: string, successor: boolean): void {
  if (successor) {
    for (const [workspaceId, n] of removalsFrom) {
      b.finding(
        "info",
        LEGACY_WORKSPACE_DATA_SOURCES,
        workspaceId,
        `The Log Analytics agent extension is removed from ${n} machine(s) reporting to ${workspaceLabel(workspaceId)}. What the legacy agent collected there through the workspace's own data sources (performance counters, event logs, syslog) is not collected by the Azure Monitor Agent: only the data collection rules associated with a machine decide what it sends.`,
      );
    }
  } else if (removalsFrom.size) {
    const all = [...removalsFrom].sort(([a], [c]) => (a.toLowerCase() < c.toLowerCase() ? -1 : 1));
    const machines = all.reduce((n, [, k]) => n + k, 0);
    b.finding(
      "warning",
      LEGACY_WORKSPACE_DATA_SOURCES,
      "logAnalyticsAgent.removeLegacyAgent",
      `The Log Analytics agent extension is removed from ${machines} machine(s), and with logAnalyticsAgent.agent none no agent replaces it: their heartbeat and what the workspaces' own data sources collected (performance counters, event logs, syslog) no longer reach ${fewNames(all.map(([id, k]) => `${workspaceLabel(id)} (${k})`))}.`,
    );
  }
  if (kept > 0) {
    b.finding(
      "warning",
      "legacy-agent-kept",
      "logAnalyticsAgent.removeLegacyAgent",
      `${kept} machine(s) keep the legacy agent although removeLegacyAgent is true (${keptAs}): each machine's reason says why.`,
    );
  }
}
