/**
 * An extension PUT on a VM, scale set or Arc machine: validated, deployed long-running as in
 * Azure (the model decides whether it can succeed) and logged. Shared by Compute and HybridCompute.
 */
import type { Needs, PutInput, PutResult } from "../../arm/types";
import { ArmErrors } from "../../http/errors";
import { clone, getString, isObject, type JsonObject } from "../../util/json";
import { osTypeOf, provisionedAtOf } from "../../model/machines";
import { amaIdentityFailure, deploymentVerdict, failedStatusOf, workspaceFailure } from "../../model/deployment";
import { legacyAgentOffered } from "../../../spec/geography";
import { LOG_ANALYTICS_AGENT, isSameExtension } from "../../../spec/extensions";

/** The Log Analytics agent's extension (MMA on Windows, OMS on Linux)? */
function isLegacyAgent(publisher: string, type: string): boolean {
  return Object.values(LOG_ANALYTICS_AGENT).some((kind) => isSameExtension(kind, { publisher, type }));
}
import { guestConfigurationIdentityFailure } from "../../model/guestConfiguration";

/** What an extension PUT uses. */
export type ExtensionPutNeeds = Needs<"store" | "guest" | "heartbeatHistory" | "clock" | "settings" | "extensionLog">;
const READ_ONLY_EXTENSION_PROPS = ["provisioningState", "instanceView", "protectedSettings", "protectedSettingsFromKeyVault"];

/** An extension PUT on a VM, scale set or Arc machine. */
export function putExtension(input: PutInput<ExtensionPutNeeds>): PutResult {
  const { ctx, body, target, req } = input;
  const machine = target.parent;
  if (!machine) throw ArmErrors.invalidParameter("An extension needs a parent machine.");
  const raw = isObject(body["properties"]) ? body["properties"] : undefined;
  if (!raw) throw ArmErrors.invalidParameter("Required parameter 'properties' is missing (null).", "properties");
  for (const field of ["publisher", "type", "typeHandlerVersion"]) {
    if (typeof raw[field] !== "string" || raw[field] === "") {
      throw ArmErrors.invalidParameter(`Required parameter '${field}' is missing (null).`, `properties.${field}`);
    }
  }
  const publisher = String(raw["publisher"]);
  const handlerType = String(raw["type"]);
  const typeKey = `${publisher}.${handlerType}`.toLowerCase();
  // An extension's handler is fixed at creation: a PUT of the same name with another publisher or
  // type is refused, not turned into another extension (Compute: PropertyChangeNotAllowed, 409).
  const was = input.existing && isObject(input.existing.doc["properties"]) ? input.existing.doc["properties"] : undefined;
  if (was) {
    for (const [field, now] of [["publisher", publisher], ["type", handlerType]] as const) {
      if (String(was[field] ?? "").toLowerCase() !== now.toLowerCase()) throw ArmErrors.propertyChangeNotAllowed(field);
    }
  }
  for (const sibling of ctx.store.children(machine.id)) {
    if (sibling.type.toLowerCase() !== input.spec.type.toLowerCase() || sibling.id.toLowerCase() === target.id.toLowerCase()) continue;
    const sp = sibling.doc["properties"];
    if (isObject(sp) && `${String(sp["publisher"])}.${String(sp["type"])}`.toLowerCase() === typeKey) {
      throw ArmErrors.operationNotAllowed(
        400,
        `Multiple VMExtensions per handler not supported for OS type '${osTypeOf(machine)}'. VMExtension '${String(sibling.doc["name"])}' with handler '${publisher}.${handlerType}' already added or specified in input.`,
      );
    }
  }
  // The Log Analytics agent was never offered in regions opened after 2024-01-01: no such extension image there.
  const machineLocation = String(machine.doc["location"] ?? "");
  if (!input.existing && isLegacyAgent(publisher, handlerType) && !legacyAgentOffered(machineLocation)) {
    throw ArmErrors.artifactNotFound(`The VM extension with publisher '${publisher}' and type '${handlerType}' could not be found in location '${machineLocation}'.`);
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
  const failure =
    verdict.failure ??
    workspaceFailure(ctx, machine, target.name, props, protectedSettings) ??
    amaIdentityFailure(machine, target.name, props) ??
    guestConfigurationIdentityFailure(machine, target.name, props);
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
  // A failed deployment's handler status, for the extension's instance view (views.ts).
  const failed = failure ? { failure: failedStatusOf(failure) } : {};
  return {
    doc,
    secret: protectedSettings ? { protectedSettings: clone(protectedSettings), provisionedAt, ...failed } : { provisionedAt, ...failed },
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

