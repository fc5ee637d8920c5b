/**
 * Microsoft.Compute: virtual machines (PUT/DELETE long-running, instanceView with power state and
 * VM agent status, power actions), their extensions, scale sets and scale-set model extensions.
 */
import type { ActionInput, PutInput, PutResult, ResourceTypeSpec, Needs } from "../arm/types";
import type { LroManager } from "../arm/lro";
import { API_VERSIONS } from "../arm/apiVersions";
import { ArmErrors } from "../http/errors";
import { jsonBody, type EmuRequest, type EmuResponse } from "../http/types";
import type { StoredResource } from "../store/resources";
import { POWER_STATES, type PowerState } from "../store/guest";
import { clone, getPath, getString, isObject, type JsonObject } from "../util/json";
import { newGuid } from "../util/random";
import { defaultGuest, extensionsOf, guestOf, normalizeOs, osTypeOf, provisionedAtOf, type OsType } from "../model/machines";
import { VMSS_EXTENSION_TYPE, VMSS_TYPE, VMSS_VM_TYPE, VM_EXTENSION_TYPE, VM_TYPE } from "../model/resourceTypes";
import { instanceIdsOf, instanceResource, modelChanged, outdatedInstancesOf, upgradeInstances } from "../model/scaleSetInstances";
import { machineIdentity } from "../model/identity";
import { extensionDeleted, machineDeleted } from "../model/connections";
import { vmExtensionView, vmInstanceView, vmssView } from "../model/views";
import { putExtension } from "./common/extensionPut";
import { tracked } from "./common/tracked";

/** What these handlers use. */
type Deps = Needs<"store" | "guest" | "heartbeatHistory" | "clock" | "settings" | "extensionLog" | "lro" | "tenantId" | "tx">;

const V = API_VERSIONS.compute;

function requireLocation(body: JsonObject, existing?: StoredResource): string {
  const loc = typeof body["location"] === "string" ? body["location"] : existing ? String(existing.doc["location"]) : "";
  if (!loc) throw ArmErrors.locationRequired();
  return loc.replace(/\s+/g, "").toLowerCase();
}

/** Top-level properties a VM or scale-set body carries besides `properties`; identity is minted, not copied. */
function copyTopLevel(input: PutInput<Deps>, doc: JsonObject): void {
  const { body, existing, ctx } = input;
  for (const k of ["tags", "plan", "zones", "extendedLocation"]) if (body[k] !== undefined && body[k] !== null) doc[k] = clone(body[k]);
  const identity = machineIdentity(body, existing, ctx.tenantId);
  if (identity) doc["identity"] = identity;
}

/** OS from the places a VM body states it: osDisk.osType, or which osProfile configuration is present. */
function osFromProfile(storage: unknown, osProfile: unknown, existing?: StoredResource): OsType {
  const os =
    normalizeOs(getPath(storage, ["osDisk", "osType"])) ??
    (isObject(osProfile) && isObject(osProfile["windowsConfiguration"]) ? "Windows" : undefined) ??
    (isObject(osProfile) && isObject(osProfile["linuxConfiguration"]) ? "Linux" : undefined) ??
    (existing ? osTypeOf(existing) : undefined);
  if (!os) {
    throw ArmErrors.invalidParameter(
      "Required parameter 'storageProfile.osDisk.osType' is missing (null): give osDisk.osType or an osProfile windowsConfiguration/linuxConfiguration.",
      "properties.storageProfile.osDisk.osType",
    );
  }
  return os;
}

/** osProfile as Azure returns it: never the admin password, provisionVMAgent explicit. */
function osProfileOf(osProfile: unknown, os: OsType, computerName: string): JsonObject {
  const given = isObject(osProfile) ? clone(osProfile) : {};
  delete given["adminPassword"];
  delete given["customData"];
  const key = os === "Windows" ? "windowsConfiguration" : "linuxConfiguration";
  const cfg = isObject(given[key]) ? given[key] : {};
  cfg["provisionVMAgent"] = cfg["provisionVMAgent"] ?? true;
  if (os === "Windows") cfg["enableAutomaticUpdates"] = cfg["enableAutomaticUpdates"] ?? true;
  else cfg["disablePasswordAuthentication"] = cfg["disablePasswordAuthentication"] ?? true;
  return {
    computerName,
    adminUsername: "azureuser",
    ...given,
    [key]: cfg,
    secrets: Array.isArray(given["secrets"]) ? given["secrets"] : [],
    allowExtensionOperations: given["allowExtensionOperations"] ?? true,
    requireGuestProvisionSignal: true,
  };
}

