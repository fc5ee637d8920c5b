/**
 * What VMs, scale sets and Arc machines share: their guest state, whether an extension can be
 * installed right now, and extension PUTs (validated, logged, long-running as in Azure).
 */
import type { ArmContext, PutInput, PutResult } from "../arm/types";
import type { StoredResource } from "../store/resources";
import type { GuestState } from "../store/guest";
import { ArmError, badRequest, invalidParameter } from "../http/errors";
import { clone, getPath, getString, isObject, type JsonObject } from "../util/json";
import { ARC_EXTENSION_TYPE, ARC_TYPE, AZURE_MONITOR_AGENT_TYPES, AZURE_MONITOR_PUBLISHER, LOG_ANALYTICS_PUBLISHER, VMSS_EXTENSION_TYPE, VMSS_TYPE, VM_EXTENSION_TYPE, VM_TYPE } from "./resourceTypes";
import { workspaceByCustomerId } from "./workspaceLookup";
import { identityOf } from "./identity";

export type MachineKind = "vm" | "vmss" | "arc";

export function machineKindOf(type: string): MachineKind | undefined {
  const t = type.toLowerCase();
  if (t === VM_TYPE.toLowerCase()) return "vm";
  if (t === VMSS_TYPE.toLowerCase()) return "vmss";
  if (t === ARC_TYPE.toLowerCase()) return "arc";
  return undefined;
}

export function extensionTypeOf(kind: MachineKind): string {
  return kind === "vm" ? VM_EXTENSION_TYPE : kind === "vmss" ? VMSS_EXTENSION_TYPE : ARC_EXTENSION_TYPE;
}

export type OsType = "Windows" | "Linux";

export function normalizeOs(value: unknown): OsType | undefined {
  if (typeof value !== "string") return undefined;
  const l = value.toLowerCase();
  return l === "windows" ? "Windows" : l === "linux" ? "Linux" : undefined;
}

/** OS of a machine document (VM: osDisk.osType; scale set: its model; Arc: properties.osType). */
export function osTypeOf(machine: StoredResource): OsType {
  const d = machine.doc;
  return (
    normalizeOs(getPath(d, ["properties", "storageProfile", "osDisk", "osType"])) ??
    normalizeOs(getPath(d, ["properties", "virtualMachineProfile", "storageProfile", "osDisk", "osType"])) ??
    normalizeOs(getPath(d, ["properties", "osType"])) ??
    "Linux"
  );
}

export function defaultGuest(osType: OsType, computerName: string, now: string, vmAgent = true): GuestState {
  return { osType, computerName, powerState: "running", powerStateChangedAt: now, vmAgent };
}

/** The machine's guest state (a machine created before guest state existed gets the defaults). */
export function guestOf(ctx: ArmContext, machine: StoredResource): GuestState {
  return ctx.guest.get(machine.id) ?? defaultGuest(osTypeOf(machine), String(machine.doc["name"]), ctx.clock.iso());
}

export interface ExtensionVerdict {
  /** The PUT is refused outright (Azure answers synchronously). */
  readonly refuse?: ArmError;
  /** The PUT is accepted but the deployment ends Failed (Azure's async failure). */
  readonly failure?: { readonly code: string; readonly message: string };
}

/**
 * Can an extension be deployed to this machine now? Not running: refused. No VM agent: accepted
 * then failed, as Azure waits for an agent that never reports. Scale sets take model changes.
 */
export function deploymentVerdict(ctx: ArmContext, machine: StoredResource, extensionName: string): ExtensionVerdict {
  const kind = machineKindOf(machine.type);
  if (kind === "vmss" || !kind) return {};
  const guest = guestOf(ctx, machine);
  if (guest.powerState !== "running") {
    return {
      refuse:
        kind === "arc"
          ? new ArmError(409, "OperationNotAllowed", `The machine '${String(machine.doc["name"])}' is disconnected; extensions can only be managed on connected machines.`)
          : new ArmError(409, "OperationNotAllowed", `Cannot modify extensions in the VM when the VM is not running. VM '${String(machine.doc["name"])}' is ${guest.powerState}.`),
    };
  }
  if (!guest.vmAgent) {
    return {
      failure: {
        code: "VMAgentStatusCommunicationError",
        message: `VM '${String(machine.doc["name"])}' has not reported status for VM agent or extensions. Verify that the OS is up and healthy, the VM has a running VM agent, and that it can establish outbound connections to Azure storage. Extension '${extensionName}' was not processed.`,
      },
    };
  }
  return {};
}

