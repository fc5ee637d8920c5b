/**
 * AzureMonitorAgentPolicy: one of the Azure Monitor Agent's built-in Deploy-if-not-exists
 * policies (reference §2.11) assigned at a subscription with its roles and a remediation: the AMA
 * extension (`amaWindowsVm`, `amaLinuxVm`) or the machines' association with a data collection
 * rule (`dcrAssociationWindowsVm`, `dcrAssociationLinuxVm`). A renderer of the Azure Monitor Agent
 * capability's unit, as the Pulumi AzureMonitorAgentPolicy is; which ones AutoProvisioning declares
 * is src/spec/amaPolicies.ts.
 */
import type { ITerraformDependable, TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import { amaPolicyInputIssues, declareAmaPolicy, type AmaPolicyInput } from "../../src/capabilities/azure-monitor-agent";
import { type PolicyUnit } from "../../src/core";
import { AMA_POLICIES, type AmaPolicyDefinition, type AmaPolicyKey } from "../../src/spec";
import { DeployIfNotExistsConstruct } from "./deployIfNotExists";
import type { DeclaredUnit } from "./render/declared";
import { RenderedDeclarations } from "./render/registry";
import type { ValidationIssue } from "./validation";

/** Each field's documentation is the model's (AmaPolicyInput). */
export interface AzureMonitorAgentPolicyProps extends Omit<AmaPolicyInput, "dataCollectionRuleId" | "remediationDependsOn"> {
  /** The rule the association policies link machines to. @default - none */
  readonly dataCollectionRuleId?: string;
  /** What the remediation waits for besides the roles (the rule it links to). @default - the roles only */
  readonly remediationDependsOn?: ITerraformDependable[];
  /** @default - the stack's default azurerm provider */
  readonly provider?: TerraformProvider;
}

/** The props' issues, each naming the prop (the Pulumi component's messages). */
export function validateAzureMonitorAgentPolicyProps(props: AzureMonitorAgentPolicyProps): ValidationIssue[] {
  if (props === undefined || props === null || typeof props !== "object") return [{ path: "props", message: "are required" }];
  const { remediationDependsOn: _handled, provider: _provider, ...input } = props;
  return amaPolicyInputIssues(input);
}

/** The key the model's remediation waits for, that stands for the caller's own `remediationDependsOn`. */
const HANDED_IN = "handed-in";

export class AzureMonitorAgentPolicy extends DeployIfNotExistsConstruct {
  /** The catalog entry: definition, display name, roles. */
  public readonly definition: AmaPolicyDefinition;

  constructor(scope: Construct, id: string, props: AzureMonitorAgentPolicyProps | DeclaredUnit<PolicyUnit>) {
    const own = props as AzureMonitorAgentPolicyProps;
    super(scope, id, "AzureMonitorAgentPolicy", props, {
      validate: () => validateAzureMonitorAgentPolicyProps(own),
      declare: () => {
        const { remediationDependsOn, provider, ...input } = own;
        return {
          declared: declareAmaPolicy(id, { ...input, remediationDependsOn: remediationDependsOn?.length ? [HANDED_IN] : undefined }),
          registry: new RenderedDeclarations((key) => (key === HANDED_IN ? (remediationDependsOn ?? []) : [])),
          provider,
        };
      },
    });
    this.definition = AMA_POLICIES[this.policyKey as AmaPolicyKey];
  }
}
