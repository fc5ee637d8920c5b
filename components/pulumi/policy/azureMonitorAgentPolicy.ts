/**
 * AzureMonitorAgentPolicy: one of the Azure Monitor Agent's built-in Deploy-if-not-exists
 * policies (reference §2.11) assigned at a subscription, with its roles and a remediation, as
 * ExtensionPolicy does for the seed's toggles: the AMA extension with a system-assigned identity
 * (`amaWindowsVm`, `amaLinuxVm`), or the association of the machines with a data collection rule
 * (`dcrAssociationWindowsVm`, `dcrAssociationLinuxVm`). A renderer of the Azure Monitor Agent
 * capability's unit; AutoProvisioning declares them with `agent: ama` (src/spec/amaPolicies.ts
 * says which and why).
 */
import * as pulumi from "@pulumi/pulumi";
import { amaPolicyInputIssues, dataCollectionRuleIdIssues, declareAmaPolicy, type PolicyUnit } from "../../../src/core/declarations";
import { AMA_POLICIES, type AmaPolicyDefinition, type AmaPolicyKey } from "../../../src/spec";
import { failArgs, modelValue, type ValidationIssue } from "../internal/validation";
import type { DeclaredUnit } from "../render/declared";
import { RenderedDeclarations } from "../render/registry";
import { DeployIfNotExistsComponent } from "./deployIfNotExists";

export const AZURE_MONITOR_AGENT_POLICY_TYPE = "asc-autoprovision:policy:AzureMonitorAgentPolicy";

export interface AzureMonitorAgentPolicyArgs {
  /** Subscription GUID: the assignment's scope and its roles' scope (`/subscriptions/<id>`). Changing it replaces everything. */
  readonly subscriptionId: string;
  /**
   * Which built-in policy: `amaWindowsVm` (ca817e41) or `amaLinuxVm` (a4034bc6), the AMA extension
   * with a system-assigned identity; `dcrAssociationWindowsVm` (244efd75) or `dcrAssociationLinuxVm`
   * (58e891b9), the machines' association with `dataCollectionRuleId`.
   */
  readonly policy: AmaPolicyKey;
  /**
   * The data collection rule the association policies link machines to (their `dcrResourceId`).
   * Required for `dcrAssociation*`, refused for the extension policies. May be an Output (checked
   * when known).
   */
  readonly dataCollectionRuleId?: pulumi.Input<string>;
  /**
   * Only machines in these regions (a `resourceLocation` resource selector on the assignment),
   * e.g. a default workspace's geography. Default: every region of the subscription.
   */
  readonly regions?: readonly string[];
  /** Assignment (and remediation) name. Default: the catalog's (`asc-ama-windows`, `asc-ama-dcr-linux`, ...). */
  readonly assignmentName?: string;
  /** Default: the definition's display name. */
  readonly displayName?: string;
  /** Location of the assignment's managed identity. Default `eastus` (the spec's `extensions.identityLocation`). */
  readonly identityLocation?: string;
  /** ARM ids under the subscription the assignment leaves alone (resource groups, machines). Default none. */
  readonly notScopes?: readonly string[];
  /**
   * Start a remediation task for the machines non-compliant when it is created. Default `true`.
   * One-shot, as ExtensionPolicy's; machines created later are handled by the policy itself.
   */
  readonly remediate?: boolean;
  /** Resources the remediation waits for besides the roles (e.g. the SecurityEventCollection that declares the rule). Default none. */
  readonly remediationDependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The arguments as the model's input: a rule id known only at deployment becomes a deferred value. */
function modelInput(args: AzureMonitorAgentPolicyArgs) {
  const { remediationDependsOn: _handled, ...rest } = args;
  return { ...rest, dataCollectionRuleId: args.dataCollectionRuleId === undefined ? undefined : modelValue(args.dataCollectionRuleId) };
}

/** Validates AzureMonitorAgentPolicy's arguments; each issue names the argument. Exported for tests. */
export function validateAzureMonitorAgentPolicyArgs(args: AzureMonitorAgentPolicyArgs): ValidationIssue[] {
  if (args === undefined || args === null || typeof args !== "object") return [{ path: "args", message: "are required" }];
  return amaPolicyInputIssues(modelInput(args));
}

/** The key the model's remediation waits for, that stands for the caller's own `remediationDependsOn`. */
const HANDED_IN = "handed-in";

export class AzureMonitorAgentPolicy extends DeployIfNotExistsComponent {
  /** The catalog entry: definition, display name, roles. */
  public readonly definition!: AmaPolicyDefinition;

  constructor(name: string, args: AzureMonitorAgentPolicyArgs | DeclaredUnit<PolicyUnit>, opts?: pulumi.ComponentResourceOptions) {
    super(AZURE_MONITOR_AGENT_POLICY_TYPE, name, opts, args, (self) => {
      const own = args as AzureMonitorAgentPolicyArgs;
      const issues = validateAzureMonitorAgentPolicyArgs(own);
      if (issues.length) failArgs(self, "AzureMonitorAgentPolicy", name, issues);
      // A rule id known only at deployment is checked then.
      const rule =
        own.dataCollectionRuleId === undefined
          ? undefined
          : pulumi.output(own.dataCollectionRuleId).apply((id) => {
              const found = dataCollectionRuleIdIssues(id);
              if (found.length) failArgs(self, "AzureMonitorAgentPolicy", name, found);
              return id;
            });
      const declared = declareAmaPolicy(name, {
        ...modelInput(own),
        dataCollectionRuleId: rule === undefined ? undefined : modelValue(rule),
        remediationDependsOn: own.remediationDependsOn?.length ? [HANDED_IN] : undefined,
      });
      return { declared, registry: new RenderedDeclarations((key) => (key === HANDED_IN ? (own.remediationDependsOn ?? []) : [])) };
    });
    if (opts?.urn) return;
    this.definition = AMA_POLICIES[("declared" in args ? args.declared.policyKey : args.policy) as AmaPolicyKey];
  }
}