function putVm(input: PutInput<Deps>): PutResult {
  const { ctx, body, target, existing } = input;
  const location = requireLocation(body, existing);
  const props = isObject(body["properties"]) ? clone(body["properties"]) : {};
  const storage = isObject(props["storageProfile"]) ? props["storageProfile"] : {};
  const os = osFromProfile(storage, props["osProfile"], existing);
  const computerName = getString(props, "osProfile", "computerName") ?? getString(existing?.doc, "properties", "osProfile", "computerName") ?? target.name;
  const osProfile = osProfileOf(props["osProfile"] ?? getPath(existing?.doc, ["properties", "osProfile"]), os, computerName);
  const osDisk = isObject(storage["osDisk"]) ? storage["osDisk"] : {};
  const rgPrefix = `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}`;
  for (const k of ["provisioningState", "instanceView", "vmId", "timeCreated"]) delete props[k];
  const doc: JsonObject = {
    id: target.id,
    name: target.name,
    type: VM_TYPE,
    location,
    properties: {
      ...props,
      hardwareProfile: isObject(props["hardwareProfile"]) ? props["hardwareProfile"] : { vmSize: "Standard_D2s_v3" },
      storageProfile: {
        ...storage,
        osDisk: {
          name: `${target.name}_OsDisk_1`,
          createOption: "FromImage",
          caching: "ReadWrite",
          managedDisk: { storageAccountType: "Premium_LRS", id: `${rgPrefix}/providers/Microsoft.Compute/disks/${target.name}_OsDisk_1` },
          diskSizeGB: os === "Windows" ? 127 : 30,
          ...osDisk,
          osType: os,
        },
        dataDisks: Array.isArray(storage["dataDisks"]) ? storage["dataDisks"] : [],
      },
      osProfile,
      networkProfile: isObject(props["networkProfile"])
        ? props["networkProfile"]
        : { networkInterfaces: [{ id: `${rgPrefix}/providers/Microsoft.Network/networkInterfaces/${target.name}-nic` }] },
      vmId: getString(existing?.doc, "properties", "vmId") ?? newGuid(),
      timeCreated: getString(existing?.doc, "properties", "timeCreated") ?? ctx.clock.iso(),
      provisioningState: "Succeeded",
    },
  };
  copyTopLevel(input, doc);
  const vmAgent = getPath(osProfile, [os === "Windows" ? "windowsConfiguration" : "linuxConfiguration", "provisionVMAgent"]) !== false;
  return {
    doc,
    lro: { final: "Succeeded" },
    after: (stored) => {
      if (!ctx.guest.get(stored.id)) ctx.guest.put(stored.id, defaultGuest(os, computerName, ctx.clock.iso(), vmAgent));
    },
  };
}

/** `$expand=instanceView` on a GET or list, or `statusOnly=true` on a list. */
function wantsInstanceView(req?: EmuRequest): boolean {
  for (const [k, v] of req?.query ?? []) {
    if (k.toLowerCase() === "$expand" && v.toLowerCase().includes("instanceview")) return true;
    if (k.toLowerCase() === "statusonly" && v.toLowerCase() === "true") return true;
  }
  return false;
}

function vmView(ctx: Deps, stored: StoredResource, req?: EmuRequest): JsonObject {
  const doc = clone(stored.doc);
  // A VM's GET lists its extensions in `resources`; a list of VMs does not (the Azure CLI's
  // flattened list model breaks on an extension's `properties.type` beside its own `type`).
  const listing = req?.operation?.startsWith("LIST") ?? false;
  const exts = listing ? [] : extensionsOf(ctx, stored);
  if (exts.length > 0) doc["resources"] = exts.map((e) => e.doc);
  if (wantsInstanceView(req)) (doc["properties"] as JsonObject)["instanceView"] = vmInstanceView(ctx, stored);
  return doc;
}

