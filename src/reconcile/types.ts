/** Compatibility re-exports for the components (see README.md here); new code imports src/core. */
export type { Action, Decision, Plan, Severity } from "../core";
