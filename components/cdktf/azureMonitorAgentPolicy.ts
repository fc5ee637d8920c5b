/**
 * AzureMonitorAgentPolicy: one of the Azure Monitor Agent's built-in Deploy-if-not-exists
 * policies (reference §2.11) assigned at a subscription with its roles and a remediation: the AMA
 * extension (`amaWindowsVm`, `amaLinuxVm`) or the machines' association with a data collection
 * rule (`dcrAssociationWindowsVm`, `dcrAssociationLinuxVm`). The CDKTF twin of the Pulumi
 * AzureMonitorAgentPolicy; which ones AutoProvisioning declares is src/spec/amaPolicies.ts.
 */
import type { ITerraformDependable, TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import { amaPolicyInputIssues, declareAmaPolicy, type PolicyUnit } from "../../src/core/declarations";
import { AMA_POLICIES, type AmaPolicyDefinition, type AmaPolicyKey } from "../../src/spec";
import { DeployIfNotExistsConstruct } from "./deployIfNotExists";
import { isDeclaredUnit, type DeclaredUnit } from "./render/declared";
import { RenderedDeclarations } from "./render/registry";
import { failProps, type ValidationIssue } from "./validation";

export interface AzureMonitorAgentPolicyProps {
  /** Subscription GUID: the assignment's and its roles' scope. */
  readonly subscriptionId: string;
  /** `amaWindowsVm`, `amaLinuxVm`, `dcrAssociationWindowsVm` or `dcrAssociationLinuxVm`. */
  readonly policy: AmaPolicyKey;
  /**
   * The data collection rule the association policies link machines to (their `dcrResourceId`).
   * @default - none; required for `dcrAssociation*`, refused for the extension policies
   */
  readonly dataCollectionRuleId?: string;
  /**
   * Only machines in these regions (a `resourceLocation` resource selector).
   * @default - every region of the subscription
   */
  readonly regions?: readonly string[];
  /** @default - the catalog's name (`asc-ama-windows`, `asc-ama-dcr-linux`, ...) */
  readonly assignmentName?: string;
  /** @default - the definition's display name */
  readonly displayName?: string;
  /** @default "eastus" (the spec's default for extensions.identityLocation) */
  readonly identityLocation?: string;
  /** ARM ids under the subscription the assignment leaves alone. @default - none */
  readonly notScopes?: readonly string[];
  /** Start a remediation task for the machines non-compliant when it is created. @default true */
  readonly remediate?: boolean;
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
    super(scope, id, () => {
      if (isDeclaredUnit<PolicyUnit>(props)) return props;
      const issues = validateAzureMonitorAgentPolicyProps(props);
      if (issues.length) failProps("AzureMonitorAgentPolicy", id, issues);
      const { remediationDependsOn, provider, ...input } = props;
      return {
        declared: declareAmaPolicy(id, { ...input, remediationDependsOn: remediationDependsOn?.length ? [HANDED_IN] : undefined }),
        registry: new RenderedDeclarations((key) => (key === HANDED_IN ? (remediationDependsOn ?? []) : [])),
        provider,
      };
    });
    this.definition = AMA_POLICIES[(isDeclaredUnit<PolicyUnit>(props) ? props.declared.policyKey : props.policy) as AmaPolicyKey];
  }
}
