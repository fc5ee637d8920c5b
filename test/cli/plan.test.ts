import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import { loadInventoryFile } from "../../src/inventory/load";
import { parsePlan, plan } from "../../src/core";
import { simulate } from "../../src/core";
import { loadSpecFile } from "../../src/spec/load";
import { encodePlan } from "../../src/core/planfile/encode";

// The real encoder, counted: `--format json --out F` encodes the plan once.
jest.mock("../../src/core/planfile/encode", () => {
  const actual = jest.requireActual<typeof import("../../src/core/planfile/encode")>("../../src/core/planfile/encode");
  return { ...actual, encodePlan: jest.fn(actual.encodePlan) };
});

const root = join(__dirname, "../..");
const ex = (f: string) => join(root, "examples", f);

async function run(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe("asc-autoprovision plan", () => {
  const dir = mkdtempSync(join(tmpdir(), "cli-"));

  it("exits 2 when changes are pending and prints the plan", async () => {
    const r = await run("plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"));
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^Plan: 15 machine\(s\) in 2 subscription\(s\); 7 to change/);
    expect(r.err).toBe("");
  });

  it("exits 0 when the fleet matches the spec", async () => {
    const spec = loadSpecFile(ex("spec.yaml"));
    const inv = loadInventoryFile(ex("inventory.json"));
    const converged = join(dir, "converged.json");
    writeFileSync(converged, JSON.stringify(simulate(plan(spec, inv), inv)));
    const r = await run("plan", "--spec", ex("spec.yaml"), "--inventory", converged, "--format", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).steps).toEqual([]);
  });

  it("--out writes the JSON plan beside the chosen format", async () => {
    const out = join(dir, "plan.json");
    const r = await run("plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--format", "markdown", "--out", out);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^<!-- asc-autoprovision-plan -->/);
    expect(JSON.parse(readFileSync(out, "utf8")).version).toBe(2);
  });

  it("--format json with --out writes the same text to both, encoding the plan once", async () => {
    const out = join(dir, "both.json");
    const encode = jest.mocked(encodePlan);
    encode.mockClear();
    const r = await run("plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--format", "json", "--out", out);
    expect(r.code).toBe(2);
    expect(r.out).toBe(readFileSync(out, "utf8"));
    expect(parsePlan(r.out).plan.steps.length).toBeGreaterThan(0);
    expect(encode).toHaveBeenCalledTimes(1);
  });

  it("apply --plan refuses a plan whose basis an older version wrote (its fingerprints were made another way), saying to plan again", async () => {
    const out = join(dir, "old-basis.json");
    expect((await run("plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--format", "markdown", "--out", out)).code).toBe(2);
    const file = JSON.parse(readFileSync(out, "utf8")) as { meta: { basis: { version: number } } };
    expect(file.meta.basis.version).toBe(3);
    file.meta.basis.version = 2;
    writeFileSync(out, JSON.stringify(file));
    const r = await run("apply", "--plan", out, "--yes");
    expect(r.code).toBe(1);
    expect(r.err).toBe(`asc-autoprovision: --plan ${out}: its basis is version 2 and this asc-autoprovision reads versions 1 and 3: make it again with \`plan --out\`\n`);
  });

  it("exits 1 on a bad spec, naming the field and the allowed values, without a stack trace", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "subscriptions: [11111111-1111-1111-1111-111111111111]\nlogAnalyticsAgent:\n  securityEvents: Most\n");
    const r = await run("plan", "--spec", bad, "--inventory", ex("inventory.json"));
    expect(r.code).toBe(1);
    expect(r.err).toBe('asc-autoprovision: invalid spec:\n  logAnalyticsAgent.securityEvents: "Most" is not one of None, Minimal, Common, All\n');
    expect(r.out).toBe("");
  });

  it("exits 1 on an unknown --format, naming the allowed values", async () => {
    const r = await run("plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--format", "yaml");
    expect(r.code).toBe(1);
    expect(r.err).toBe('asc-autoprovision: --format: "yaml" is not one of text, json, ndjson, markdown\n');
  });

  it("exits 1 on a YAML syntax error with the file and line", async () => {
    const bad = join(dir, "broken.yaml");
    writeFileSync(bad, "subscriptions: [\n  - a\n");
    const r = await run("plan", "--spec", bad, "--inventory", ex("inventory.json"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.yaml:\d+:\d+ is not valid YAML/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("has --help", async () => {
    const r = await run("plan", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: asc-autoprovision plan \[options\]/);
    expect(r.out).toMatch(/--format <format>\s+output format: text, json, ndjson, markdown/);
  });

  it("an unknown command exits 1", async () => {
    const r = await run("plna");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unknown command 'plna'/);
  });
});

describe("plan's output at any size (issue 15) and the ways it fails (issue 18)", () => {
  const dir = mkdtempSync(join(tmpdir(), "cli-out-"));

  it("--format ndjson: one record per line, the plan read back exactly", async () => {
    const r = await run("plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--format", "ndjson");
    expect(r.code).toBe(2);
    const records = r.out.trimEnd().split("\n").map((l) => JSON.parse(l) as { record: string });
    expect(records[0]).toMatchObject({ record: "plan", version: 2, machineCount: 15 });
    expect(records.filter((x) => x.record === "machine")).toHaveLength(15);
    expect(parsePlan(r.out).plan).toEqual(plan(loadSpecFile(ex("spec.yaml")), loadInventoryFile(ex("inventory.json"))));
  });

  it("--fail-on error exits 1 on a plan with an error finding; without it, 2 as before", async () => {
    // examples/inventory.json has an Operations Manager 2012 machine: an error finding.
    const plain = await run("plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--quiet");
    expect(plain.code).toBe(2);
    const failing = await run("plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--fail-on", "error");
    expect(failing.code).toBe(1);
    expect(failing.err).toBe("asc-autoprovision: --fail-on error: 1 finding(s) (scom-2012-agent)\n");
    const warning = await run("plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--fail-on", "warning");
    expect(warning.code).toBe(1);
    const bad = await run("plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--fail-on", "info");
    expect(bad.err).toBe('asc-autoprovision: --fail-on: "info" is not one of error, warning\n');
  });

  it("a subscription the spec names and the inventory lacks is an error naming it, not 'no changes'", async () => {
    const typo = join(dir, "typo.yaml");
    writeFileSync(typo, "subscriptions: [11111111-1111-1111-1111-111111111112]\nlogAnalyticsAgent: { autoProvision: true }\n");
    const out = join(dir, "typo-plan.json");
    const r = await run("plan", "--spec", typo, "--inventory", ex("inventory.json"), "--out", out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Subscription 11111111-1111-1111-1111-111111111112 is in the spec but not in the inventory/);
    expect(existsSync(out)).toBe(false);
  });

  it("a workspace id the inventory lacks (a typo) refuses the plan: exit 1 with or without steps, no --out written", async () => {
    const central = readFileSync(ex("spec-central.yaml"), "utf8");
    const typo = join(dir, "workspace-typo.yaml");
    writeFileSync(typo, central.replace("workspaces/ops-central", "workspaces/ops-centrel"));
    const out = join(dir, "refused-plan.json");
    for (const format of ["text", "json", "markdown"]) {
      const r = await run("plan", "--spec", typo, "--inventory", ex("inventory.json"), "--format", format, "--out", out);
      expect({ format, code: r.code }).toEqual({ format, code: 1 });
      expect(r.err).toContain("the plan is refused:\n  The workspace /subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/ops-centrel is not in the inventory");
      expect(r.err).toContain(`--out ${out} not written`);
      expect(existsSync(out)).toBe(false);
    }
    // The spec as written plans the same fleet, saved.
    const fine = await run("plan", "--spec", ex("spec-central.yaml"), "--inventory", ex("inventory.json"), "--out", out, "--quiet");
    expect(fine.code).toBe(2);
    expect(existsSync(out)).toBe(true);
  });

  it("--out naming a directory or a missing directory is refused before planning, nothing written", async () => {
    const r = await run("plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--out", dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`asc-autoprovision: --out ${dir}: is a directory (give a file name)\n`);
    expect(r.out).toBe("");
    const missing = await run("plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--out", join(dir, "no", "plan.json"));
    expect(missing.err).toMatch(/--out .*plan\.json: the directory .* does not exist/);
  });

  it("--max-chars bounds the markdown and is checked", async () => {
    const r = await run("plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--format", "markdown", "--max-chars", "2000", "--plan-url", "https://example.invalid/plan");
    expect(r.out.length).toBeLessThanOrEqual(2000);
    expect(r.out).toContain("[plan JSON](https://example.invalid/plan)");
    const bad = await run("plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--format", "markdown", "--max-chars", "12.5");
    expect(bad.err).toBe('asc-autoprovision: --max-chars: "12.5" is not a whole number >= 1024\n');
  });

  it("piped into `head`, it stops quietly: no EPIPE stack trace, exit 0", () => {
    // Enough machines for an output larger than a pipe's buffer.
    const machines = Array.from({ length: 3000 }, (_, i) => ({
      id: `/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-${i}`,
      kind: "vm",
      osType: "Windows",
      location: "westeurope",
      powerState: "running",
      vmAgent: true,
    }));
    const inv = join(dir, "big.json");
    writeFileSync(inv, JSON.stringify({ version: 1, subscriptions: [{ id: "11111111-1111-1111-1111-111111111111", onboardedAt: "2020-01-01" }], machines }));
    const bin = join(root, "bin/asc-autoprovision.js");
    const r = spawnSync("bash", ["-c", `node "${bin}" plan --spec "${ex("spec.yaml")}" --inventory "${inv}" | head -1; echo "exit=\${PIPESTATUS[0]}" >&2`], { encoding: "utf8" });
    expect(r.stdout).toMatch(/^Plan: /);
    expect(r.stderr).toBe("exit=0\n");
  });
});
