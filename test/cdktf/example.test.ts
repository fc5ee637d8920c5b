/**
 * examples/terraform: the default-workspace app synthesizes (snapshot of its Terraform JSON),
 * writes its stack as `cdktf synth` would, and renders as plain HCL (`cdktf synth --hcl`, the way
 * out of deprecated CDKTF).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing } from "cdktf";
import { defaultWorkspaceStack } from "../../examples/terraform/main";

test("the example's Terraform JSON", () => {
  expect(Testing.synth(defaultWorkspaceStack(Testing.app()))).toMatchSnapshot();
});

test("app.synth() writes cdktf.out/stacks/default-workspace/cdk.tf.json", () => {
  const outdir = mkdtempSync(join(tmpdir(), "asc-cdktf-"));
  try {
    const app = new App({ outdir });
    defaultWorkspaceStack(app);
    app.synth();
    const doc = JSON.parse(readFileSync(join(outdir, "stacks", "default-workspace", "cdk.tf.json"), "utf8")) as { resource: Record<string, unknown> };
    expect(Object.keys(doc.resource).sort()).toEqual([
      "azurerm_log_analytics_solution",
      "azurerm_log_analytics_workspace",
      "azurerm_resource_group",
      "azurerm_resource_group_template_deployment",
      "azurerm_role_assignment",
      "azurerm_subscription_policy_assignment",
      "azurerm_subscription_policy_remediation",
      "azurerm_subscription_template_deployment",
    ]);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});

test("plain HCL for the Terraform CLI", () => {
  const hcl = Testing.synthHcl(defaultWorkspaceStack(Testing.app())) as string;
  expect(hcl).toMatch(/^resource "azurerm_log_analytics_workspace" "asc-11111111-1111-1111-1111-111111111111_Workspace-WEU_Workspace_[0-9A-F]{8}" \{$/m);
  expect(hcl).toMatch(/^provider "azurerm" \{$/m);
  expect(hcl).not.toContain("azurerm_security_center_auto_provisioning");
});
