/**
 * Which of this family's steps serve another capability's concern, told by the extension a step
 * is about: the agents' and components' capabilities declare theirs with `extensionSteps` (the
 * renderers count such a step under the capability, not under machine-extensions).
 */
import type { ExtensionKind } from "../../spec";
import type { OsType } from "../../spec/extensions";
import { isSameExtension } from "../../spec/extensions";
import type { ServedSteps } from "../../core/kernel";
import type { MachineExtensionSteps } from "./steps";

/** The extension actions, each with its details' extension (publisher and type). */
type ExtensionAction = "install-extension" | "upgrade-extension" | "reconnect-extension" | "remove-extension";

/** `serves` for the steps of `actions` on an extension of `kinds` (one per OS). */
export function extensionSteps(kinds: Readonly<Record<OsType, ExtensionKind>>, actions: readonly ExtensionAction[]): ServedSteps<MachineExtensionSteps> {
  const list = Object.values(kinds);
  // A plan read from a file may hold details without them: such a step stays the family's.
  const ofKind = (d: { readonly publisher: string; readonly type: string }) => typeof d.type === "string" && typeof d.publisher === "string" && list.some((k) => isSameExtension(k, d));
  return Object.fromEntries(actions.map((a) => [a, ofKind]));
}
