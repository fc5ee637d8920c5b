/** Compatibility re-exports for the components (see README.md here); new code imports src/core. */
export { policyAssignmentId, stableGuid, subscriptionScope, workspaceSettingId } from "../core/kernel";
export { SECURITY_EVENTS_DATA_SOURCE } from "../capabilities/security-events";
