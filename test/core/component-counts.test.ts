/**
 * The plan's per-component counts (Defender for Endpoint, Guest Configuration, ...) in the text
 * plan and the markdown comment, as README promises, and each step counted under the component it
 * serves. The Defender example: test/core/fixtures/spec-defender.yaml on examples/inventory.json;
 * its golden outputs are test/golden/spec-defender.plan.{txt,md} (UPDATE_GOLDEN=1 rewrites them).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { componentCounts, parsePlan, plan, REGISTRY, renderJson, renderMarkdown, renderText } from "../../src/core";
import { loadInventoryFile } from "../../src/inventory/load";
import { loadSpecFile } from "../../src/spec/load";

const root = join(__dirname, "../..");
const p = plan(loadSpecFile(join(__dirname, "fixtures/spec-defender.yaml")), loadInventoryFile(join(root, "examples/inventory.json")));
const components = p.summary.components ?? {};

describe("per-component counts of the Defender example plan", () => {
  it("the example has machine and cluster components, with several decisions", () => {
    expect(Object.keys(components).sort()).toEqual(["containerSensor", "endpoint", "guestConfiguration", "kubernetesPolicyAddon", "plan", "vulnerabilityAssessment"]);
    expect(components.guestConfiguration!["gc-install"]).toBeGreaterThan(0);
    expect(components.endpoint!["mde-awaiting-defender"]).toBeGreaterThan(0);
  });

  it("text: every component with its total and each decision's count and meaning", () => {
    const text = renderText(p);
    const section = text.slice(text.indexOf("\nComponents by decision:\n"), text.indexOf("\nSteps:\n"));
    expect(section.length).toBeGreaterThan(0);
    for (const kind of REGISTRY.components) {
      const counts = components[kind.name];
      if (!counts) continue;
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      expect(section).toContain(`\n  ${kind.title} (${total} ${kind.target === "cluster" ? "clusters" : "machines"}):\n`);
      for (const [d, n] of Object.entries(counts)) {
        const meaning = (kind.decisions as Record<string, string>)[d]!;
        expect(section).toMatch(new RegExp(`\\n    ${d} +${n}  ${meaning.replace(/[()]/g, "\\$&")}\\n`));
      }
    }
  });

  it("markdown: a row per component with each decision's count", () => {
    const md = renderMarkdown(p);
    expect(md).toContain("#### Components by decision");
    for (const c of componentCounts(p.summary)) {
      const row = md.split("\n").find((l) => l.startsWith(`| ${c.title} | `));
      expect(row).toBeDefined();
      for (const [d, n] of Object.entries(components[c.name]!)) expect(row).toContain(`${n} \`${d}\``);
    }
  });

  it("steps by component: Guest Configuration's installs under guest-configuration, the agent's under azure-monitor-agent, none under machine-extensions", () => {
    const md = renderMarkdown(p);
    const row = (id: string) => md.split("\n").find((l) => l.startsWith(`| \`${id}\`: `)) ?? "";
    // One install per machine the component installs on.
    expect(row("guest-configuration")).toContain(`| ${components.guestConfiguration!["gc-install"]} install-extension |`);
    const amaInstalls = p.machines.filter((m) => ["ama-install", "ama-migrate"].includes(m.decision)).length;
    expect(row("azure-monitor-agent")).toContain(`${amaInstalls} install-extension`);
    expect(row("machine-extensions")).not.toContain("install-extension");
    // What is left to the step family: the system-assigned identities the agent and Guest Configuration share.
    expect(row("machine-extensions")).toMatch(/\| \d+ enable-identity \|$/);
    // A subscription's row still counts all its installs, whatever component they serve.
    const installs = p.steps.filter((s) => s.action === "install-extension" && s.target.includes("11111111-1111-1111-1111-111111111111")).length;
    expect(md).toContain(`<code>11111111-1111-1111-1111-111111111111</code>: ${installs} install-extension`);
  });

  it("a plan read back from its file renders the same counts", () => {
    const read = parsePlan(renderJson(p)).plan;
    expect(renderMarkdown(read)).toBe(renderMarkdown(p));
    expect(renderText(read)).toBe(renderText(p));
  });

  it("golden files", () => {
    golden("spec-defender.plan.txt", renderText(p));
    golden("spec-defender.plan.md", renderMarkdown(p));
  });
});

function golden(name: string, actual: string): void {
  const file = join(root, "test/golden", name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, "utf8"));
}
