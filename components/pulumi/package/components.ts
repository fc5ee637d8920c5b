/**
 * The components the Pulumi component package (pulumi-plugin/, PulumiPlugin.yaml) offers to other
 * Pulumi languages: token, class, source file and argument interfaces. The schema generator
 * (test/pulumi/package/schemaFromSource.ts) and the provider (provider.ts) both read this table.
 * Paths are today's (components/*.ts); a move of the components changes them here only.
 */
export const PACKAGE_NAME = "asc-autoprovision";

export interface ComponentEntry {
  readonly token: string;
  readonly className: "AutoProvisioning" | "DefaultWorkspace" | "SecurityEventCollection" | "ExtensionPolicy" | "AzureMonitorAgentPolicy";
  /** The source file, from the repository root. */
  readonly file: string;
  /** The argument interfaces; several when the constructor takes a union (their properties merged). */
  readonly argsInterfaces: readonly string[];
}

export const COMPONENTS: readonly ComponentEntry[] = [
  { token: `${PACKAGE_NAME}:index:AutoProvisioning`, className: "AutoProvisioning", file: "components/pulumi/autoProvisioning.ts", argsInterfaces: ["AutoProvisioningArgs"] },
  { token: `${PACKAGE_NAME}:workspace:DefaultWorkspace`, className: "DefaultWorkspace", file: "components/pulumi/workspace/defaultWorkspace.ts", argsInterfaces: ["NewDefaultWorkspaceArgs", "ExistingWorkspaceArgs"] },
  { token: `${PACKAGE_NAME}:workspace:SecurityEventCollection`, className: "SecurityEventCollection", file: "components/pulumi/workspace/securityEventCollection.ts", argsInterfaces: ["SecurityEventCollectionArgs"] },
  { token: `${PACKAGE_NAME}:policy:ExtensionPolicy`, className: "ExtensionPolicy", file: "components/pulumi/policy/extensionPolicy.ts", argsInterfaces: ["ExtensionPolicyArgs"] },
  { token: `${PACKAGE_NAME}:policy:AzureMonitorAgentPolicy`, className: "AzureMonitorAgentPolicy", file: "components/pulumi/policy/azureMonitorAgentPolicy.ts", argsInterfaces: ["AzureMonitorAgentPolicyArgs"] },
];
