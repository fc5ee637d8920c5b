/** What a built-in policy definition is, and what its remediation deploys. */
import type { ExtensionKind } from "../../spec/extensions";

export type Deploys =
  | {
      readonly kind: "vmExtension";
      readonly osType: "Windows" | "Linux";
      readonly extension: ExtensionKind;
      readonly workspaceParameter?: string;
      /** The AMA policies' templates also give the VM a system-assigned identity (user-assigned ones kept). */
      readonly systemIdentity?: boolean;
    }
  /** An association of the VM with the rule the parameter names (`assoc-<uniqueString(vm name + rule id)>`). */
  | { readonly kind: "dcrAssociation"; readonly osType: "Windows" | "Linux"; readonly ruleParameter: string }
  | { readonly kind: "aksAddon"; readonly addon: string };

export interface BuiltinPolicy {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly category: string;
  readonly version: string;
  /** Effect parameter: default value, or null when the effect is fixed. */
  readonly effectDefault: "DeployIfNotExists" | "Disabled" | null;
  readonly fixedEffect?: string;
  readonly roleGuids: readonly string[];
  readonly deploys: Deploys;
}
