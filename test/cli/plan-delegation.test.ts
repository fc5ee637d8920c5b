/**
 * User trial 16, defect 5: apply handed installs to Azure Policy (an assignment, role grants, a
 * remediation task, a removal) that no plan had shown, so a reviewer never saw the role grants.
 * `plan --delegate-above N` (apply's option and default) shows that delegation: which installs each
 * remediation task makes, and each grant's role and scope; a plan file records it for `apply --plan`.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import { loadSavedPlan } from "../../src/cli/savedPlan";
import { plan } from "../../src/core";
import { loadInventoryFile } from "../../src/inventory/load";
import { loadSpecFile } from "../../src/spec/load";

const ex = (f: string) => join(__dirname, "../../examples", f);

async function run(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

/** The Windows VM installs of subscription 1111… to one workspace (the example's only batch of 2). */
function windowsVmInstalls(): { numbers: number[]; machines: string[] } {
  const p = plan(loadSpecFile(ex("spec.yaml")), loadInventoryFile(ex("inventory.json")));
  const numbers: number[] = [];
  const machines: string[] = [];
  p.steps.forEach((s, i) => {
    const d = s.details as { machineKind?: string; osType?: string; workspaceId?: string; machineId?: string };
    if (s.action === "install-extension" && d.machineKind === "vm" && d.osType === "Windows" && /-WEU$/.test(d.workspaceId ?? "") && d.machineId?.includes("11111111")) {
      numbers.push(i + 1);
      machines.push(d.machineId.split("/").pop()!);
    }
  });
  return { numbers, machines };
}

describe("plan --delegate-above", () => {
  const args = ["plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json")];

  it("shows the installs a remediation task makes and the policy steps, each grant with its role and scope", async () => {
    const batch = windowsVmInstalls();
    expect(batch.machines.sort()).toEqual(["vm-app-03", "vm-db-04"]);
    const r = await run(...args, "--delegate-above", "1");
    expect(r.code).toBe(2);
    const section = r.out.slice(r.out.indexOf("\nDelegated to Azure Policy (--delegate-above 1):"), r.out.indexOf("\nMachine details:"));
    expect(section).toContain("2 of the installs above are not sent one by one: 1 remediation task(s) make them, with these 4 step(s) (1 role grant(s))");
    expect(section).toContain(`2 install(s) to DefaultWorkspace-11111111-1111-1111-1111-111111111111-WEU, steps ${batch.numbers[0]}-${batch.numbers[1]}:`);
    const steps = section.split("\n").filter((l) => /^ {4}[a-z]\. /.test(l)).map((l) => l.trim().replace(/ +/g, " "));
    expect(steps.map((l) => l.split(" ")[1])).toEqual(["assign-policy", "grant-role", "create-remediation", "unassign-policy"]);
    expect(steps[1]).toBe("b. grant-role Log Analytics Contributor at subscription 11111111-1111-1111-1111-111111111111");
    expect(steps[2]).toMatch(/^c\. create-remediation asc-la-agent-windows-[0-9a-f]{8}-[0-9a-f]{8} \(2 machine\(s\)\)$/);
    // The numbers are the plan's own steps: those lines are the batch's installs.
    for (const [k, n] of batch.numbers.entries()) expect(r.out).toContain(`${String(n).padStart(4)}. install-extension      ${batch.machines[k]} (MicrosoftMonitoringAgent)`);
    // Before the advice that ends the plan, not after it.
    expect(r.out.indexOf("Delegated to Azure Policy")).toBeLessThan(r.out.indexOf("Run `asc-autoprovision apply`"));
  });

  it("is apply's default, 100: a batch of 2 is not delegated; 0 turns it off; a bad value names the option", async () => {
    expect((await run(...args)).out).not.toContain("Delegated to Azure Policy");
    expect((await run(...args, "--delegate-above", "0")).out).not.toContain("Delegated to Azure Policy");
    const bad = await run(...args, "--delegate-above", "-1");
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--delegate-above: "-1" is not an integer >= 0');
  });

  it("markdown (a PR's comment) lists each grant with its scope", async () => {
    const r = await run(...args, "--delegate-above", "1", "--format", "markdown");
    expect(r.out).toContain("#### Delegated to Azure Policy (`--delegate-above 1`)");
    expect(r.out).toContain("  - grant **Log Analytics Contributor** at `/subscriptions/11111111-1111-1111-1111-111111111111`");
  });

  it("a plan file records the threshold and the delegation (apply --plan runs it with the same)", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "plan-deleg-")), "plan.json");
    expect((await run(...args, "--delegate-above", "1", "--out", out, "--format", "markdown")).code).toBe(2);
    // As apply --plan reads it back (the file's digest checked).
    const { delegation } = await loadSavedPlan(out);
    expect(delegation?.delegateAbove).toBe(1);
    expect(delegation?.batches.map((b) => b.grants)).toEqual([[{ role: "Log Analytics Contributor", scope: "/subscriptions/11111111-1111-1111-1111-111111111111" }]]);
    expect(delegation?.batches[0]!.installs).toEqual(windowsVmInstalls().numbers.map((n) => n - 1));
  });
});