/** A long-running action on a machine: 202 with the operation to follow; `registerComputeOperations` settles it. */
function beginAction({ ctx, stored, apiVersion }: ActionInput<Deps>, action: string, payload: JsonObject): EmuResponse {
  const headers = ctx.tx(() =>
    ctx.lro.begin({ resourceId: stored.id, action, namespace: "Microsoft.Compute", location: String(stored.doc["location"]), apiVersion, final: "Succeeded", payload }),
  );
  return { status: 202, headers };
}

/** start / powerOff / deallocate / restart: long-running, settled by `settlePower`. */
function powerAction(target: PowerState | "restart") {
  return (input: ActionInput<Deps>) => beginAction(input, "vm.power", { powerState: target });
}

/** `POST .../manualUpgrade` `{ instanceIds }` (or `["*"]`): long-running; the named instances then run the latest model. */
function manualUpgrade(input: ActionInput<Deps>): EmuResponse {
  const { ctx, req, stored } = input;
  const body = req.rawBody.length ? jsonBody(req) : {};
  const given = isObject(body) ? body["instanceIds"] : undefined;
  if (!Array.isArray(given) || given.length === 0 || !given.every((i) => typeof i === "string")) {
    throw ArmErrors.invalidParameter("Required parameter 'instanceIds' is missing or empty: give the ids of the instances to upgrade (strings).", "instanceIds");
  }
  const known = new Set(instanceIdsOf(ctx, stored).map(String));
  // "*" names every instance (the Azure CLI's `update-instances --instance-ids '*'` sends it).
  const ids = given.includes("*") ? [...known] : (given as string[]);
  const unknown = ids.filter((i) => !known.has(i));
  if (unknown.length) {
    throw ArmErrors.invalidParameter(`Instance id(s) ${unknown.join(", ")} are not instances of the scale set (its ids: ${[...known].join(", ") || "none"}).`, "instanceIds");
  }
  return beginAction(input, "vmss.manualUpgrade", { instanceIds: ids.map(Number) });
}

export function registerComputeOperations(lro: LroManager): void {
  lro.on("vmss.manualUpgrade", (ctx, op, payload) => {
    const vmss = ctx.store.get(op.resourcel);
    if (!vmss) throw ArmErrors.resourceGone("The virtual machine scale set no longer exists.");
    const ids = Array.isArray(payload["instanceIds"]) ? payload["instanceIds"].filter((i): i is number => typeof i === "number") : [];
    upgradeInstances(ctx, vmss, ids);
  });
  lro.on("vm.power", (ctx, op, payload) => {
    const vm = ctx.store.get(op.resourcel);
    if (!vm) throw ArmErrors.resourceGone("The virtual machine no longer exists.");
    const guest = guestOf(ctx, vm);
    const wanted = String(payload["powerState"]);
    const next: PowerState = wanted === "restart" ? "running" : ((POWER_STATES as readonly string[]).includes(wanted) ? (wanted as PowerState) : "running");
    ctx.guest.put(vm.id, { ...guest, powerState: next, powerStateChangedAt: ctx.clock.iso() });
  });
}

export const virtualMachines: ResourceTypeSpec<Deps> = {
  type: VM_TYPE,
  apiVersions: V,
  scopes: ["resourceGroup"],
  listAtSubscription: true,
  patchable: true,
  lroDelete: true,
  put: putVm,
  view: vmView,
  onDeleted: machineDeleted,
  actions: {
    "GET instanceview": ({ ctx, stored }) => ({ status: 200, body: vmInstanceView(ctx, stored) }),
    "POST start": powerAction("running"),
    "POST poweroff": powerAction("stopped"),
    "POST deallocate": powerAction("deallocated"),
    "POST restart": powerAction("restart"),
  },
};

// Only a PUT that replaces an extension can end what it carried.
const extensionPut = tracked(putExtension, (i) => (i.existing && i.target.parent ? [i.target.parent.id] : []));

export const virtualMachineExtensions: ResourceTypeSpec<Deps> = {
  type: VM_EXTENSION_TYPE,
  apiVersions: V,
  scopes: ["resourceGroup"],
  patchable: true,
  lroDelete: true,
  put: extensionPut,
  view: (ctx, stored, req) => vmExtensionView(ctx, stored, wantsInstanceView(req)),
  onDeleted: extensionDeleted,
};

// ---- scale sets ---------------------------------------------------------------------------

interface ModelExtension {
  readonly name: string;
  readonly properties: JsonObject;
}

