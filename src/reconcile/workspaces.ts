/** Compatibility re-exports for the components (see README.md here); new code imports src/capabilities. */
export { DEFAULT_WORKSPACE_RETENTION_DAYS, DEFAULT_WORKSPACE_SKU, solutionPlan } from "../capabilities/workspaces";
export { securityEventsNeedDefenderMessage, securityEventsOwnedBySentinelMessage, securityEventsRule } from "../capabilities/security-events";