/**
 * Log Analytics agent extensions need a workspace that exists and its key; a Linux machine whose
 * directly installed agent already reports elsewhere refuses a second connection (error 10)
 * unless `stopOnMultipleConnections` is false.
 */
export function workspaceFailure(
  ctx: ArmContext,
  machine: StoredResource,
  name: string,
  props: JsonObject,
  protectedSettings: JsonObject | undefined,
): { code: string; message: string } | undefined {
  if (String(props["publisher"]).toLowerCase() !== LOG_ANALYTICS_PUBLISHER.toLowerCase()) return undefined;
  const workspaceId = getString(props, "settings", "workspaceId");
  const fail = (detail: string) => ({
    code: "VMExtensionProvisioningError",
    message: `VM has reported a failure when processing extension '${name}'. Error message: "${detail}"`,
  });
  if (!workspaceId) return fail("settings.workspaceId is required.");
  const ws = workspaceByCustomerId(ctx, workspaceId);
  const key = protectedSettings ? getString(protectedSettings, "workspaceKey") : undefined;
  const secret = ws?.secret;
  if (!ws || !secret || !key || (key !== secret["primarySharedKey"] && key !== secret["secondarySharedKey"])) {
    return fail(`The workspace key is invalid or the workspace '${workspaceId}' does not exist.`);
  }
  const guest = ctx.guest.get(machine.id);
  const stop = getPath(props, ["settings", "stopOnMultipleConnections"]);
  const direct = guest?.directAgent?.workspaceCustomerIds ?? [];
  if (guest?.osType === "Linux" && direct.some((w) => w.toLowerCase() !== workspaceId.toLowerCase()) && stop !== false && stop !== "false") {
    return fail("Enable failed with exit code 10: this machine is already connected to another Log Analytics workspace.");
  }
  return undefined;
}

/**
 * The Azure Monitor Agent authenticates with a managed identity: the machine's system-assigned
 * one, the one user-assigned identity it has, or the one settings.authentication.managedIdentity
 * names (`mi_res_id`). Without one the agent cannot get a token and the extension fails.
 */
export function amaIdentityFailure(machine: StoredResource, name: string, props: JsonObject): { code: string; message: string } | undefined {
  const type = String(props["type"] ?? "");
  if (String(props["publisher"]).toLowerCase() !== AZURE_MONITOR_PUBLISHER.toLowerCase()) return undefined;
  if (!AZURE_MONITOR_AGENT_TYPES.some((t) => t.toLowerCase() === type.toLowerCase())) return undefined;
  const fail = (detail: string) => ({
    code: "VMExtensionProvisioningError",
    message: `VM has reported a failure when processing extension '${name}' (publisher '${AZURE_MONITOR_PUBLISHER}' and type '${type}'). Error message: "${detail}"`,
  });
  const { system, userAssigned } = identityOf(machine);
  const mi = getPath(props, ["settings", "authentication", "managedIdentity"]);
  if (isObject(mi)) {
    const idName = String(mi["identifier-name"] ?? "").toLowerCase();
    const value = String(mi["identifier-value"] ?? "").toLowerCase();
    if (idName === "mi_res_id" && !userAssigned.includes(value)) {
      return fail(`Failed to get a managed identity token: the user-assigned identity '${value}' named in settings.authentication.managedIdentity is not assigned to the machine.`);
    }
    if (userAssigned.length === 0) return fail("Failed to get a managed identity token: settings.authentication.managedIdentity names a user-assigned identity but the machine has none.");
    return undefined;
  }
  if (system || userAssigned.length === 1) return undefined;
  if (userAssigned.length > 1) {
    return fail("Failed to get a managed identity token: the machine has several user-assigned identities and settings.authentication.managedIdentity does not say which one to use.");
  }
  return fail("Failed to get a managed identity token (IMDS: Identity not found). Azure Monitor Agent needs a system-assigned or user-assigned managed identity on the machine.");
}

/** When an extension finished provisioning (hidden state; AMA's first heartbeat is a minute later), -Infinity if unknown. */
export function provisionedAtOf(ext: StoredResource): number {
  const at = ext.secret?.["provisionedAt"];
  return typeof at === "number" ? at : -Infinity;
}

const READ_ONLY_EXTENSION_PROPS = ["provisioningState", "instanceView", "protectedSettings", "protectedSettingsFromKeyVault"];

