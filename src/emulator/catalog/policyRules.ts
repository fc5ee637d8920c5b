/**
 * The `policyRule` of each built-in definition (its `if`, existence condition and deployment), as
 * the Azure Policy repository writes them, reduced to what a reader of the definition needs.
 */
import type { BuiltinPolicy } from "./policyTypes";
import type { JsonObject } from "../util/json";

const TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#";

function vmOfOs(osType: string): JsonObject {
  return {
    allOf: [
      { field: "type", equals: "Microsoft.Compute/virtualMachines" },
      { field: "Microsoft.Compute/virtualMachines/storageProfile.osDisk.osType", like: `${osType}*` },
    ],
  };
}

/** Adds the definition's own parameters to `parameters`; returns the rule's condition and `then.details`. */
export function policyRule(p: BuiltinPolicy, parameters: JsonObject): { condition: JsonObject; details: JsonObject } {
  const roleDefinitionIds = p.roleGuids.map((g) => `/providers/Microsoft.Authorization/roleDefinitions/${g}`);
  const d = p.deploys;
  if (d.kind === "aksAddon") {
    return {
      condition: { field: "type", equals: "Microsoft.ContainerService/managedClusters" },
      details: {
        type: "Microsoft.ContainerService/managedClusters",
        name: "[field('name')]",
        roleDefinitionIds,
        existenceCondition: { field: "Microsoft.ContainerService/managedClusters/addonProfiles.azurePolicy.enabled", equals: "true" },
        deployment: { properties: { mode: "incremental", parameters: { clusterName: { value: "[field('name')]" }, clusterResourceGroupName: { value: "[resourceGroup().name]" }, clusterLocation: { value: "[field('location')]" } } } },
      },
    };
  }
  if (d.kind === "dcrAssociation") {
    parameters[d.ruleParameter] = {
      type: "String",
      metadata: {
        displayName: "Data Collection Rule Resource Id or Data Collection Endpoint Resource Id",
        description: `Resource Id of the Data Collection Rule or the Data Collection Endpoint to be applied on the ${d.osType} machines in scope.`,
        portalReview: "true",
        assignPermissions: true,
      },
    };
    parameters["resourceType"] = {
      type: "String",
      metadata: { displayName: "Resource Type", description: "Either a Data Collection Rule (DCR) or a Data Collection Endpoint (DCE)", portalReview: "true" },
      allowedValues: ["Microsoft.Insights/dataCollectionRules", "Microsoft.Insights/dataCollectionEndpoints"],
      defaultValue: "Microsoft.Insights/dataCollectionRules",
    };
    const param = `[parameters('${d.ruleParameter}')]`;
    return {
      condition: vmOfOs(d.osType),
      details: {
        type: "Microsoft.Insights/dataCollectionRuleAssociations",
        roleDefinitionIds,
        evaluationDelay: "AfterProvisioning",
        existenceCondition: {
          anyOf: [
            { field: "Microsoft.Insights/dataCollectionRuleAssociations/dataCollectionRuleId", equals: param },
            { field: "Microsoft.Insights/dataCollectionRuleAssociations/dataCollectionEndpointId", equals: param },
          ],
        },
        deployment: {
          properties: {
            mode: "incremental",
            template: {
              $schema: TEMPLATE_SCHEMA,
              contentVersion: "1.0.0.0",
              parameters: { resourceName: { type: "string" }, location: { type: "string" }, dcrResourceId: { type: "string" }, resourceType: { type: "string" } },
              variables: {
                dcrAssociationName: "[concat('assoc-', uniqueString(concat(parameters('resourceName'), parameters('dcrResourceId'))))]",
                dceAssociationName: "configurationAccessEndpoint",
              },
              resources: [
                {
                  condition: "[equals(parameters('resourceType'), 'Microsoft.Insights/dataCollectionRules')]",
                  name: "[variables('dcrAssociationName')]",
                  type: "Microsoft.Insights/dataCollectionRuleAssociations",
                  apiVersion: "2021-04-01",
                  properties: { dataCollectionRuleId: "[parameters('dcrResourceId')]" },
                  scope: "[concat('Microsoft.Compute/virtualMachines/', parameters('resourceName'))]",
                },
              ],
            },
            parameters: {
              resourceName: { value: "[field('name')]" },
              location: { value: "[field('location')]" },
              dcrResourceId: { value: param },
              resourceType: { value: "[parameters('resourceType')]" },
            },
          },
        },
      },
    };
  }
  const ext = d.extension;
  if (d.workspaceParameter) {
    parameters[d.workspaceParameter] = {
      type: "String",
      metadata: { displayName: "Log Analytics workspace", description: "Select Log Analytics workspace from dropdown list.", strongType: "omsWorkspace", assignPermissions: true },
    };
  }
  parameters["listOfImageIdToInclude"] = { type: "Array", metadata: { displayName: "Optional: List of virtual machine images that have supported Windows OS to add to scope" }, defaultValue: [] };
  const resources: JsonObject[] = [];
  if (d.systemIdentity) {
    resources.push({
      name: "[parameters('vmName')]",
      type: "Microsoft.Compute/virtualMachines",
      location: "[parameters('location')]",
      apiVersion: "2018-06-01",
      identity: { type: "[if(contains(parameters('identityType'), 'UserAssigned'), 'SystemAssigned,UserAssigned', 'SystemAssigned')]" },
    });
  }
  resources.push({
    name: `[concat(parameters('vmName'), '/${ext.name}')]`,
    type: "Microsoft.Compute/virtualMachines/extensions",
    location: "[parameters('location')]",
    apiVersion: "2021-04-01",
    ...(d.systemIdentity ? { dependsOn: ["[parameters('vmName')]"] } : {}),
    properties: { publisher: ext.publisher, type: ext.type, typeHandlerVersion: ext.version, autoUpgradeMinorVersion: true, ...(d.systemIdentity ? { enableAutomaticUpgrade: true } : {}) },
  });
  return {
    condition: vmOfOs(d.osType),
    details: {
      type: "Microsoft.Compute/virtualMachines/extensions",
      roleDefinitionIds,
      existenceCondition: {
        allOf: [
          { field: "Microsoft.Compute/virtualMachines/extensions/type", equals: ext.type },
          { field: "Microsoft.Compute/virtualMachines/extensions/publisher", equals: ext.publisher },
          { field: "Microsoft.Compute/virtualMachines/extensions/provisioningState", equals: "Succeeded" },
        ],
      },
      deployment: {
        properties: {
          mode: "incremental",
          template: { $schema: TEMPLATE_SCHEMA, contentVersion: "1.0.0.0", resources },
          parameters: {
            vmName: { value: "[field('name')]" },
            location: { value: "[field('location')]" },
            ...(d.systemIdentity ? { identityType: { value: "[field('identity.type')]" } } : {}),
          },
        },
      },
    },
  };
}
