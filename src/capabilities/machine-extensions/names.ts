/**
 * The name an extension is installed under on a machine: one rule for every capability that
 * installs one. Azure fixes an extension's handler (publisher and type) when it is created: a PUT
 * of a name another handler holds is refused (409 PropertyChangeNotAllowed), and so is a second
 * extension of one handler ("Multiple VMExtensions per handler not supported").
 *
 * So: the name of the machine's extension of that handler when it has one (a PUT there updates it,
 * never adds another); else the kind's usual name when no extension holds it; else the first free
 * `<usual>-1`, `<usual>-2`, ... (ARM names may hold "-"; stable: the machine's other extensions
 * decide it, and once installed the extension is found by handler). A free name rather than no
 * install, because what looks for the agent looks at publisher and type, not the name: the
 * built-in Deploy-if-not-exists policies' existenceCondition, Defender for Cloud, this tool
 * (isSameExtension). The machine converges, and an info finding names it, the name and the other
 * handler. A kind whose name matters (Guest Configuration) asks `nameHolder` and installs nothing;
 * a Deploy-if-not-exists assignment that would deploy one under the usual name leaves such machines out.
 */
import type { InventoryExtension, InventoryMachine } from "../../inventory/schema";
import type { ExtensionKind } from "../../spec";
import { equalsIgnoreCase, isSameExtension } from "../../spec/extensions";
import { extensionId, workspaceLabel, type StepSink } from "../../core/kernel";
import type { MachineExtensionSteps } from "./steps";

/** The name to install (or write) `kind` under on `m`. One pass, no allocation when the usual name is free. */
export function installName(m: InventoryMachine, kind: ExtensionKind): string {
  const list = m.extensions;
  if (!list?.length) return kind.name;
  let taken = false;
  for (const e of list) {
    if (isSameExtension(kind, e)) return e.name ?? kind.name;
    if (e.name !== undefined && equalsIgnoreCase(e.name, kind.name)) taken = true;
  }
  return taken ? freeName(list, kind.name) : kind.name;
}

function freeName(list: readonly InventoryExtension[], usual: string): string {
  for (let i = 1; ; i++) {
    const name = `${usual}-${i}`;
    if (!list.some((e) => e.name !== undefined && equalsIgnoreCase(e.name, name))) return name;
  }
}

/**
 * The extension of another handler that holds `kind`'s usual name on `m`, whether or not `m` has
 * `kind` under another name: what a deployment under the usual name (a built-in policy's) meets.
 */
export function nameHolder(m: InventoryMachine, kind: ExtensionKind): InventoryExtension | undefined {
  for (const e of m.extensions ?? []) if (e.name !== undefined && equalsIgnoreCase(e.name, kind.name) && !isSameExtension(kind, e)) return e;
  return undefined;
}

/** installName, with the info finding `extension-name-taken` when the usual name is another handler's. */
export function planInstallName(b: Pick<StepSink<MachineExtensionSteps>, "finding">, m: InventoryMachine, kind: ExtensionKind): string {
  const name = installName(m, kind);
  if (name === kind.name) return name;
  const holder = nameHolder(m, kind);
  // Not when the machine has `kind` under a name of its own: that one is written, nothing moves.
  if (holder && !m.extensions!.some((e) => isSameExtension(kind, e))) {
    b.finding(
      "info",
      "extension-name-taken",
      extensionId(m.id, kind.name),
      `${workspaceLabel(m.id)}: its extension ${kind.name} is a ${holder.publisher}.${holder.type}, and Azure never changes an extension's handler, so the ${kind.publisher}.${kind.type} extension is installed as ${name}. Azure Policy, Defender for Cloud and this tool recognise it by publisher and type, whatever its name.`,
    );
  }
  return name;
}
