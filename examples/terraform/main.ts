/**
 * A cdktf app for Security Center's default workspaces: examples/spec.yaml (the spec of the Pulumi
 * stack examples/pulumi/Pulumi.default-workspace.yaml) with the same machine regions. One default
 * workspace per geography of each subscription's machines, Azure Defender on, the Common tier, the
 * Kubernetes add-on and the Windows Dependency agent policies.
 *
 *   cdktf synth          # cdktf.out/stacks/default-workspace/cdk.tf.json
 *   cdktf synth --hcl    # plain .tf for the Terraform CLI (the way out of deprecated CDKTF)
 *
 * See components/cdktf/README.md for the pipeline with `asc-autoprovision plan/apply`.
 */
import { join } from "node:path";
import { App } from "cdktf";
import { AutoProvisioningStack } from "../../components/cdktf";
import { loadSpecFile } from "../../src/spec/load";

export const SPEC_FILE = join(__dirname, "..", "spec.yaml");

/** Where each subscription's machines are (`asc-autoprovision inventory` lists them). */
export const MACHINE_REGIONS = {
  "11111111-1111-1111-1111-111111111111": ["westeurope", "northeurope", "eastus", "uksouth"],
  "22222222-2222-2222-2222-222222222222": ["japaneast", "eastus2"],
} as const;

export function defaultWorkspaceStack(app: App): AutoProvisioningStack {
  return new AutoProvisioningStack(app, "default-workspace", { spec: loadSpecFile(SPEC_FILE), machineRegions: MACHINE_REGIONS });
}

if (require.main === module) {
  const app = new App();
  defaultWorkspaceStack(app);
  app.synth();
}
