/**
 * AutoProvisioningStack: a whole spec as one Terraform stack, rendering the stack's declaration
 * model (src/core/declarations: declareStack): an azurerm provider per subscription (aliased
 * `sub-<guid>`), an AutoProvisioning per subscription, and, with a custom (central) workspace and
 * auto provisioning on, that workspace's solution and security-event tier, declared once by the
 * model and rendered here, in the workspace's own subscription (with a provider for it when it is
 * not one of the spec's). The Pulumi root program renders the same model
 * (test/frontEnds.test.ts checks both for every example).
 */
import type { DataAzurermManagementGroup } from "@cdktf/provider-azurerm/lib/data-azurerm-management-group";
import { TerraformStack, type TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import { z } from "zod";
import { declareStack, notScopesIn, readAmaPoliciesOptions, resolvedScope, resolvedScopeIssues, type SpecFields, type StackDeclarations, type StackOptionsFields } from "../../src/core";
import { parseSpec, type Spec } from "../../src/spec";
import { AutoProvisioning } from "./autoProvisioning";
import { ensureRelativeLocalBackend } from "./backend";
import { DefaultWorkspace } from "./defaultWorkspace";
import { subscriptionProvider } from "./provider";
import { RenderedDeclarations } from "./render/registry";
import { managementGroupChecks } from "./scope";
import { SecurityEventCollection, type DataCollectionRuleStyle } from "./securityEventCollection";
import { booleanIssues, failProps, readMachineRegions, regionIssues, schemaIssues, type ValidationIssue } from "./validation";

/**
 * The stack's input: the spec and the model's other inputs (each field's documentation is its
 * schema's, as for the Pulumi stack config's keys of the same names), and how to render them.
 */
export interface AutoProvisioningStackProps extends StackOptionsFields {
  /**
   * The spec of DESIGN.md, the shape of a spec file and of the Pulumi stack config (a document
   * read from YAML may be passed as is). Validated by parseSpec: an invalid spec throws its
   * ValidationError, with the CLI's text.
   */
  readonly spec: SpecFields;
  /**
   * The azurerm providers' `metadata_host` (e.g. the local emulator's `host:port`).
   * @default - public Azure
   */
  readonly metadataHost?: string;
  /**
   * `agent: ama` only: how the data collection rules are declared (see SecurityEventCollection).
   * @default "template"
   */
  readonly dataCollectionRule?: DataCollectionRuleStyle;
  /**
   * With `spec.managementGroups`: the subscriptions under them as resolveScope finds them (the
   * CLI's resolution), declared like listed ones; required then, refused otherwise.
   */
  readonly managementGroupSubscriptions?: readonly string[];
}

const PROP_KEYS = [
  "spec",
  "machineRegions",
  "sentinelOwnsSecurityEvents",
  "workspaceLocation",
  "installSolution",
  "configureSecurityEvents",
  "metadataHost",
  "dataCollectionRule",
  "amaPolicies",
  "managementGroupSubscriptions",
] as const;

export class AutoProvisioningStack extends TerraformStack {
  /** The validated spec, with defaults. */
  public readonly spec: Spec;
  /** What the stack declares, as every front end renders it. */
  public readonly model: StackDeclarations;
  /** The shared workspace's resources this stack rendered, by declaration key (each AutoProvisioning holds its own). */
  public readonly rendered: RenderedDeclarations;
  /** The azurerm provider of each subscription (lower-case GUID), the custom workspace's included. */
  public readonly providers: ReadonlyMap<string, TerraformProvider>;
  /** One per subscription of the spec. */
  public readonly subscriptions: ReadonlyMap<string, AutoProvisioning>;
  /** The custom workspace's solution, when declared. */
  public readonly customWorkspace?: DefaultWorkspace;
  /** The custom workspace's tier, when declared. */
  public readonly customWorkspaceSecurityEvents?: SecurityEventCollection;
  /** A plan-time check per management group of the spec (scope.ts). */
  public readonly managementGroups: readonly DataAzurermManagementGroup[];

  constructor(scope: Construct, id: string, props: AutoProvisioningStackProps) {
    super(scope, id);
    const written = parseSpec(props?.spec);
    const issues: ValidationIssue[] = Object.keys(props)
      .filter((k) => !(PROP_KEYS as readonly string[]).includes(k))
      .map((k) => ({ path: k, message: `is not a known prop (allowed: ${PROP_KEYS.join(", ")})` }));
    const scopeIssues = resolvedScopeIssues(written, props.managementGroupSubscriptions, "managementGroupSubscriptions");
    issues.push(...scopeIssues);
    const spec = written.managementGroups.length && !scopeIssues.length ? resolvedScope(written, props.managementGroupSubscriptions!) : written;
    const regions = readMachineRegions(props.machineRegions, spec.subscriptions, issues);
    for (const k of ["sentinelOwnsSecurityEvents", "installSolution", "configureSecurityEvents"] as const) issues.push(...booleanIssues(props[k], k));
    if (props.workspaceLocation !== undefined) issues.push(...regionIssues(props.workspaceLocation, "workspaceLocation"));
    if (props.metadataHost !== undefined) issues.push(...schemaIssues(z.string().min(1), props.metadataHost, "metadataHost"));
    const amaPolicies = readAmaPoliciesOptions(props.amaPolicies, "amaPolicies", spec.subscriptions, issues);
    if (issues.length) failProps("AutoProvisioningStack", id, issues);
    this.spec = spec;
    this.model = declareStack({
      spec,
      machineRegions: regions,
      sentinelOwnsSecurityEvents: props.sentinelOwnsSecurityEvents ?? false,
      ...(props.workspaceLocation !== undefined ? { workspaceLocation: props.workspaceLocation } : {}),
      installSolution: props.installSolution ?? true,
      configureSecurityEvents: props.configureSecurityEvents ?? true,
      amaPolicies,
    });

    const providers = new Map<string, TerraformProvider>();
    const providerFor = (sub: string): TerraformProvider => {
      let p = providers.get(sub);
      if (!p) providers.set(sub, (p = subscriptionProvider(this, sub, { metadataHost: props.metadataHost })));
      return p;
    };
    // Each subscription's provider first, in the spec's order.
    for (const sub of spec.subscriptions) providerFor(sub);
    const first = spec.subscriptions[0];
    this.managementGroups = first ? managementGroupChecks(this, spec, providerFor(first)) : [];

    this.rendered = new RenderedDeclarations();
    const shared = this.model.sharedWorkspace;
    if (shared) {
      // A workspace has one solution and one tier: declared once, in its own subscription (by this stack unless it leaves them to another).
      const provider = providerFor(shared.subscriptionId as string);
      if (shared.solution) this.customWorkspace = new DefaultWorkspace(this, "CustomWorkspace", { declared: shared.solution, registry: this.rendered, provider });
      if (shared.securityEvents) {
        this.customWorkspaceSecurityEvents = new SecurityEventCollection(this, "CustomWorkspace-SecurityEvents", {
          declared: shared.securityEvents,
          registry: this.rendered,
          provider,
          dataCollectionRule: props.dataCollectionRule,
        });
      }
    }

    const subscriptions = new Map<string, AutoProvisioning>();
    for (const sub of spec.subscriptions) {
      subscriptions.set(
        sub,
        new AutoProvisioning(this, `asc-${sub}`, {
          spec,
          subscriptionId: sub,
          machineRegions: regions.get(sub) ?? [],
          dataCollectionRule: props.dataCollectionRule,
          amaPolicies: { ...amaPolicies, notScopes: notScopesIn(sub, amaPolicies.notScopes) },
          customWorkspaceSecurityEvents: this.customWorkspaceSecurityEvents,
          provider: providerFor(sub),
        }),
      );
    }
    this.providers = providers;
    this.subscriptions = subscriptions;
  }

  /** Before synth: without a backend of the user's, cdktf's default local state file, named relative to the stack's directory (backend.ts). */
  public override prepareStack(): void {
    ensureRelativeLocalBackend(this);
    super.prepareStack();
  }
}