function modelExtensions(vmss: JsonObject): ModelExtension[] | undefined {
  const list = getPath(vmss, ["properties", "virtualMachineProfile", "extensionProfile", "extensions"]);
  if (!Array.isArray(list)) return undefined;
  return list.map((e, i) => {
    if (!isObject(e) || typeof e["name"] !== "string" || !isObject(e["properties"])) {
      throw ArmErrors.invalidParameter(`Extension ${i} of the scale set model needs a name and properties.`, `properties.virtualMachineProfile.extensionProfile.extensions[${i}]`);
    }
    return { name: e["name"], properties: e["properties"] };
  });
}

function putVmss(input: PutInput<Deps>): PutResult {
  const { ctx, body, target, existing, req } = input;
  const location = requireLocation(body, existing);
  const props = isObject(body["properties"]) ? clone(body["properties"]) : {};
  const profile = isObject(props["virtualMachineProfile"]) ? props["virtualMachineProfile"] : {};
  const storage = isObject(profile["storageProfile"]) ? profile["storageProfile"] : {};
  const os = osFromProfile(storage, profile["osProfile"], existing);
  const prefix = getString(profile, "osProfile", "computerNamePrefix") ?? target.name.slice(0, 9);
  const osProfile = osProfileOf(profile["osProfile"], os, prefix);
  delete osProfile["computerName"];
  osProfile["computerNamePrefix"] = prefix;
  // A PATCH arrives merged onto the stored model, whose extension list is always empty (extensions
  // are stored apart): only an extension list the PATCH itself carries replaces them.
  const patchesExtensions = req.method !== "PATCH" || getPath(jsonBody(req), ["properties", "virtualMachineProfile", "extensionProfile", "extensions"]) !== undefined;
  const extensions = patchesExtensions ? modelExtensions(body) : undefined;
  for (const k of ["provisioningState", "uniqueId", "timeCreated"]) delete props[k];
  const sku = isObject(body["sku"]) ? clone(body["sku"]) : isObject(existing?.doc["sku"]) ? clone(existing!.doc["sku"] as JsonObject) : { name: "Standard_D2s_v3", tier: "Standard", capacity: 2 };
  const doc: JsonObject = {
    id: target.id,
    name: target.name,
    type: VMSS_TYPE,
    location,
    sku,
    properties: {
      ...props,
      upgradePolicy: isObject(props["upgradePolicy"]) ? props["upgradePolicy"] : { mode: "Manual" },
      orchestrationMode: props["orchestrationMode"] ?? "Uniform",
      virtualMachineProfile: {
        ...profile,
        osProfile,
        storageProfile: { ...storage, osDisk: { createOption: "FromImage", caching: "ReadWrite", managedDisk: { storageAccountType: "Premium_LRS" }, ...(isObject(storage["osDisk"]) ? storage["osDisk"] : {}), osType: os } },
        extensionProfile: { extensions: [] },
      },
      uniqueId: getString(existing?.doc, "properties", "uniqueId") ?? newGuid(),
      timeCreated: getString(existing?.doc, "properties", "timeCreated") ?? ctx.clock.iso(),
      provisioningState: "Succeeded",
    },
  };
  copyTopLevel(input, doc);
  const capacity = typeof sku["capacity"] === "number" ? sku["capacity"] : 2;
  return {
    doc,
    lro: { final: "Succeeded" },
    after: (stored) => {
      const guest = ctx.guest.get(stored.id) ?? defaultGuest(os, prefix, ctx.clock.iso());
      ctx.guest.put(stored.id, { ...guest, instances: capacity });
      // A new scale set's instances are created from its model: only a later change leaves them behind.
      if (extensions && syncModelExtensions(ctx, stored, extensions, req.requestId) && existing) modelChanged(ctx, stored);
    },
  };
}

