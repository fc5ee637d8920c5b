/**
 * What a CDKTF construct has rendered of the declaration model, and how the model's deferred
 * values become Terraform references: a reference is a token of the rendered resource (Terraform
 * then orders the two itself), a derived value is computed over the tokens (they are only ever
 * embedded, never parsed). A Terraform stack has no value a caller holds back, so an opaque value
 * is a programming error here.
 */
import type { DataAzurermLogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/data-azurerm-log-analytics-workspace";
import type { ITerraformDependable, TerraformResource } from "cdktf";
import type { SubscriptionPolicyAssignment } from "@cdktf/provider-azurerm/lib/subscription-policy-assignment";
import { Rendered, resolveWith, type Known, type Value } from "../../../src/core";

export class RenderedDeclarations extends Rendered<TerraformResource, DataAzurermLogAnalyticsWorkspace, ITerraformDependable, string> {
  /** `value` with every deferred part a Terraform token. */
  token<T>(value: Value<T>): Known<T> {
    return resolveWith(value, {
      reference: (ref) => this.referenced(ref),
      opaque: () => {
        throw new Error("a CDKTF stack has no deferred input: every value it declares is known at synth");
      },
      derived: (from, compute) => compute(...from),
    }) as Known<T>;
  }

  protected asDependency(resource: TerraformResource): ITerraformDependable {
    return resource;
  }

  protected locationOf(lookup: DataAzurermLogAnalyticsWorkspace): string {
    return lookup.location;
  }

  protected idOf(resource: TerraformResource): string {
    return (resource as TerraformResource & { id: string }).id;
  }

  protected nameOf(resource: TerraformResource): string {
    return (resource as TerraformResource & { name: string }).name;
  }

  protected principalIdOf(resource: TerraformResource): string {
    return (resource as SubscriptionPolicyAssignment).identity.principalId;
  }
}
