/**
 * A user's trial on an ALZ-style hierarchy, through the CLI: scope mistakes are said where they
 * look (text, markdown, JSON), and the PR comment names the scope near its top.
 */
import { main } from "../../src/cli/main";
import { alzFiles, alzInventory, CORP, SANDBOX } from "../helpers/alz";

async function run(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const file = alzFiles(
  {
    "spec-mg.yaml": [
      "managementGroups: [landingzones]",
      "exclude:",
      `  subscriptions: [${SANDBOX}]`,
      `  resourceGroups: [/subscriptions/${CORP}/resourceGroups/rg-sandbx]`,
      '  machineTags: { provisoning: "off" }',
      "logAnalyticsAgent: { autoProvision: true }",
      "",
    ].join("\n"),
    "spec-platform.yaml": "managementGroups: [contoso-platform]\nlogAnalyticsAgent: { autoProvision: true }\n",
    "spec-two.yaml": "managementGroups: [landingzones, contoso-platform]\nlogAnalyticsAgent: { autoProvision: true }\n",
  },
  { "inv.json": alzInventory(), "inv-read.json": { ...alzInventory(), excludedSubscriptions: [SANDBOX] } },
);
const plan = (spec: string, ...rest: string[]) => run("plan", "--spec", file(spec), "--inventory", file("inv.json"), ...rest);

describe("plan: scope mistakes are said", () => {
  it("text: each exclusion that matches nothing is a warning naming its field and value, and the scope is under the headline", async () => {
    const r = await plan("spec-mg.yaml");
    expect(r.code).toBe(2);
    const lines = r.out.split("\n");
    expect(lines[0]).toMatch(/^Plan: 16 machine\(s\) in 2 subscription\(s\)/);
    expect(lines[1]).toBe("Scope: management group landingzones (2); 2 subscription(s) in scope; excluded 1 subscription (33333333…), 1 resource group (rg-sandbx), 1 machine tag (provisoning=off).");
    expect(r.out).toContain(`warning exclusion-matches-nothing (exclude.resourceGroups[0]): exclude.resourceGroups[0] "/subscriptions/${CORP}/resourceGroups/rg-sandbx" matches no machine`);
    expect(r.out).toContain(`warning exclusion-matches-nothing (exclude.subscriptions[0]): exclude.subscriptions[0] "${SANDBOX}" matches no subscription of the scope`);
    expect(r.out).toContain('warning exclusion-matches-nothing (exclude.machineTags.provisoning): exclude.machineTags.provisoning ("off") matches no machine');
    // What the typo costs: the machine meant to be left out is planned.
    expect(r.out).toMatch(/vm-sbx-01/);
  });

  it("an inventory `inventory --spec` wrote records the excluded subscriptions it found: that exclusion matched, the others are still said", async () => {
    const r = await run("plan", "--spec", file("spec-mg.yaml"), "--inventory", file("inv-read.json"));
    expect(r.out).not.toContain("exclusion-matches-nothing (exclude.subscriptions[0])");
    expect(r.out).toContain("exclusion-matches-nothing (exclude.resourceGroups[0])");
  });

  it("--fail-on warning turns them into exit 1", async () => {
    const r = await plan("spec-mg.yaml", "--fail-on", "warning");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--fail-on warning: \d+ finding\(s\) \(.*exclusion-matches-nothing/);
  });

  it("markdown: the scope line near the top, within the budget", async () => {
    for (const max of ["65536", "1024"]) {
      const r = await plan("spec-mg.yaml", "--format", "markdown", "--max-chars", max);
      expect(r.out.length).toBeLessThanOrEqual(Number(max));
      const lines = r.out.split("\n");
      expect(lines.slice(0, 8)).toContain("**Scope:** management group landingzones (2); 2 subscription(s) in scope; excluded 1 subscription (33333333…), 1 resource group (rg-sandbx), 1 machine tag (provisoning=off).");
    }
    expect((await plan("spec-mg.yaml", "--format", "markdown")).out).toMatch(/`exclusion-matches-nothing` × 3/);
  });

  it("a group with no subscription beside one with some: a warning naming it", async () => {
    const r = await plan("spec-two.yaml");
    expect(r.out).toMatch(/^Scope: management groups landingzones \(2\), contoso-platform \(0\); 2 subscription\(s\) in scope\.$/m);
    expect(r.out).toContain("warning management-group-without-subscriptions (contoso-platform): managementGroups[1]: management group contoso-platform holds no subscription in scope");
  });

  it("a scope of no subscription: the warning comes first in text, markdown and JSON, and the exit code is plan's", async () => {
    const warning = "The scope resolves to no subscription: management group(s) contoso-platform hold no subscription.";
    const text = await plan("spec-platform.yaml");
    expect(text.code).toBe(0);
    expect(text.out.startsWith(`Warning: ${warning}`)).toBe(true);
    expect(text.out).toMatch(/No changes: the scope holds nothing to compare/);
    expect(text.out).not.toMatch(/The fleet matches the spec/);
    const md = await plan("spec-platform.yaml", "--format", "markdown");
    expect(md.code).toBe(0);
    expect(md.out.startsWith(`<!-- asc-autoprovision-plan -->\n> **Warning:** ${warning}`)).toBe(true);
    for (const format of ["json", "ndjson"]) {
      const r = await plan("spec-platform.yaml", "--format", format);
      expect(r.code).toBe(0);
      const findings = format === "json" ? (JSON.parse(r.out) as { findings: { code: string }[] }).findings : r.out.split("\n").filter((l) => l.includes('"record":"finding"')).map((l) => JSON.parse(l) as { code: string });
      expect(findings[0]).toMatchObject({ code: "scope-without-subscriptions", message: expect.stringContaining(warning) });
      expect(r.err).toContain(`asc-autoprovision: warning: ${warning}`);
    }
  });
});
