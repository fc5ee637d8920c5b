/** Compatibility re-exports for the components (see README.md here); new code imports src/capabilities. */
export { REMEDIATION_MAX_RESOURCE_COUNT, REMEDIATION_PARALLEL_DEPLOYMENTS, extensionPolicyEnabled } from "../capabilities/extension-policies";