/** An extension PUT on a VM, scale set or Arc machine. */
export function putExtension(input: PutInput): PutResult {
  const { ctx, body, target, req } = input;
  const machine = target.parent;
  if (!machine) throw badRequest("InvalidParameter", "An extension needs a parent machine.");
  const raw = isObject(body["properties"]) ? body["properties"] : undefined;
  if (!raw) throw invalidParameter("Required parameter 'properties' is missing (null).", "properties");
  for (const field of ["publisher", "type", "typeHandlerVersion"]) {
    if (typeof raw[field] !== "string" || raw[field] === "") {
      throw invalidParameter(`Required parameter '${field}' is missing (null).`, `properties.${field}`);
    }
  }
  const publisher = String(raw["publisher"]);
  const handlerType = String(raw["type"]);
  const typeKey = `${publisher}.${handlerType}`.toLowerCase();
  for (const sibling of ctx.store.children(machine.id)) {
    if (sibling.type.toLowerCase() !== input.spec.type.toLowerCase() || sibling.id.toLowerCase() === target.id.toLowerCase()) continue;
    const sp = sibling.doc["properties"];
    if (isObject(sp) && `${String(sp["publisher"])}.${String(sp["type"])}`.toLowerCase() === typeKey) {
      throw new ArmError(
        400,
        "OperationNotAllowed",
        `Multiple VMExtensions per handler not supported for OS type '${osTypeOf(machine)}'. VMExtension '${String(sibling.doc["name"])}' with handler '${publisher}.${handlerType}' already added or specified in input.`,
      );
    }
  }
  const verdict = deploymentVerdict(ctx, machine, target.name);
  if (verdict.refuse) throw verdict.refuse;
  // A PATCH that does not resend protectedSettings keeps the ones the extension has (as Azure does).
  const keptSettings = req.method === "PATCH" && isObject(input.existing?.secret?.["protectedSettings"]) ? (input.existing!.secret!["protectedSettings"] as JsonObject) : undefined;
  const protectedSettings = isObject(raw["protectedSettings"]) ? raw["protectedSettings"] : keptSettings;
  const props: JsonObject = {};
  for (const [k, v] of Object.entries(raw)) if (!READ_ONLY_EXTENSION_PROPS.includes(k)) props[k] = clone(v);
  props["autoUpgradeMinorVersion"] = raw["autoUpgradeMinorVersion"] ?? true;
  if (!isObject(props["settings"])) props["settings"] = {};
  props["provisioningState"] = "Succeeded";
  const failure = verdict.failure ?? workspaceFailure(ctx, machine, target.name, props, protectedSettings) ?? amaIdentityFailure(machine, target.name, props);
  // Provisioning ends when the operation is due; an update of a working extension keeps its start.
  const existing = input.existing;
  const working = existing !== undefined && getString(existing.doc, "properties", "provisioningState") === "Succeeded";
  const start = working ? provisionedAtOf(existing) : ctx.clock.now() + ctx.settings.lroDelayMs;
  // A deployment that fails never ran an agent.
  const provisionedAt = Number.isFinite(start) && !failure ? start : null;
  const doc: JsonObject = {
    id: target.id,
    name: target.name,
    type: input.spec.type,
    location: typeof body["location"] === "string" ? body["location"] : (machine.doc["location"] ?? null),
    properties: props,
  };
  if (isObject(body["tags"])) doc["tags"] = clone(body["tags"]);
  return {
    doc,
    secret: protectedSettings ? { protectedSettings: clone(protectedSettings), provisionedAt } : { provisionedAt },
    lro: failure ? { final: "Failed", error: failure } : { final: "Succeeded" },
    after: () =>
      ctx.extensionLog.record({
        at: ctx.clock.iso(),
        machineId: machine.id,
        name: target.name,
        publisher,
        type: handlerType,
        version: String(raw["typeHandlerVersion"]),
        workspaceId: getString(props, "settings", "workspaceId") ?? null,
        source: "arm",
        requestId: req.requestId,
      }),
  };
}

/** Extensions (children) of a machine, for views and heartbeats. */
export function extensionsOf(ctx: ArmContext, machine: StoredResource): StoredResource[] {
  const kind = machineKindOf(machine.type);
  if (!kind) return [];
  const type = extensionTypeOf(kind).toLowerCase();
  return ctx.store.children(machine.id).filter((c) => c.type.toLowerCase() === type);
}

/** An extension document as a finished deployment leaves it (used by remediations). */
export function extensionDoc(machine: StoredResource, name: string, props: JsonObject): JsonObject {
  const kind = machineKindOf(machine.type)!;
  return {
    id: `${machine.id}/extensions/${name}`,
    name,
    type: extensionTypeOf(kind),
    location: machine.doc["location"] ?? null,
    properties: { autoUpgradeMinorVersion: true, settings: {}, ...props, provisioningState: "Succeeded" },
  };
}
