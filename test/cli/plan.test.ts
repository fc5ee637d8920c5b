import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import { loadInventoryFile } from "../../src/inventory/load";
import { plan } from "../../src/core";
import { simulate } from "../../src/core";
import { loadSpecFile } from "../../src/spec/load";

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
