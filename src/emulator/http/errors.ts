/**
 * ARM's error shape: `{"error":{"code","message","target"?,"details"?}}`. Every refusal the
 * emulator makes is an ArmError so the SDK's RestError carries `.code` as it does against Azure.
 */
import type { JsonObject } from "../util/json";

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly extra: JsonObject = {},
  ) {
    super(message);
    this.name = "ArmError";
  }

  body(): JsonObject {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}

export const badRequest = (code: string, message: string): ArmError => new ArmError(400, code, message);
export const conflict = (code: string, message: string): ArmError => new ArmError(409, code, message);

export function invalidParameter(message: string, target?: string): ArmError {
  return new ArmError(400, "InvalidParameter", message, {}, target ? { target } : {});
}

export function resourceNotFound(type: string, name: string, resourceGroup?: string | null): ArmError {
  const where = resourceGroup ? ` under resource group '${resourceGroup}'` : "";
  return new ArmError(
    404,
    "ResourceNotFound",
    `The Resource '${type}/${name}'${where} was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

export function resourceGroupNotFound(name: string): ArmError {
  return new ArmError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`);
}

export function subscriptionNotFound(id: string): ArmError {
  return new ArmError(404, "SubscriptionNotFound", `The subscription '${id}' could not be found.`);
}

export function invalidResourceType(type: string, namespace: string, apiVersion: string | null): ArmError {
  return new ArmError(
    404,
    "InvalidResourceType",
    `The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${apiVersion ?? ""}'.`,
  );
}
