/**
 * Entry point of the Pulumi project at the repository root (Pulumi.yaml `main`, built to
 * dist/components/pulumi/program/index.js): everything from stack config. The exports are the stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { declareStackInScope } from "./program";

// The spec's management groups are resolved through the stack's cloud before anything is declared.
const stack = declareStackInScope();

/** `azure`, or the emulator's ARM endpoint the providers were pointed at. */
export const endpoint = pulumi.output(stack.then((s) => s.outputs.endpoint));
/** Per subscription: pricing tier, workspace setting, workspace ids by geography, policy assignment ids, and the agent reconciliation's summary when on. */
export const subscriptions = pulumi.output(stack.then((s) => s.outputs.subscriptions));
