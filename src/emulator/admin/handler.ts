/**
 * The admin API: loopback clients holding this start's admin token only. See README "Admin API".
 */
import { timingSafeEqual } from "node:crypto";
import type { ArmContext } from "../arm/types";
import type { Registry } from "../arm/registry";
import { createDirect } from "../arm/direct";
import { describeHierarchy, managementGroupSeedsSchema, seedManagementGroups } from "../fleet/managementGroups";
import { replayBatchSchema, type ReplayFailure, type ReplayRequest } from "../fleet/replay";
import { ArmError, ArmErrors } from "../http/errors";
import { header, jsonBody, type EmuRequest, type EmuResponse } from "../http/types";
import { guestPatchSchema, guestStateSchema } from "../store/guest";
import { changeIndexLagSchema } from "../store/changeIndexLag";
import type { Counters } from "./counters";
import type { FaultInjector } from "../faults/injector";
import { parseFaultConfig } from "../faults/config";
import type { RemediationEngine } from "../remediation/engine";
import { guestOf, machineKindOf, normalizeOs } from "../model/machines";
import { resourceGroupDoc } from "../model/containers";
import { REMEDIATION_TYPE, RESOURCE_GROUP_TYPE } from "../model/resourceTypes";
import { isObject, getString, type JsonObject } from "../util/json";

export interface AdminDeps {
  readonly ctx: ArmContext;
  readonly registry: Registry;
  readonly counters: Counters;
  readonly faults: FaultInjector;
  readonly remediation: RemediationEngine;
  readonly info: () => JsonObject;
  readonly fleet: () => JsonObject | null;
  /** Settles due long-running operations before answering, as ARM requests do. */
  readonly settle: () => void;
  /** Serves recorded ARM writes in process, in one transaction (fleet/replay.ts). */
  readonly replay: (requests: readonly ReplayRequest[]) => ReplayFailure[];
  /** This start's bearer token, and the file that holds it (named in the 401). */
  readonly auth: AdminAuth;
}

export interface AdminAuth {
  readonly token: string;
  readonly tokenPath: string;
}

/** The latest time the clock may reach: ISO-8601 timestamps (and ARM's) have four-digit years. */
const LATEST_CLOCK_MS = Date.parse("9999-12-31T23:59:59.999Z");

