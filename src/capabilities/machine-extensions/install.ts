/** The details of installing an extension that keeps no workspace (AMA, Guest Configuration): it upgrades itself. */
import type { InventoryMachine } from "../../inventory/schema";
import type { ExtensionKind } from "../../spec";
import type { InstallExtensionDetails } from "./steps";

export function selfUpgradingInstall(m: InventoryMachine, kind: ExtensionKind, name: string = kind.name): InstallExtensionDetails {
  return {
    machineId: m.id,
    machineKind: m.kind,
    osType: m.osType,
    location: m.location,
    name,
    publisher: kind.publisher,
    type: kind.type,
    typeHandlerVersion: kind.version,
    workspaceId: null,
    enableAutomaticUpgrade: true,
  };
}
