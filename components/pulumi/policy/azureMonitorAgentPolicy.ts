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
import {
  amaPolicyInputIssues,
  dataCollectionRuleIdIssues,
  declareAmaPolicy,
  type AmaPolicyFields,
} from "../../../src/capabilities/azure-monitor-agent";
import { type PolicyUnit } from "../../../src/core";
import { AMA_POLICIES, type AmaPolicyDefinition, type AmaPolicyKey } from "../../../src/spec";
import type { WithInputs } from "../args";
import { failArgs, modelValue, type ValidationIssue } from "../internal/validation";
import type { DeclaredUnit } from "../render/declared";
import { RenderedDeclarations } from "../render/registry";
import { DeployIfNotExistsComponent } from "./deployIfNotExists";

export const AZURE_MONITOR_AGENT_POLICY_TYPE = "asc-autoprovision:policy:AzureMonitorAgentPolicy";

/** Each field's documentation is the capability's (fields.ts); the rule id may be an Output (checked when known). */
export interface AzureMonitorAgentPolicyArgs extends WithInputs<AmaPolicyFields, "dataCollectionRuleId"> {
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
    super(AZURE_MONITOR_AGENT_POLICY_TYPE, "AzureMonitorAgentPolicy", name, opts, args, {
      validate: () => validateAzureMonitorAgentPolicyArgs(args as AzureMonitorAgentPolicyArgs),
      declare: (self) => {
        const own = args as AzureMonitorAgentPolicyArgs;
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
      },
    });
    if (opts?.urn) return;
    this.definition = AMA_POLICIES[this.policyKey as AmaPolicyKey];
  }
}
