/**
 * Every error the emulator answers, built in one place (like Azurite's StorageErrorFactory): ARM's
 * shape `{"error":{"code","message","target"?,"details"?}}`, so the SDK's RestError carries `.code`
 * as it does against Azure. Handlers throw `ArmErrors.x(...)`; nothing else constructs an ArmError.
 * Failures that end a long-running operation (not the request) are `OperationError`s, from the
 * same factory.
 */
import type { JsonObject } from "../util/json";

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly extra: JsonObject = {},
  ) {
    super(message);
    this.name = "ArmError";
  }

  body(): JsonObject {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }

  /** The `{code, message}` an operation ends with when this error happens inside it. */
  asOperationError(): OperationError {
    return { code: this.code, message: this.message };
  }
}

/** How a long-running operation (or a remediation deployment) failed. */
export interface OperationError {
  readonly code: string;
  readonly message: string;
}

/** One entry of an error's `details[]` (Insights validation). */
export interface ErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
}

const err = (status: number, code: string, message: string, headers: Record<string, string> = {}, extra: JsonObject = {}): ArmError =>
  new ArmError(status, code, message, headers, extra);
const bad = (code: string, message: string): ArmError => err(400, code, message);
/** Resource Graph prefixes its messages with what support needs. */
const graphSupportInfo = (correlationId: string): string => `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${correlationId}.`;
const logsError = (status: number, code: string, message: string, correlationId: string, inner: ErrorDetail): ArmError =>
  err(status, code, message, {}, { correlationId, innererror: { ...inner } });