/** The model's extension list is the source of truth when a scale-set PUT carries one. True when the extensions changed. */
function syncModelExtensions(ctx: Deps, vmss: StoredResource, wanted: readonly ModelExtension[], requestId: string): boolean {
  const current = new Map(extensionsOf(ctx, vmss).map((e) => [String(e.doc["name"]).toLowerCase(), e]));
  let modelDiffers = false;
  for (const ext of wanted) {
    const old = current.get(ext.name.toLowerCase());
    current.delete(ext.name.toLowerCase());
    const props = clone(ext.properties);
    const protectedSettings = isObject(props["protectedSettings"]) ? props["protectedSettings"] : undefined;
    delete props["protectedSettings"];
    props["provisioningState"] = "Succeeded";
    const doc: JsonObject = { id: `${vmss.id}/extensions/${ext.name}`, name: ext.name, type: VMSS_EXTENSION_TYPE, properties: props };
    const changed = !old || JSON.stringify(old.doc["properties"]) !== JSON.stringify(props);
    const start = old ? provisionedAtOf(old) : ctx.clock.now();
    const secret: JsonObject = { ...(old?.secret ?? {}), provisionedAt: Number.isFinite(start) ? start : null };
    if (protectedSettings) secret["protectedSettings"] = protectedSettings;
    ctx.store.put({ id: String(doc["id"]), type: VMSS_EXTENSION_TYPE, doc, secret });
    if (changed) {
      modelDiffers = true;
      ctx.extensionLog.record({
        at: ctx.clock.iso(),
        machineId: vmss.id,
        name: ext.name,
        publisher: String(props["publisher"] ?? ""),
        type: String(props["type"] ?? ""),
        version: typeof props["typeHandlerVersion"] === "string" ? props["typeHandlerVersion"] : null,
        workspaceId: getString(props, "settings", "workspaceId") ?? null,
        source: "arm",
        requestId,
      });
    }
  }
  if (current.size) modelDiffers = true;
  for (const gone of current.values()) ctx.store.deleteTree(gone.id);
  return modelDiffers;
}

export const virtualMachineScaleSets: ResourceTypeSpec<Deps> = {
  type: VMSS_TYPE,
  apiVersions: V,
  scopes: ["resourceGroup"],
  listAtSubscription: true,
  patchable: true,
  lroDelete: true,
  // A model PUT can drop extensions: keep the last heartbeats of what they carried.
  put: tracked(putVmss, (i) => (i.existing ? [i.target.id] : [])),
  view: vmssView,
  onDeleted: machineDeleted,
  actions: { "POST manualupgrade": manualUpgrade },
};

/** An extension's settings as the model holds them (its provisioning state is not part of the model). */
function modelPart(doc: JsonObject | undefined): string | undefined {
  if (!doc || !isObject(doc["properties"])) return undefined;
  const { provisioningState: _state, ...rest } = doc["properties"];
  return JSON.stringify(rest);
}

/** A scale-set extension is part of its model: writing a different one, or deleting one, changes the model. */
function scaleSetExtensionPut(input: PutInput<Deps>): PutResult {
  const result = extensionPut(input);
  const before = modelPart(input.existing?.doc);
  return {
    ...result,
    after: (stored) => {
      result.after?.(stored);
      const parent = input.target.parent;
      if (parent && modelPart(stored.doc) !== before) modelChanged(input.ctx, parent);
    },
  };
}

export const virtualMachineScaleSetExtensions: ResourceTypeSpec<Deps> = {
  type: VMSS_EXTENSION_TYPE,
  apiVersions: V,
  scopes: ["resourceGroup"],
  patchable: true,
  lroDelete: true,
  put: scaleSetExtensionPut,
  onDeleted: (ctx, stored, del) => {
    extensionDeleted(ctx, stored);
    const parentId = stored.id.slice(0, stored.id.toLowerCase().lastIndexOf("/extensions/"));
    const parent = del.rootId.toLowerCase() === stored.id.toLowerCase() ? ctx.store.get(parentId) : undefined;
    if (parent) modelChanged(ctx, parent);
  },
};

/** The instances of a scale set: read-only, built from it (ids 0..capacity-1). */
export const virtualMachineScaleSetVms: ResourceTypeSpec<Deps> = {
  type: VMSS_VM_TYPE,
  apiVersions: V,
  scopes: ["resourceGroup"],
  virtual: (ctx, target) => {
    const vmss = target.parent;
    if (!vmss || !/^\d+$/.test(target.name)) return undefined;
    const id = Number(target.name);
    return instanceIdsOf(ctx, vmss).includes(id) ? instanceResource(ctx, vmss, id) : undefined;
  },
  list: ({ ctx, parent }) => {
    if (!parent) return [];
    const outdated = outdatedInstancesOf(ctx, parent);
    return instanceIdsOf(ctx, parent).map((id) => instanceResource(ctx, parent, id, outdated));
  },
};
