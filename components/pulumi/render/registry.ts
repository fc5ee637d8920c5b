/**
 * What a Pulumi component has rendered of the declaration model, and how the model's deferred
 * values become Pulumi Inputs: a reference is an output of the rendered resource (so a resource
 * that uses it waits for it), or the value the model already knows (a preview then shows it, and
 * the resource waits for the declaration explicitly); a derived value is an `apply` over its
 * inputs; an opaque value is the Input a caller handed in.
 */
import * as pulumi from "@pulumi/pulumi";
import type { getWorkspaceOutput } from "@pulumi/azure-native/operationalinsights";
import type { PolicyAssignment } from "@pulumi/azure-native/authorization";
import { Rendered, resolveWith, type Known, type Reference, type Value } from "../../../src/core";

type LookupOutput = ReturnType<typeof getWorkspaceOutput>;

export interface RenderedResource {
  readonly resource: pulumi.CustomResource;
  /** The component it belongs to (errors about it are attributed there). */
  readonly component: pulumi.Resource;
  readonly displayName?: string;
}

export class RenderedDeclarations extends Rendered<RenderedResource, LookupOutput, pulumi.Input<pulumi.Resource>, pulumi.Input<unknown>> {
  /** `value` as a Pulumi Input, every deferred part resolved. */
  input<T>(value: Value<T>): pulumi.Input<Known<T>> {
    return resolveWith(value, {
      reference: (ref) => this.attribute(ref),
      opaque: (v) => v.handle as pulumi.Input<unknown>,
      derived: (from, compute) => pulumi.all([...from]).apply((values: unknown[]) => compute(...values)),
    }) as pulumi.Input<Known<T>>;
  }

  /** `value` as an Output (for values that are read further with apply). */
  output<T>(value: Value<T>): pulumi.Output<Known<T>> {
    return pulumi.output(this.input(value)) as pulumi.Output<Known<T>>;
  }

  private attribute(ref: Reference): pulumi.Input<unknown> {
    return ref.known !== undefined ? ref.known : this.referenced(ref);
  }

  protected asDependency(rendered: RenderedResource): pulumi.Resource {
    return rendered.resource;
  }

  protected locationOf(lookup: LookupOutput): pulumi.Output<string> {
    return lookup.location;
  }

  protected idOf(rendered: RenderedResource): pulumi.Output<string> {
    return rendered.resource.id;
  }

  protected nameOf(rendered: RenderedResource): pulumi.Output<string> {
    return (rendered.resource as pulumi.CustomResource & { name: pulumi.Output<string> }).name;
  }

  protected principalIdOf(rendered: RenderedResource): pulumi.Output<string> {
    return (rendered.resource as PolicyAssignment).identity.apply((identity) => {
      if (!identity?.principalId) {
        throw new pulumi.ResourceError(`the assignment of "${rendered.displayName}" has no managed identity, so no role can be granted to it`, rendered.component, true);
      }
      return identity.principalId;
    });
  }
}
