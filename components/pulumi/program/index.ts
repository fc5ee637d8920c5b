/**
 * Entry point of the Pulumi project at the repository root (Pulumi.yaml `main`, built to
 * dist/components/pulumi/program/index.js): everything from stack config. The exports are the stack outputs.
 */
import { declareStack } from "./program";

const stack = declareStack();

/** `azure`, or the emulator's ARM endpoint the providers were pointed at. */
export const endpoint = stack.outputs.endpoint;
/** Per subscription: pricing tier, workspace setting, workspace ids by geography, policy assignment ids, and the agent reconciliation's summary when on. */
export const subscriptions = stack.outputs.subscriptions;
