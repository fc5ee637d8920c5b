/**
 * The declaration model's public surface: what the front ends (components/pulumi,
 * components/cdktf) and the tests may use. What must exist in Azure is computed here, once, from
 * the spec; each front end renders it.
 */
export * from "./value";
export * from "./model";
export * from "./compose";
export * from "./input";
export * from "./issues";
export { Rendered } from "./rendered";
// The front ends' input types, documented by the schemas' descriptions.
export * from "./fields.generated";
export { fieldsSource } from "./fieldDocs";
export type { DataCollectionRuleBody } from "../../spec/dcr";
// ARM names derived from ids, as the planner derives them.
export { stableGuid } from "../../reconcile/ids";
export { declareDeployIfNotExists, IDENTITY_PRINCIPAL_TYPE, REMEDIATION_DISCOVERY_MODE, type DeployIfNotExistsInput } from "./deployIfNotExists";
// Each capability's declarations (the registry wires them in at merge; until then, directly).
export * from "../../capabilities/subscription-settings/declare";
export * from "../../capabilities/workspaces/declare";
export * from "../../capabilities/security-events/declare";
export * from "../../capabilities/extension-policies/declare";
export * from "../../capabilities/azure-monitor-agent/declare";
