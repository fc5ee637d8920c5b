/**
 * Guest state: what runs inside a machine, which ARM cannot see but Log Analytics heartbeats
 * reveal. Agents installed as extensions are ARM resources, not guest state; this holds the
 * agents installed by hand (direct MMA), Operations Manager, and extra Azure Monitor Agent
 * destinations besides those of its data collection rules (drift for tests).
 */
import { z } from "zod";
import type { Db } from "./db";
import { WriteObservers } from "./writeObservers";

import { OPERATIONS_MANAGER_RELEASES, type OperationsManagerRelease } from "../../spec/operationsManager";

/** The Operations Manager releases the fleet models (the one table, in src/spec). */
export const SCOM_RELEASES = OPERATIONS_MANAGER_RELEASES;
export type ScomRelease = OperationsManagerRelease;

export const POWER_STATES = ["running", "stopped", "deallocated"] as const;
export type PowerState = (typeof POWER_STATES)[number];

const guid = z.string().regex(/^[0-9a-fA-F-]{36}$/, "must be a workspace customerId (GUID)");

export const guestStateSchema = z.object({
  osType: z.enum(["Windows", "Linux"]),
  computerName: z.string().min(1),
  powerState: z.enum(POWER_STATES),
  /** When the power state last changed: a stopped machine's last heartbeat. */
  powerStateChangedAt: z.string(),
  /** Azure VM agent (Arc: connected machine agent) present and reporting. */
  vmAgent: z.boolean(),
  /** Log Analytics agent installed directly (not as an extension), with its workspaces. */
  directAgent: z.object({ workspaceCustomerIds: z.array(guid), version: z.string().optional() }).nullable().optional(),
  /** Operations Manager agent; heartbeats into the workspace its management group is connected to. */
  scom: z
    .object({ release: z.enum(SCOM_RELEASES), managementGroup: z.string().min(1), workspaceCustomerIds: z.array(guid) })
    .nullable()
    .optional(),
  /** Extra Azure Monitor Agent destinations (workspace customerIds) besides its rules'; only with a working AMA extension. */
  ama: z.object({ workspaceCustomerIds: z.array(guid) }).nullable().optional(),
  /** Scale sets: number of instances that heartbeat. */
  instances: z.number().int().min(0).max(1000).optional(),
  /**
   * Scale sets under a `Manual` upgrade policy: the instance ids (below `instances`) that do not run
   * the latest model (ARM: `latestModelApplied: false`) until `POST .../manualUpgrade` names them.
   */
  outdatedInstances: z.array(z.number().int().min(0)).optional(),
  /** The OS's name as the instance view reports it (default: Windows Server 2019 Datacenter, ubuntu). */
  osName: z.string().min(1).optional(),
  /** Linux: Python is installed (default true); Defender's MDE.Linux fails without it. */
  python: z.boolean().optional(),
  /** The machine is a generalized image (OS state Generalized): Defender does not provision it. */
  generalized: z.boolean().optional(),
  /** A Defender for Endpoint sensor onboarded by hand (no MDE extension): Defender reconfigures it. */
  mdeSensor: z.boolean().optional(),
});

export type GuestState = z.infer<typeof guestStateSchema>;

/** What admin `PUT /admin/guest?id=` accepts: any subset of the fields. */
export const guestPatchSchema = guestStateSchema.partial().strict();
export type GuestPatch = z.infer<typeof guestPatchSchema>;

export class GuestStore {
  private readonly getStmt;
  private readonly putStmt;
  private readonly delStmt;
  private readonly allStmt;
  /** Told each machine whose guest state is put or deleted. */
  readonly writes = new WriteObservers();

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { state: string }>("SELECT state FROM guest WHERE machinel = ?");
    this.putStmt = db.prepare("INSERT INTO guest(machinel, state) VALUES (?, ?) ON CONFLICT(machinel) DO UPDATE SET state = excluded.state");
    this.delStmt = db.prepare("DELETE FROM guest WHERE machinel = ?");
    this.allStmt = db.prepare<[], { machinel: string; state: string }>("SELECT machinel, state FROM guest");
  }

  get(machineId: string): GuestState | undefined {
    const row = this.getStmt.get(machineId.toLowerCase());
    return row ? (JSON.parse(row.state) as GuestState) : undefined;
  }

  put(machineId: string, state: GuestState): void {
    this.putStmt.run(machineId.toLowerCase(), JSON.stringify(state));
    this.writes.notify(machineId, "put");
  }

  delete(machineId: string): void {
    this.delStmt.run(machineId.toLowerCase());
    this.writes.notify(machineId, "delete");
  }

  /** All guest states by lower-case machine id (Heartbeat answers read them in one go). */
  all(): Map<string, GuestState> {
    return new Map(this.allStmt.all().map((r) => [r.machinel, JSON.parse(r.state) as GuestState]));
  }
}
