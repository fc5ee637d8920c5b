/**
 * The Guest Configuration extension signs in with the machine's system-assigned identity (its
 * built-in prerequisites initiative 12794019 adds the identity first, reference §3): on a machine
 * without one the extension's deployment fails, as the agent cannot get a token.
 */
import type { StoredResource } from "../store/resources";
import { ArmErrors, type OperationError } from "../http/errors";
import type { JsonObject } from "../util/json";
import { GUEST_CONFIGURATION_EXTENSION } from "../../spec/defender";
import { identityOf } from "./identity";

export function guestConfigurationIdentityFailure(machine: StoredResource, name: string, props: JsonObject): OperationError | undefined {
  const publisher = String(props["publisher"] ?? "").toLowerCase();
  const type = String(props["type"] ?? "").toLowerCase();
  const isGc = Object.values(GUEST_CONFIGURATION_EXTENSION).some((k) => k.publisher.toLowerCase() === publisher && k.type.toLowerCase() === type);
  if (!isGc || identityOf(machine).system) return undefined;
  return ArmErrors.vmExtensionProvisioningError(
    `VM has reported a failure when processing extension '${name}' (publisher '${String(props["publisher"])}' and type '${String(props["type"])}'). Error message: "Guest Configuration needs the machine's system-assigned managed identity, and the machine has none: enable it first."`,
  );
}