/** Loopback clients with this start's token only; the token is compared in constant time. */
function authorize(auth: AdminAuth, req: EmuRequest): void {
  if (!LOOPBACK.has(req.remoteAddress)) throw ArmErrors.adminForbidden();
  const m = /^Bearer\s+(\S+)$/i.exec(header(req, "authorization")?.trim() ?? "");
  const given = Buffer.from(m?.[1] ?? "");
  const expected = Buffer.from(auth.token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw ArmErrors.adminUnauthenticated(
      `The admin API needs this start's token as 'Authorization: Bearer <token>'; the emulator wrote it to '${auth.tokenPath}' (mode 0600). ` +
        "Tests get it from RunningEmulator.adminToken, other processes with readAdminToken(<emulator dir>).",
    );
  }
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

function objectBody(req: EmuRequest): JsonObject {
  const b = jsonBody(req);
  if (!isObject(b)) throw ArmErrors.invalidRequestContentMessage("Expected a JSON object.");
  return b;
}

function zodMessage(err: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const i = err.issues[0]!;
  return `${i.path.map(String).join(".") || "(root)"}: ${i.message}`;
}

export function handleAdmin(deps: AdminDeps, req: EmuRequest): EmuResponse {
  authorize(deps.auth, req);
  const { ctx } = deps;
  deps.settle();
  const route = `${req.method} /${req.segments.slice(1).join("/").toLowerCase()}`;
  switch (route) {
    case "GET /info":
    case "GET /":
      return { status: 200, body: deps.info() };
    case "GET /health":
      return { status: 200, body: { status: "ok" } };
    case "GET /counters":
      return { status: 200, body: deps.counters.snapshot() };
    case "POST /counters/reset":
      deps.counters.reset();
      return { status: 200, body: deps.counters.snapshot() };
    case "GET /extension-puts": {
      const since = Number(req.query.get("since") ?? "0");
      const entries = ctx.extensionLog.since(Number.isFinite(since) ? since : 0);
      return { status: 200, body: { count: entries.length, value: entries } };
    }
    case "POST /replay": {
      const batch = replayBatchSchema.safeParse(objectBody(req));
      if (!batch.success) throw ArmErrors.invalidRequestContentMessage(zodMessage(batch.error));
      const failures = deps.replay(batch.data.requests);
      return { status: 200, body: { replayed: batch.data.requests.length, failed: failures.length, failures: failures.slice(0, 20) } };
    }
    case "DELETE /extension-puts":
      ctx.tx(() => ctx.extensionLog.clear());
      return { status: 204 };
    case "GET /faults":
      return { status: 200, body: { config: deps.faults.get(), injected: deps.faults.injectedCount } };
    case "POST /faults":
    case "PUT /faults": {
      try {
        deps.faults.set(parseFaultConfig(objectBody(req)));
      } catch (err) {
        if (err instanceof ArmError) throw err;
        throw ArmErrors.invalidFaultConfig(err instanceof Error ? err.message : String(err));
      }
      return { status: 200, body: { config: deps.faults.get() } };
    }
    case "DELETE /faults":
      deps.faults.set({});
      return { status: 204 };
    case "GET /change-index-lag":
      return { status: 200, body: { ...ctx.changeLog.indexLag.get() } };
    case "PUT /change-index-lag":
    case "POST /change-index-lag": {
      const parsed = changeIndexLagSchema.safeParse(objectBody(req));
      if (!parsed.success) throw ArmErrors.invalidRequestContentMessage(zodMessage(parsed.error));
      const { maxExtraSeconds, seed, resources } = parsed.data;
      ctx.changeLog.indexLag.set({
        maxExtraMs: maxExtraSeconds * 1000,
        seed: seed ?? ctx.changeLog.indexLag.get().seed,
        resources: Object.fromEntries(Object.entries(resources).map(([id, seconds]) => [id, seconds * 1000] as const)),
      });
      return { status: 200, body: { ...ctx.changeLog.indexLag.get() } };
    }
    case "GET /clock":
      return { status: 200, body: { now: ctx.clock.iso(), offsetMs: ctx.clock.offset, frozen: ctx.clock.frozen } };
    case "POST /clock": {
      const b = objectBody(req);
      const s = b["advanceSeconds"] ?? 0;
      if (typeof s !== "number" || !Number.isFinite(s) || s < 0) throw ArmErrors.invalidRequestContentMessage("'advanceSeconds' must be a non-negative number.");
      const room = Math.floor((LATEST_CLOCK_MS - ctx.clock.now()) / 1000);
      if (s > room) {
        throw ArmErrors.invalidRequestContentMessage(
          `'advanceSeconds' ${s} would move the clock past 9999-12-31T23:59:59Z, the latest time a timestamp can hold; give at most ${room} seconds.`,
        );
      }
      if (b["freeze"] !== undefined && typeof b["freeze"] !== "boolean") throw ArmErrors.invalidRequestContentMessage("'freeze' must be true or false.");
      if (typeof b["freeze"] === "boolean") ctx.clock.freeze(b["freeze"]);
      ctx.clock.advance(s * 1000);
      deps.settle();
      return { status: 200, body: { now: ctx.clock.iso(), offsetMs: ctx.clock.offset, frozen: ctx.clock.frozen } };
    }
    case "GET /guest":
    case "PUT /guest":
    case "PATCH /guest": {
      const id = req.query.get("id") ?? "";
      const machine = ctx.store.get(id);
      if (!machine || !machineKindOf(machine.type)) throw ArmErrors.adminMachineNotFound(id);
      if (req.method === "GET") return { status: 200, body: guestOf(ctx, machine) };
      const patch = guestPatchSchema.safeParse(objectBody(req));
      if (!patch.success) throw ArmErrors.invalidGuestState(zodMessage(patch.error));
      const merged = guestStateSchema.safeParse({ ...guestOf(ctx, machine), ...patch.data });
      if (!merged.success) throw ArmErrors.invalidGuestState(zodMessage(merged.error));
      const next = { ...merged.data };
      if (patch.data.powerState && !patch.data.powerStateChangedAt) next.powerStateChangedAt = ctx.clock.iso();
      ctx.tx(() => ctx.guest.put(machine.id, next));
      return { status: 200, body: next };
    }
    case "POST /machines":
      return createMachine(deps, objectBody(req));
    case "GET /management-groups":
      return { status: 200, body: describeHierarchy(ctx) as unknown as JsonObject };
    case "POST /management-groups": {
      const seeds = managementGroupSeedsSchema.safeParse(objectBody(req)["groups"]);
      if (!seeds.success) throw ArmErrors.invalidRequestContentMessage(`groups.${zodMessage(seeds.error)}`);
      return { status: 200, body: ctx.tx(() => seedManagementGroups(ctx, deps.registry, seeds.data)) as unknown as JsonObject };
    }
    case "GET /remediations":
      return {
        status: 200,
        body: {
          value: ctx.store.listTypes([REMEDIATION_TYPE]).map((r) => ({
            id: r.id,
            provisioningState: getString(r.doc, "properties", "provisioningState") ?? null,
            peakParallelDeployments: deps.remediation.peak(r.id),
          })),
        },
      };
    case "GET /fleet":
      return { status: 200, body: deps.fleet() ?? { machines: 0 } };
    default:
      throw ArmErrors.adminNotFound(req.method, req.path);
  }
}

/** `POST /admin/machines`: a VM, scale set or Arc machine with its guest state, in one call. */
function createMachine(deps: AdminDeps, b: JsonObject): EmuResponse {
  const { ctx } = deps;
  const sub = getString(b, "subscriptionId");
  const rg = getString(b, "resourceGroup");
  const given = getString(b, "name");
  const location = getString(b, "location");
  const os = normalizeOs(b["osType"]);
  const kind = (getString(b, "kind") ?? "vm") as "vm" | "vmss" | "arc";
  if (!sub || !rg || !given || !location || !os || !["vm", "vmss", "arc"].includes(kind)) {
    throw ArmErrors.invalidRequestContentMessage("Expected {subscriptionId, resourceGroup, name, location, osType: Windows|Linux, kind?: vm|vmss|arc, tags?, guest?}.");
  }
  if (!ctx.store.get(`/subscriptions/${sub.toLowerCase()}`)) throw ArmErrors.subscriptionNotFound(sub);
  const guestPatch = guestPatchSchema.safeParse(b["guest"] ?? {});
  if (!guestPatch.success) throw ArmErrors.invalidGuestState(zodMessage(guestPatch.error));
  const tags = isObject(b["tags"]) ? b["tags"] : undefined;
  const vmAgent = guestPatch.data.vmAgent !== false;
  const config = os === "Windows" ? { windowsConfiguration: { provisionVMAgent: vmAgent } } : { linuxConfiguration: { provisionVMAgent: vmAgent } };
  const { stored, existed } = ctx.tx(() => {
    const rgDoc = resourceGroupDoc(sub, rg, location);
    let group = ctx.store.get(String(rgDoc["id"]));
    if (!group) ctx.store.put((group = { id: String(rgDoc["id"]), type: RESOURCE_GROUP_TYPE, doc: rgDoc, secret: null }));
    // ARM's ids and names are case-insensitive: a name differing only in case is the existing group or
    // machine (ids as stored), updated as ARM's PUT updates it, its name (and what derives from it) unchanged.
    const base = `${group.id}/providers`;
    const machineType = kind === "arc" ? "Microsoft.HybridCompute/machines" : kind === "vmss" ? "Microsoft.Compute/virtualMachineScaleSets" : "Microsoft.Compute/virtualMachines";
    const existing = ctx.store.get(`${base}/${machineType}/${given}`);
    const name = existing ? String(existing.doc["name"]) : given;
    let created;
    if (kind === "arc") {
      // As the connected machine agent onboards it: with a system-assigned identity.
      created = createDirect(ctx, deps.registry, `${base}/Microsoft.HybridCompute/machines/${name}`, { location, ...(tags ? { tags } : {}), identity: { type: "SystemAssigned" }, properties: { osType: os.toLowerCase() } });
    } else if (kind === "vmss") {
      created = createDirect(ctx, deps.registry, `${base}/Microsoft.Compute/virtualMachineScaleSets/${name}`, {
        location,
        ...(tags ? { tags } : {}),
        sku: { name: "Standard_D2s_v3", tier: "Standard", capacity: guestPatch.data.instances ?? 2 },
        properties: { upgradePolicy: { mode: "Automatic" }, virtualMachineProfile: { osProfile: { computerNamePrefix: name.slice(0, 9), ...config }, storageProfile: { osDisk: { osType: os } } } },
      });
    } else {
      created = createDirect(ctx, deps.registry, `${base}/Microsoft.Compute/virtualMachines/${name}`, {
        location,
        ...(tags ? { tags } : {}),
        properties: { storageProfile: { osDisk: { osType: os } }, osProfile: { computerName: name.slice(0, 15), ...config } },
      });
    }
    const merged = guestStateSchema.parse({ ...guestOf(ctx, created), ...guestPatch.data });
    ctx.guest.put(created.id, merged);
    return { stored: created, existed: existing !== undefined };
  });
  return { status: existed ? 200 : 201, body: { id: stored.id, resource: stored.doc, guest: guestOf(ctx, stored) } };
}
