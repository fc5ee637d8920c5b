/**
 * README "Plan JSON": its jq recipes run on a real plan file and give what the plan reader gives,
 * every step (stepCount of them, in order) and each machine's Defender decisions.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import { readPlanFile } from "../../src/core";

const root = join(__dirname, "../..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("### Plan JSON"), readme.indexOf("### A worked example"));
const recipes = /```sh\n([\s\S]*?)```/.exec(section)![1]!.split(/\n(?=jq )/).map((c) => c.trim());
const hasJq = spawnSync("jq", ["--version"]).status === 0;
const dir = mkdtempSync(join(tmpdir(), "plan-json-doc-"));

async function planFile(specText: string): Promise<string> {
  const spec = join(dir, "spec.yaml");
  writeFileSync(spec, specText);
  const out = join(dir, "plan.json");
  const code = await main(["plan", "--spec", spec, "--inventory", join(root, "examples", "inventory.json"), "--out", out], { stdout: () => undefined, stderr: () => undefined });
  expect(code).toBe(2);
  return out;
}

const jq = (recipe: string) => {
  const r = spawnSync("bash", ["-c", recipe], { cwd: dir, encoding: "utf8" });
  expect(r.stderr).toBe("");
  return r.stdout.trim().split("\n");
};

(hasJq ? describe : describe.skip)("README's plan JSON recipes (jq)", () => {
  it("README has the three recipes", () => expect(recipes).toHaveLength(3));

  it("expanding machine steps gives every step of the plan, in its order, as the reader does", async () => {
    const file = await planFile(readFileSync(join(root, "examples", "spec.yaml"), "utf8"));
    const { plan } = await readPlanFile(file);
    const raw = JSON.parse(readFileSync(file, "utf8")) as { stepCount: number; steps: unknown[] };
    expect(raw.steps.length).toBeLessThan(raw.stepCount);
    const steps = jq(recipes[0]!).map((l) => JSON.parse(l) as { at: number; id: string; target: string; details: unknown });
    expect(steps).toHaveLength(raw.stepCount);
    expect(steps.map((s) => s.at)).toEqual(plan.steps.map((_, i) => i));
    expect(steps.map(({ id, target, details }) => ({ id, target, details }))).toEqual(plan.steps.map(({ id, target, details }) => ({ id, target, details })));
    const reasons = jq(recipes[1]!).map((l) => l.split("\t"));
    expect(reasons).toEqual(plan.machines.map((m) => [m.id, m.decision, m.reason]));
  });

  it("each machine's Defender components with decision and reason", async () => {
    const file = await planFile("subscriptions: [11111111-1111-1111-1111-111111111111, 22222222-2222-2222-2222-222222222222]\nlogAnalyticsAgent: { agent: ama, securityEvents: Common }\ndefender:\n  servers: { plan: P2 }\n");
    const { plan } = await readPlanFile(file);
    const expected = plan.machines.flatMap((m) => Object.entries((m as { components?: Record<string, { decision: string; reason: string }> }).components ?? {}).map(([k, c]) => [m.id, k, c.decision, c.reason]));
    expect(expected.length).toBeGreaterThan(plan.machines.length);
    expect(jq(recipes[2]!).map((l) => l.split("\t"))).toEqual(expected);
  });
});
