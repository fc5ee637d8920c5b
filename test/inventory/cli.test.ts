/**
 * `plan --inventory` on the hand edits of user trial 16 (defect 10): exit 1, the JSON path and the
 * allowed form on stderr, no plan on stdout and no `--out` file (was: exit 2 and a plan, 1613 of
 * 2400 machines when a subscription's GUID gained a character).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main";

const root = join(__dirname, "../..");
const example = JSON.parse(readFileSync(join(root, "examples/inventory.json"), "utf8")) as {
  subscriptions: { id: string }[];
  workspaces: { customerId: string }[];
  machines: { id: string }[];
};
const SUB = example.subscriptions[0]!.id;

async function plan(edit: (inv: typeof example) => void) {
  const dir = mkdtempSync(join(tmpdir(), "invcheck-"));
  const inv = structuredClone(example);
  edit(inv);
  writeFileSync(join(dir, "inventory.json"), JSON.stringify(inv));
  const out = join(dir, "plan.json");
  let stdout = "";
  let stderr = "";
  const code = await main(["plan", "--spec", join(root, "examples/spec.yaml"), "--inventory", join(dir, "inventory.json"), "--out", out], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr, written: existsSync(out) };
}

describe("plan --inventory with a hand-edited inventory", () => {
  it("plans the example as it is (the edits below are what fails)", async () => {
    expect(await plan(() => undefined)).toMatchObject({ code: 2, written: true });
  });

  it.each([
    ["a subscription GUID with a stray character", (inv: typeof example) => (inv.subscriptions[0]!.id = `${SUB}x`), "subscriptions[0].id", "must be a subscription GUID"],
    ["a workspace customerId that is not a GUID", (inv: typeof example) => (inv.workspaces[1]!.customerId = "not-a-guid"), "workspaces[1].customerId", "must be the workspace's GUID"],
    [
      "a machine id with /resourcegroup/",
      (inv: typeof example) => (inv.machines[2]!.id = inv.machines[2]!.id.replace("/resourceGroups/", "/resourcegroup/")),
      "machines[2].id",
      '"resourcegroup" stands where "resourceGroups" must',
    ],
    [
      "machines of a subscription the inventory does not list",
      (inv: typeof example) => (inv.subscriptions = inv.subscriptions.filter((s) => s.id !== SUB)),
      "machines[0].id",
      `is in subscription ${SUB}, which subscriptions does not list`,
    ],
  ])("%s: exit 1 naming the path, nothing written", async (_, edit, path, message) => {
    const r = await plan(edit);
    expect(r).toMatchObject({ code: 1, stdout: "", written: false });
    expect(r.stderr).toMatch(/^asc-autoprovision: invalid inventory:\n/);
    expect(r.stderr).toContain(`  ${path}: `);
    expect(r.stderr).toContain(message);
  });
});
