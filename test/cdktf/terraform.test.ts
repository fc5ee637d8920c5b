/**
 * The synthesized CDKTF stack under the real Terraform CLI (scripts/terraform-tools.sh builds
 * terraform 1.5.7 from its Go module), with a management-group scope. The azurerm provider cannot
 * be fetched here (no registry, no Go build of the provider in the time a test has), so what runs
 * is `terraform init -backend=false` with a provider mirror that holds nothing: Terraform reads
 * and checks the configuration (its JSON syntax, block types, arguments, expressions, the
 * management group's postcondition, the provider aliases and version constraints) and then stops,
 * naming the provider it cannot install. `terraform validate` and `plan` need the provider's
 * schema and binary, so they do not run here. A broken copy of the same JSON shows init does
 * read the configuration (a configuration error, before any provider).
 *
 * Skipped without the binary (run scripts/terraform-tools.sh).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { AutoProvisioningStack } from "../../components/cdktf";

const ROOT = join(__dirname, "../..");
const SUB1 = "11111111-1111-1111-1111-111111111111";
const SUB2 = "22222222-2222-2222-2222-222222222222";
const SUB3 = "33333333-3333-3333-3333-333333333333";

const found = spawnSync("bash", [join(ROOT, "scripts/terraform-tools.sh"), "--check"], { encoding: "utf8" });
const terraformDir = found.status === 0 ? found.stdout.trim() : undefined;
const describeTerraform = terraformDir ? describe : describe.skip;
if (!terraformDir) test.skip("terraform checks skipped: no terraform (build it with scripts/terraform-tools.sh; needs Go)", () => undefined);

jest.setTimeout(120_000);

/** The management-group stack as `cdktf synth` writes it (cdk.tf.json), resolved to SUB1 (listed) and SUB3 (under the group). */
function synthesized(): string {
  const stack = new AutoProvisioningStack(Testing.app(), "groups", {
    spec: {
      subscriptions: [SUB1],
      managementGroups: ["contoso"],
      exclude: { subscriptions: [SUB2] },
      logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common" },
    },
    machineRegions: { [SUB1]: ["westeurope"], [SUB3]: ["japaneast"] },
    managementGroupSubscriptions: [SUB3, SUB1, SUB2],
  });
  return Testing.synth(stack);
}

/** `terraform init -backend=false` on `json` in a directory of its own; providers only from an empty mirror (nothing from the network). */
function init(json: string): { code: number; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "asc-terraform-"));
  try {
    const work = join(dir, "stack");
    const mirror = join(dir, "mirror");
    mkdirSync(work);
    mkdirSync(mirror);
    writeFileSync(join(work, "cdk.tf.json"), json);
    writeFileSync(join(dir, "terraformrc"), `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`);
    const r = spawnSync(join(terraformDir!, "terraform"), ["init", "-backend=false", "-input=false", "-no-color"], {
      cwd: work,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: dir, TF_CLI_CONFIG_FILE: join(dir, "terraformrc"), CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
    });
    return { code: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeTerraform("the CDKTF stack under terraform", () => {
  test("terraform init reads the management-group stack and stops only at the azurerm provider it cannot install", () => {
    const { code, output } = init(synthesized());
    expect(code).not.toBe(0);
    const flat = output.replace(/\s+/g, " "); // terraform wraps its messages
    expect(flat).toContain("Initializing provider plugins...");
    expect(flat).toMatch(/Finding hashicorp\/azurerm versions matching "\d+\.\d+\.\d+"/);
    expect(flat).toContain("provider registry.terraform.io/hashicorp/azurerm was not found in any of the search locations");
    // Nothing in the configuration itself is refused.
    expect(output).not.toMatch(/Error: (Invalid|Unsupported|Missing|Duplicate|Extraneous)/);
    expect(output.match(/^Error: /gm)).toHaveLength(1);
  });

  test("a broken copy of the same JSON is refused as configuration, before any provider", () => {
    const doc = JSON.parse(synthesized()) as { data: Record<string, Record<string, { lifecycle: { postcondition: { condition: string }[] } }>> };
    doc.data["azurerm_management_group"]!["ManagementGroup-contoso"]!.lifecycle.postcondition[0]!.condition = "${length(";
    const { code, output } = init(JSON.stringify(doc));
    expect(code).not.toBe(0);
    expect(output).toContain("Error: Invalid postcondition expression");
    expect(output).toContain("in data.azurerm_management_group.ManagementGroup-contoso.lifecycle.postcondition[0]");
    expect(output).not.toContain("Initializing provider plugins...");
  });
});
