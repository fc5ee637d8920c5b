/**
 * Management-group scope for a Terraform stack. Terraform cannot make a provider per instance of a
 * `for_each` (providers are configured before the graph is walked), and the model's
 * per-subscription resources (pricings, settings, workspaces) take their subscription from an
 * azurerm provider; so the groups' subscriptions are resolved before synth, the way the CLI
 * resolves them (resolveScope, Resource Graph's `resourcecontainers`), and handed to
 * AutoProvisioningStack as `managementGroupSubscriptions`. Each group is then read at plan time
 * (`azurerm_management_group`'s `all_subscription_ids`) with a postcondition: a subscription added
 * under it since the synth fails the plan, naming the group, rather than going unprovisioned.
 */
import { DataAzurermManagementGroup } from "@cdktf/provider-azurerm/lib/data-azurerm-management-group";
import type { TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import type { SpecFields } from "../../src/core";
import { parseSpec, type Spec } from "../../src/spec";

/**
 * The subscriptions `spec` declares for, its management groups resolved through the cloud
 * `endpoint` names (an emulator's ARM URL or directory; unset: the environment, then Azure), for
 * AutoProvisioningStack's `managementGroupSubscriptions`. The Azure SDKs load only here.
 */
export async function resolveScope(spec: SpecFields, options: { readonly endpoint?: string } = {}): Promise<string[]> {
  const { resolveScopeAt } = await import("../../src/azure");
  return resolveScopeAt(parseSpec(spec), { value: options.endpoint, source: "resolveScope endpoint" });
}

/** A plan-time read of each of the spec's groups that fails when the group holds a subscription the synth did not know. */
export function managementGroupChecks(scope: Construct, spec: Spec, provider: TerraformProvider): DataAzurermManagementGroup[] {
  const known = [...new Set([...spec.subscriptions, ...spec.exclude.subscriptions].map((s) => s.toLowerCase()))].sort();
  return spec.managementGroups.map(
    (name) =>
      new DataAzurermManagementGroup(scope, `ManagementGroup-${name}`, {
        name,
        provider,
        lifecycle: {
          postcondition: [
            {
              condition: `\${length(setsubtract([for s in self.all_subscription_ids : lower(s)], ${JSON.stringify(known)})) == 0}`,
              errorMessage: `Management group ${name} holds subscriptions this stack was not synthesized for: run resolveScope and cdktf synth again.`,
            },
          ],
        },
      }),
  );
}
