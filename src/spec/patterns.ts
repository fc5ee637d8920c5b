/** The id shapes a spec names (kept apart so every schema module can use them without a cycle). */
export const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const WORKSPACE_ID_PATTERN =
  /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i;
/** A virtual machine, scale set or Arc-enabled server. */
export const MACHINE_ID_PATTERN =
  /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[^/]+\/providers\/(Microsoft\.Compute\/virtualMachines|Microsoft\.Compute\/virtualMachineScaleSets|Microsoft\.HybridCompute\/machines)\/[^/]+$/i;