export const ArmErrors = {
  // ---- routing, methods, api-versions ----------------------------------------------------
  invalidRequestUri: (message: string) => err(404, "InvalidRequestUri", message),
  noRoute: (path: string) => err(404, "InvalidRequestUri", `No route matches '${path}'.`),
  methodNotAllowed: (method: string, message = `The requested resource does not support http method '${method}'.`) => err(405, "MethodNotAllowed", message),
  missingApiVersion: () => bad("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."),
  invalidApiVersion: (given: string, supported: string) => bad("InvalidApiVersionParameter", `The api-version '${given}' is invalid. The supported versions are ${supported}.`),
  invalidResourceNamespace: (ns: string) => bad("InvalidResourceNamespace", `The resource namespace '${ns}' is invalid.`),
  invalidResourceType: (type: string, namespace: string, apiVersion: string | null) =>
    err(404, "InvalidResourceType", `The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${apiVersion ?? ""}'.`),
  resourceTypeNotAtScope: (message: string) => err(404, "InvalidResourceType", message),
  unsupportedScope: (message: string) => bad("UnsupportedScope", message),

  // ---- request content -------------------------------------------------------------------
  invalidRequestContent: (detail: string) => bad("InvalidRequestContent", `The request content was invalid and could not be deserialized: '${detail}'.`),
  invalidRequestContentMessage: (message: string) => bad("InvalidRequestContent", message),
  requestEntityTooLarge: (limitBytes: number) =>
    err(413, "RequestEntityTooLarge", `The request content size exceeds the maximum of ${limitBytes} bytes the emulator accepts (see src/emulator/README.md).`),
  invalidParameter: (message: string, target?: string) => err(400, "InvalidParameter", message, {}, target ? { target } : {}),
  locationRequired: () => bad("LocationRequired", "The location property is required for this definition."),
  invalidFilter: (message: string) => bad("InvalidFilter", message),
  invalidSkipToken: (token: string) => bad("InvalidSkipToken", `The skip token '${token}' is invalid.`),
  invalidPayload: (message: string, details: readonly ErrorDetail[]) => err(400, "InvalidPayload", message, {}, { details: details.map((d) => ({ ...d })) }),

  // ---- Microsoft Graph (the few calls the Azure CLI makes) --------------------------------
  graphBadRequest: (message: string) => err(400, "BadRequest", message),
  graphNotFound: (id: string) => err(404, "Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`),
  graphMethodNotAllowed: (method: string) => err(405, "Request_BadRequest", `Specified HTTP method '${method}' is not allowed for the request target.`),

  // ---- existence -------------------------------------------------------------------------
  artifactNotFound: (message: string) => err(404, "ArtifactNotFound", message),
  resourceNotFound: (type: string, name: string, resourceGroup?: string | null) =>
    err(
      404,
      "ResourceNotFound",
      `The Resource '${type}/${name}'${resourceGroup ? ` under resource group '${resourceGroup}'` : ""} was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),
  resourceGone: (message: string) => bad("ResourceNotFound", message),
  resourceGroupNotFound: (name: string) => err(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`),
  subscriptionNotFound: (id: string) => err(404, "SubscriptionNotFound", `The subscription '${id}' could not be found.`),
  parentResourceNotFound: (parent: string) =>
    err(404, "ParentResourceNotFound", `Can not perform requested operation on nested resource. Parent resource '${parent}' not found.`),
  operationNotFound: (id: string) => err(404, "OperationNotFound", `The operation '${id}' could not be found.`),
  managementGroupNotFound: (name: string) => err(404, "NotFound", `'${name}' not found`),

  // ---- conflicts and refusals ------------------------------------------------------------
  conflict: (message: string) => err(409, "Conflict", message),
  anotherOperationInProgress: (id: string) =>
    err(409, "AnotherOperationInProgress", `Operation on '${id}' is not allowed since another operation is in progress on this resource.`),
  operationNotAllowed: (status: 400 | 409, message: string) => err(status, "OperationNotAllowed", message),
  /** Compute's answer to a PUT that changes a property fixed at creation (an extension's publisher or type). */
  propertyChangeNotAllowed: (property: string) => err(409, "PropertyChangeNotAllowed", `Changing property '${property}' is not allowed.`, {}, { target: property }),
  /** An operation that ended Failed, answered on its operationResults URL. */
  operationFailed: (failure: Partial<OperationError>) => bad(failure.code ?? "OperationFailed", failure.message ?? "The operation failed."),
  deprecated: (message: string) => bad("Deprecated", message),

  // ---- Microsoft.Resources ---------------------------------------------------------------
  invalidResourceGroupName: (name: string) =>
    bad(
      "InvalidResourceGroupName",
      `Resource group name '${name}' is invalid. It can include alphanumeric, underscore, parentheses, hyphen, period (except at end), and Unicode characters that match the allowed characters.`,
    ),
  invalidResourceGroupLocation: (given: string, existing: string) =>
    err(409, "InvalidResourceGroupLocation", `Invalid resource group location '${given}'. The Resource group already exists in location '${existing}'.`),
  invalidTagOperation: (op: string) => bad("InvalidTagOperation", `The tag operation '${op}' is invalid; use Merge, Replace or Delete.`),

  // ---- Microsoft.Security / OperationalInsights ------------------------------------------
  invalidWorkspaceId: (message: string) => bad("InvalidWorkspaceId", message),
  /** A workspace name held by a soft-deleted workspace in another resource group or location (recover it there, or purge it with `force=true`). */
  workspaceNameSoftDeleted: (name: string, resourceGroup: string, location: string, purgeAt: string) =>
    err(
      409,
      "Conflict",
      `A workspace named '${name}' was recently deleted and is in soft-delete state until ${purgeAt} (resource group '${resourceGroup}', location '${location}'). ` +
        `Recover it with a PUT in that resource group and location, or delete it permanently (DELETE with force=true) before reusing the name.`,
    ),
  /** Defender's refusals (deprecated sub-plans, unknown extensions, resource-level limits): reference/defender-today.md §2. */
  invalidInputError: (message: string) => bad("InvalidInputError", message),

  // ---- Microsoft.Insights ----------------------------------------------------------------
  unsupportedResourceType: (message: string) => bad("UnsupportedResourceType", message),
  /** A data flow to a table the destination workspace does not have (SecurityEvent without Security / SecurityInsights). */
  invalidOutputTable: (message: string) => bad("InvalidOutputTable", message),

  // ---- Microsoft.Authorization: policy ---------------------------------------------------
  policyDefinitionNotFound: (name: string) => err(404, "PolicyDefinitionNotFound", `The policy definition '${name}' could not be found.`),
  policySetDefinitionNotFound: (name: string) => err(404, "PolicySetDefinitionNotFound", `The policy set definition '${name}' could not be found.`),
  policyAssignmentNotFound: (id: string) => err(404, "PolicyAssignmentNotFound", `The policy assignment '${id}' is not found.`),
  invalidPolicyParameters: (message: string) => bad("InvalidPolicyParameters", message),
  invalidPolicyParameterValue: (message: string) => bad("InvalidPolicyParameterValue", message),
  missingPolicyParameter: (message: string) => bad("MissingPolicyParameter", message),
  invalidCreatePolicyAssignmentRequest: (message: string) => bad("InvalidCreatePolicyAssignmentRequest", message),
  /** INFERRED code, by analogy with the assignment's (the spec does not list error codes). */
  invalidPolicySetDefinitionRequest: (message: string) => bad("InvalidCreatePolicySetDefinitionRequest", message),
  /** Azure's answer to deleting a set an assignment uses (code: Azure/Azure-Landing-Zones#3734; message: azuredemoenvironment/ade#37). */
  invalidDeletePolicySetDefinitionRequest: (name: string, assignmentId: string) =>
    bad(
      "InvalidDeletePolicySetDefinitionRequest",
      `The policy set definition '${name}' cannot be deleted. It is referenced by the policy assignment '${assignmentId}'. Please delete all policy assignments referencing the policy.`,
    ),
  unsupportedIdentity: (message: string) => bad("UnsupportedIdentity", message),
  invalidIdentity: (message: string) => bad("InvalidIdentity", message),
  invalidResourceSelectors: (message: string) => bad("InvalidResourceSelectors", message),

  // ---- Microsoft.Authorization: roles ----------------------------------------------------
  invalidRoleAssignmentId: (name: string) => bad("InvalidRoleAssignmentId", `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`),
  roleDefinitionDoesNotExist: (guid: string) => bad("RoleDefinitionDoesNotExist", `The specified role definition with ID '${guid}' does not exist.`),
  principalNotFound: (message: string) => bad("PrincipalNotFound", message),
  roleAssignmentUpdateNotPermitted: () => bad("RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated."),
  /** Microsoft Learn, "Troubleshoot Azure RBAC limits": the code and message ARM gives at 4,000 role assignments in a subscription (the status is not documented there; 400 as for ARM's other refused creates). */
  roleAssignmentLimitExceeded: () => bad("RoleAssignmentLimitExceeded", "No more role assignments can be created."),
  /**
   * Azure Policy's 200 assignments per scope (Microsoft Learn, "Azure subscription and service
   * limits", "Azure Policy limits"). The code follows ARM's PolicyDefinitionQuotaExceeded for the
   * definitions' limit; the wording is this emulator's (no published sample was found).
   */
  policyAssignmentQuotaExceeded: (scope: string, limit: number) =>
    bad("PolicyAssignmentQuotaExceeded", `The policy assignment quota for scope '${scope}' has been exceeded: at most ${limit} policy or initiative assignments can be created at one scope.`),
  roleAssignmentExists: (existingName: string) =>
    err(409, "RoleAssignmentExists", `The role assignment already exists. The ID of the existing role assignment is ${existingName}.`),

  // ---- Microsoft.PolicyInsights ----------------------------------------------------------
  invalidRemediationRequest: (message: string) => bad("InvalidRemediationRequest", message),
  invalidRemediationUpdate: (name: string) =>
    bad("InvalidRemediationUpdate", `Remediation '${name}' already exists; its settings cannot be changed. Delete it or use another name.`),
  invalidRemediationScope: (message: string) => bad("InvalidRemediationScope", message),
  /** Azure's answer (code and message as Azure gives them, e.g. Azure/enterprise-azure-policy-as-code#27), the assignment's id in lower case as there. */
  remediationNeedsReferenceId: (name: string, assignmentId: string) =>
    bad(
      "InvalidCreateRemediationRequest",
      `The request to create remediation '${name}' is invalid. The policy assignment '${assignmentId.toLowerCase()}' assigns a policy set definition. Remediations must specify a single policy definition reference ID within the policy set definition.`,
    ),
  unsupportedPolicyDefinition: () => bad("UnsupportedPolicyDefinition", "The emulator remediates its built-in Deploy-if-not-exists definitions only."),
  invalidPolicyEffect: (message: string) => bad("InvalidPolicyEffect", message),
  remediationRunning: (name: string) => err(409, "RemediationRunning", `Remediation '${name}' is still running; cancel it first.`),
  invalidRemediationState: (name: string, state: string) => bad("InvalidRemediationState", `Remediation '${name}' is ${state} and cannot be canceled.`),

  // ---- failures of long-running operations and deployments (OperationError) --------------
  vmAgentStatusCommunicationError: (vmName: string, extensionName: string): OperationError => ({
    code: "VMAgentStatusCommunicationError",
    message: `VM '${vmName}' has not reported status for VM agent or extensions. Verify that the OS is up and healthy, the VM has a running VM agent, and that it can establish outbound connections to Azure storage. Extension '${extensionName}' was not processed.`,
  }),
  vmExtensionProvisioningError: (message: string): OperationError => ({ code: "VMExtensionProvisioningError", message }),
  deploymentAuthorizationFailed: (message: string): OperationError => ({ code: "AuthorizationFailed", message }),
  /** ARM's linked access check: the deployment may write its resource but not use the one it links to. */
  deploymentLinkedAuthorizationFailed: (message: string): OperationError => ({ code: "LinkedAuthorizationFailed", message }),
  invalidTemplateDeployment: (message: string): OperationError => ({ code: "InvalidTemplateDeployment", message }),
  deploymentTargetGone: (resourceId: string): OperationError => ({ code: "ResourceNotFound", message: `The resource '${resourceId}' no longer exists.` }),
  remediationAssignmentGone: (): OperationError => ({ code: "PolicyAssignmentNotFound", message: "The policy assignment of this remediation no longer exists." }),
  internalOperationError: (message: string): OperationError => ({ code: "InternalServerError", message }),

  // ---- authentication (ARM's codes; the Logs API's own) ----------------------------------
  unauthenticated: (code: string, message: string, tenantId: string) =>
    err(401, code, message, {
      "WWW-Authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/${tenantId}", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
    }),

  // ---- throttling and server faults ------------------------------------------------------
  subscriptionRequestsThrottled: (kind: string, subscription: string, principal: string, retryAfter: number, headers: Record<string, string>) =>
    err(
      429,
      "SubscriptionRequestsThrottled",
      `Number of '${kind}' requests for subscription '${subscription}' actor '${principal}' exceeded. Please try again after '${retryAfter}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
      headers,
    ),
  graphRateLimited: (correlationId: string, retryAfter: number, headers: Record<string, string>) =>
    err(429, "RateLimiting", `${graphSupportInfo(correlationId)} Rate limit exceeded; retry after ${retryAfter} second(s).`, headers),
  logsThrottled: (retryAfter: number, headers: Record<string, string>) => err(429, "ThrottledError", `Your request was throttled; retry after ${retryAfter} second(s).`, headers),
  serviceUnavailable: () => err(503, "ServiceUnavailable", "The service is temporarily unavailable. Please try again later.", { "Retry-After": "1" }),
  badGateway: () => err(502, "BadGateway", "The gateway did not receive a response from the resource provider."),
  internalServerError: (subscriptionId: string, correlationId: string) =>
    err(
      500,
      "InternalServerError",
      `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', subscription id '${subscriptionId}', request correlation id '${correlationId}'.`,
    ),
  emulatorFailure: (message: string) => err(500, "InternalServerError", `The emulator failed to process the request: ${message}`),

  // ---- Resource Graph --------------------------------------------------------------------
  graphInvalidQuery: (message: string, correlationId: string) =>
    err(400, "BadRequest", `${graphSupportInfo(correlationId)} ${message}`, {}, {
      details: [
        { code: "InvalidQuery", message: "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying." },
        { code: "UnsupportedQuery", message },
      ],
    }),

  /** A query that overran the evaluation budget: 400, so clients do not retry what will overrun again. */
  graphQueryBudgetExceeded: (message: string, correlationId: string) =>
    err(400, "BadRequest", `${graphSupportInfo(correlationId)} ${message}`, {}, { details: [{ code: "QueryBudgetExceeded", message }] }),

  // ---- Log Analytics query API -----------------------------------------------------------
  logsBadArgument: (message: string, correlationId: string) =>
    logsError(400, "BadArgumentError", `The request had some invalid properties: ${message}`, correlationId, { code: "SyntaxError", message }),
  logsQueryBudgetExceeded: (message: string, correlationId: string) =>
    logsError(400, "BadArgumentError", `The request had some invalid properties: ${message}`, correlationId, { code: "QueryBudgetExceeded", message }),
  logsWorkspaceNotFound: (ref: string, correlationId: string) =>
    logsError(404, "WorkspaceNotFoundError", `Workspace '${ref}' could not be found.`, correlationId, { code: "ResourceNotFoundError", message: `Workspace '${ref}' could not be found.` }),

  // ---- admin API -------------------------------------------------------------------------
  adminForbidden: () => err(403, "Forbidden", "The admin API answers loopback clients only."),
  adminUnauthenticated: (message: string) => err(401, "AdminAuthenticationFailed", message, { "WWW-Authenticate": 'Bearer realm="asc-emulator-admin"' }),
  adminNotFound: (method: string, path: string) => err(404, "NotFound", `No admin endpoint '${method} ${path}'. See src/emulator/README.md (Admin API).`),
  adminMachineNotFound: (id: string) => err(404, "ResourceNotFound", `No machine '${id}' (a VM, scale set or Arc machine id).`),
  invalidFaultConfig: (message: string) => bad("InvalidFaultConfig", message),
  invalidGuestState: (message: string) => bad("InvalidGuestState", message),
} as const;
