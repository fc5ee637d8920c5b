/**
 * The markdown plan is a pull-request comment: at most 65,536 characters (GitHub's limit) by
 * default, whatever the fleet, and still useful at a million machines.
 */
import fc from "fast-check";
import { componentCounts, GITHUB_COMMENT_LIMIT, MIN_MARKDOWN_CHARS, renderMarkdown, type ScopeSummary } from "../../src/core";
import { bigPlan, DECISIONS } from "../helpers/bigPlan";
import { loadInventoryFile } from "../../src/inventory/load";
import { loadSpecFile } from "../../src/spec/load";
import { plan } from "../../src/core";
import { join } from "node:path";

describe("markdown within GitHub's comment limit", () => {
  it("a million machines: at most 65,536 characters, with what a reviewer needs", () => {
    const p = bigPlan(1_000_000);
    const installs = p.summary.decisions.install!;
    const firstSub = "aaaaaaaa-0000-4000-8000-000000000000";
    const installsInFirst = p.machines.filter((m) => m.decision === "install" && m.id.includes(firstSub)).length;
    const md = renderMarkdown(p, undefined, { planUrl: "https://github.com/o/r/actions/runs/1/artifacts/2" });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.startsWith(`<!-- asc-autoprovision-plan -->\n### asc-autoprovision plan: ${installs} machines to change across 3 subscriptions`)).toBe(true);
    expect(md).toContain("**Full plan:** [plan JSON](https://github.com/o/r/actions/runs/1/artifacts/2)");
    // 427 identical Operations Manager 2012 findings: one line, with a count and examples.
    expect(md.match(/scom-2012-agent/g)).toHaveLength(1);
    expect(md).toMatch(/`scom-2012-agent` × 427 \(m0000000, m0002347, m0004694, …\): An Operations Manager 2012 agent is installed/);
    // Every decision, every subscription and every component, with counts.
    for (const d of DECISIONS) expect(md).toContain(`| \`${d}\` | ${(p.summary.decisions as Record<string, number>)[d]} |`);
    expect(md).toContain(`| \`${firstSub}\` | 333334 | ${installsInFirst} |`);
    expect(md).toContain(`| ${installs} | ${installs} | ${installs} install-extension |`);
    // The steps on no machine (here the pricing) come before the many per-machine ones.
    expect(md.indexOf("`set-pricing`")).toBeLessThan(md.indexOf("`install-extension` | m"));
    expect(md).toMatch(/more step\(s\) in this subscription/);
    expect(md).toMatch(/_Shortened to fit 65,536 characters: every machine and step is in the \[full plan\]\(https:/);
  });

  it("ten thousand subscriptions: the biggest first, the rest counted", () => {
    const p = bigPlan(200_000, 10_000);
    const md = renderMarkdown(p);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toMatch(/\| … and \d+ more subscription\(s\) \|/);
  });

  it("--max-chars: any budget from the minimum up is held, for any plan size", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: MIN_MARKDOWN_CHARS, max: 70_000 }), (n, subs, max) => {
        const md = renderMarkdown(bigPlan(n, subs), undefined, { maxChars: max });
        expect(md.length).toBeLessThanOrEqual(max);
        expect(md.startsWith("<!-- asc-autoprovision-plan -->\n### asc-autoprovision plan:")).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("a small plan is shown whole, without the shortening note", () => {
    const root = join(__dirname, "../..");
    const md = renderMarkdown(plan(loadSpecFile(join(root, "examples/spec.yaml")), loadInventoryFile(join(root, "examples/inventory.json"))));
    expect(md).not.toContain("Shortened");
    expect(md).toContain("<details><summary>Machines (15)</summary>");
  });

  /** What breaks, at this budget, the rules below (none when it holds): plain checks, so every budget can be tried. */
  function silentlyLeftOut(p: ReturnType<typeof plan>, max: number, scope?: ScopeSummary): string[] {
    const md = renderMarkdown(p, undefined, { maxChars: max, scope });
    const problems: string[] = [];
    if (scope && !md.split("\n").slice(0, 8).some((l) => l.startsWith("**Scope:** "))) problems.push(`${max}: no scope line near the top`);
    if (md.length > max) problems.push(`${max}: ${md.length} characters`);
    const lines = md.split("\n");
    lines.forEach((line, i) => {
      // A heading always has something under it; a table's head always a row (maybe "… and N more").
      if (line.startsWith("#### ") && /^(#|$)/.test(lines[i + 2] ?? "")) problems.push(`${max}: empty section ${line}`);
      if (/^\|-/.test(line) && !/^\| /.test(lines[i + 1] ?? "")) problems.push(`${max}: empty table under ${lines[i - 1]}`);
      // A table ends with a blank line: a text line right under it is read as one more row.
      if (/^\|/.test(line) && /^[^|]/.test(lines[i + 1] ?? "")) problems.push(`${max}: "${lines[i + 1]}" runs into the table`);
    });
    if (md.includes("#### Steps by subscription")) {
      // Every subscription with steps is shown or counted.
      const shown = (md.match(/<summary><code>/g) ?? []).length;
      const counted = Number(/_… and (\d+) more subscription\(s\) with/.exec(md)?.[1] ?? 0);
      const withSteps = new Set(p.steps.map((s) => /^\/subscriptions\/([^/]+)/i.exec(s.target)?.[1])).size;
      if (shown + counted !== withSteps) problems.push(`${max}: ${shown} subscriptions shown + ${counted} counted of ${withSteps}`);
    }
    const componentsAt = lines.indexOf("#### Components by decision");
    if (componentsAt >= 0) {
      // Every component with decisions is shown or counted.
      const end = lines.findIndex((l, i) => i >= componentsAt + 4 && !l.startsWith("| "));
      const rows = lines.slice(componentsAt + 4, end < 0 ? lines.length : end);
      const counted = Number(/^\| … and (\d+) more component\(s\)/.exec(rows[rows.length - 1] ?? "")?.[1] ?? 0);
      const shown = rows.length - (counted ? 1 : 0);
      if (shown + counted !== componentCounts(p.summary).length) problems.push(`${max}: ${shown} components shown + ${counted} counted of ${componentCounts(p.summary).length}`);
    }
    return problems;
  }

  it("--max-chars: nothing left out silently, at every budget, for the example plan (with components)", () => {
    const root = join(__dirname, "../..");
    const withComponents = plan(loadSpecFile(join(root, "examples/spec.yaml")), loadInventoryFile(join(root, "examples/inventory.json")));
    // Every budget, not a sample: a table head written without room for its row showed at 1 budget in 40 (4,273 did).
    const problems: string[] = [];
    for (let max = MIN_MARKDOWN_CHARS; max <= 12_000; max++) problems.push(...silentlyLeftOut(withComponents, max));
    expect(problems).toEqual([]);
  });

  it("--max-chars: nothing left out silently, at every budget, for the Defender example (each component's decisions)", () => {
    const root = join(__dirname, "../..");
    const withDefender = plan(loadSpecFile(join(__dirname, "fixtures/spec-defender.yaml")), loadInventoryFile(join(root, "examples/inventory.json")));
    expect(componentCounts(withDefender.summary).length).toBeGreaterThan(4);
    const problems: string[] = [];
    let shown = 0;
    for (let max = MIN_MARKDOWN_CHARS; max <= 12_000; max++) {
      problems.push(...silentlyLeftOut(withDefender, max));
      if (renderMarkdown(withDefender, undefined, { maxChars: max }).includes("#### Components by decision")) shown++;
    }
    expect(problems).toEqual([]);
    // The section is there at most budgets (cut, like the others, at the smallest).
    expect(shown).toBeGreaterThan(10_000);
  });

  it("--max-chars: the scope line near the top at every budget, the longest one too (many groups with long names, every kind of exclusion)", () => {
    const root = join(__dirname, "../..");
    const p = plan(loadSpecFile(join(root, "examples/spec.yaml")), loadInventoryFile(join(root, "examples/inventory.json")));
    const long = (i: number) => `${"g".repeat(85)}${i}`;
    const scope: ScopeSummary = {
      managementGroups: [1, 2, 3, 4, 5].map((i) => ({ name: long(i), subscriptions: 1000 + i })),
      listed: 12,
      subscriptions: 4999,
      excluded: { subscriptions: [1, 2, 3, 4].map((i) => `${i}`.repeat(8) + "-1111-1111-1111-111111111111"), resourceGroups: [1, 2, 3, 4].map(long), machineTags: [1, 2, 3, 4].map((i) => `${long(i)}=${long(i)}`) },
    };
    const problems: string[] = [];
    for (let max = MIN_MARKDOWN_CHARS; max <= 12_000; max++) problems.push(...silentlyLeftOut(p, max, scope));
    expect(problems).toEqual([]);
  });

  it("--max-chars: nothing left out silently, however small the budget, for any plan size", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: MIN_MARKDOWN_CHARS, max: 12_000 }), (n, subs, max) =>
        expect(silentlyLeftOut(bigPlan(n, subs), max)).toEqual([]),
      ),
      { numRuns: 80 },
    );
  });

  it("refuses a budget below what the headline needs", () => {
    expect(() => renderMarkdown(bigPlan(10), undefined, { maxChars: 100 })).toThrow(/maxChars must be a whole number >= 1024/);
  });
});
