/**
 * CLI options a user's trial found unchecked (session 2026-12-07): each through the CLI's main.
 */
import { join } from "node:path";
import { main } from "../../src/cli/main";

const root = join(__dirname, "../..");
const inventory = join(root, "examples", "inventory.json");
const spec = join(root, "examples", "spec.yaml");

async function run(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const markdown = (...extra: string[]) => run("plan", "--spec", spec, "--inventory", inventory, "--format", "markdown", ...extra);

describe("--plan-url and --report-url", () => {
  it("are percent-encoded where a markdown link would break (a parenthesis, a space, a quote)", async () => {
    const r = await markdown("--plan-url", "https://x/y)z", "--report-url", "https://ci.example/run/1 (b)?q='a'#artifacts");
    expect(r.code).toBe(2);
    expect(r.out).toContain("**Full plan:** [plan JSON](https://x/y%29z)");
    expect(r.out).toContain("**Coverage report:** [HTML](https://ci.example/run/1%20%28b%29?q=%27a%27#artifacts)");
  });

  it.each([
    ["--plan-url", "javascript:alert(1)", 'is not an http or https URL'],
    ["--report-url", "file:///etc/passwd", "is not an http or https URL"],
    ["--plan-url", "artifacts/plan.json", "is not a URL (give an http or https URL)"],
  ])("%s %s is refused with exit 1, naming the option", async (option, value, why) => {
    const r = await markdown(option, value);
    expect([r.code, r.out, r.err]).toEqual([1, "", `asc-autoprovision: ${option}: "${value}" ${why}\n`]);
  });
});
