/**
 * Whether an extension can be deployed to a machine now (refused outright, or accepted and then
 * failed as Azure's agent would fail it): ARM PUTs and remediation deployments ask the same.
 */
import type { StoredResource } from "../store/resources";
import { ArmErrors, type ArmError, type OperationError } from "../http/errors";
import { getPath, getString, isObject, type JsonObject } from "../util/json";
import type { ModelContext } from "./context";
import { guestOf, machineKindOf } from "./machines";
import { AZURE_MONITOR_AGENT_TYPES, AZURE_MONITOR_PUBLISHER, LOG_ANALYTICS_PUBLISHER } from "./resourceTypes";
import { workspaceByCustomerId } from "./workspaces";
import { identityOf } from "./identity";

export interface ExtensionVerdict {
  /** The PUT is refused outright (Azure answers synchronously). */
  readonly refuse?: ArmError;
  /** The PUT is accepted but the deployment ends Failed (Azure's async failure). */
  readonly failure?: OperationError;
}

/**
 * Can an extension be deployed to this machine now? Not running: refused. No VM agent: accepted
 * then failed, as Azure waits for an agent that never reports. Scale sets take model changes.
 */
export function deploymentVerdict(ctx: Pick<ModelContext, "guest" | "clock">, machine: StoredResource, extensionName: string): ExtensionVerdict {
  const kind = machineKindOf(machine.type);
  if (kind === "vmss" || !kind) return {};
  const guest = guestOf(ctx, machine);
  if (guest.powerState !== "running") {
    return {
      refuse:
        kind === "arc"
          ? ArmErrors.operationNotAllowed(409, `The machine '${String(machine.doc["name"])}' is disconnected; extensions can only be managed on connected machines.`)
          : ArmErrors.operationNotAllowed(409, `Cannot modify extensions in the VM when the VM is not running. VM '${String(machine.doc["name"])}' is ${guest.powerState}.`),
    };
  }
  if (!guest.vmAgent) {
    return { failure: ArmErrors.vmAgentStatusCommunicationError(String(machine.doc["name"]), extensionName) };
  }
  return {};
}

/**
 * Log Analytics agent extensions need a workspace that exists and its key; a Linux machine whose
 * directly installed agent already reports elsewhere refuses a second connection (error 10)
 * unless `stopOnMultipleConnections` is false.
 */
export function workspaceFailure(
  ctx: Pick<ModelContext, "store" | "guest">,
  machine: StoredResource,
  name: string,
  props: JsonObject,
  protectedSettings: JsonObject | undefined,
): OperationError | undefined {
  if (String(props["publisher"]).toLowerCase() !== LOG_ANALYTICS_PUBLISHER.toLowerCase()) return undefined;
  const workspaceId = getString(props, "settings", "workspaceId");
  const fail = (detail: string) => ArmErrors.vmExtensionProvisioningError(`VM has reported a failure when processing extension '${name}'. Error message: "${detail}"`);
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
 * The handler's status a failed deployment leaves in the extension's instance view: Azure's
 * VMExtensionProvisioningError quotes the handler's message (`Error message: "..."`), and the
 * status code carries the handler's exit code when the message names one
 * (`ProvisioningState/failed/10`, as the Log Analytics agent's Linux handler reports it).
 */
export function failedStatusOf(error: OperationError): { code: string; message: string } {
  const quoted = /Error message: "(.*)"\s*\.?$/s.exec(error.message)?.[1] ?? error.message;
  const exit = /exit code (\d+)/i.exec(quoted)?.[1];
  return { code: exit ? `ProvisioningState/failed/${exit}` : "ProvisioningState/failed", message: quoted };
}

/**
 * The Azure Monitor Agent authenticates with a managed identity: the machine's system-assigned
 * one, the one user-assigned identity it has, or the one settings.authentication.managedIdentity
 * names (`mi_res_id`). Without one the agent cannot get a token and the extension fails.
 */
export function amaIdentityFailure(machine: StoredResource, name: string, props: JsonObject): OperationError | undefined {
  const type = String(props["type"] ?? "");
  if (String(props["publisher"]).toLowerCase() !== AZURE_MONITOR_PUBLISHER.toLowerCase()) return undefined;
  if (!AZURE_MONITOR_AGENT_TYPES.some((t) => t.toLowerCase() === type.toLowerCase())) return undefined;
  const fail = (detail: string) =>
    ArmErrors.vmExtensionProvisioningError(`VM has reported a failure when processing extension '${name}' (publisher '${AZURE_MONITOR_PUBLISHER}' and type '${type}'). Error message: "${detail}"`);
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

