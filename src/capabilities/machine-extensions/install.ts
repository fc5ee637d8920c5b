/** The details of installing an extension that keeps no workspace (AMA, Guest Configuration): it upgrades itself. */
import type { InventoryExtension, InventoryMachine } from "../../inventory/schema";
import type { ExtensionKind } from "../../spec";
import { isSameExtension } from "../../spec/extensions";
import type { InstallExtensionDetails } from "./steps";

/** `name`: installName's (names.ts), never chosen here. */
export function selfUpgradingInstall(m: InventoryMachine, kind: ExtensionKind, name: string): InstallExtensionDetails {
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

/** The machine's extension of `kind`, if any (a loop, not a closure: capabilities ask once per machine). */
export function extensionOf(m: InventoryMachine, kind: ExtensionKind): InventoryExtension | undefined {
  for (const e of m.extensions ?? []) if (isSameExtension(kind, e)) return e;
  return undefined;
}
