/**
 * A unit of the declaration model handed to the construct that renders it, with the registry it
 * resolves references through (AutoProvisioning and AutoProvisioningStack hand each child its unit).
 */
import type { TerraformProvider } from "cdktf";
import type { Unit } from "../../../src/core";
import type { RenderedDeclarations } from "./registry";

export interface DeclaredUnit<U extends Unit> {
  /** The unit to render, as the model composed it. */
  readonly declared: U;
  /** Where the unit's references to other declarations are resolved, and its resources recorded. */
  readonly registry: RenderedDeclarations;
  /** @default - the stack's default azurerm provider */
  readonly provider?: TerraformProvider;
}

export function isDeclaredUnit<U extends Unit>(props: unknown): props is DeclaredUnit<U> {
  return typeof props === "object" && props !== null && "declared" in props;
}
