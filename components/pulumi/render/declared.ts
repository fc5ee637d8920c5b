/**
 * A unit of the declaration model handed to the component that renders it, with the registry it
 * resolves references through (AutoProvisioning hands each child its unit and its own registry).
 */
import type { Unit } from "../../../src/core";
import type { RenderedDeclarations } from "./registry";

export interface DeclaredUnit<U extends Unit> {
  /** The unit to render, as the model composed it. */
  readonly declared: U;
  /** Where the unit's references to other declarations are resolved, and its resources recorded. */
  readonly registry: RenderedDeclarations;
}

export function isDeclaredUnit<U extends Unit>(args: unknown): args is DeclaredUnit<U> {
  return typeof args === "object" && args !== null && "declared" in args;
}
