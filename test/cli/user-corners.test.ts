/**
 * Issue 18, "smaller ones a user hit": each corner as a user met it, through the CLI's main.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import { regionIssues } from "../../src/core";

const root = join(__dirname, "../..");
const inventory = join(root, "examples", "inventory.json");
const SUB = "11111111-1111-1111-1111-111111111111";
const dir = mkdtempSync(join(tmpdir(), "cli-corners-"));

async function run(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

function specFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const plan = (spec: string) => run("plan", "--spec", spec, "--inventory", inventory);

describe("small corners a user hit", () => {
  it("a region name is checked: malformed or a near miss of a known region is refused", async () => {
    const r = await plan(specFile("mars.yaml", `subscriptions: [${SUB}]\nextensions: { identityLocation: mars-north-9 }\n`));
    expect([r.code, r.err]).toEqual([1, 'asc-autoprovision: invalid spec:\n  extensions.identityLocation: "mars-north-9": is not an Azure region name (lower-case letters and digits, e.g. "westeurope")\n']);
    expect(regionIssues("westeurop", "machineRegions[0]")).toEqual([{ path: "machineRegions[0]", message: '"westeurop" is not an Azure region: did you mean "westeurope"?' }]);
    expect(regionIssues("West Europe", "machineRegions[0]")).toEqual([]);
    expect(regionIssues("newzealandnorth", "machineRegions[0]")).toEqual([]); // a region newer than the list
  });

  it("a number too large for a double is shown as written, not as null", async () => {
    const r = await plan(specFile("big.yaml", `subscriptions: [${SUB}]\nlogAnalyticsAgent: { securityEvents: 1e400 }\n`));
    expect(r.err).toContain("logAnalyticsAgent.securityEvents: Infinity is not one of None, Minimal, Common, All");
  });

  it("an empty spec, a missing file and a directory are named as such", async () => {
    expect((await plan(specFile("empty.yaml", "\n"))).err).toBe(`asc-autoprovision: ${join(dir, "empty.yaml")} is empty\n`);
    expect((await plan(join(dir, "nope.yaml"))).err).toBe(`asc-autoprovision: cannot read ${join(dir, "nope.yaml")}: ENOENT (no such file)\n`);
    const r = await plan(dir);
    expect([r.code, r.err]).toEqual([1, `asc-autoprovision: cannot read ${dir}: EISDIR (a directory, not a file)\n`]);
  });

  it("deep nesting is refused with a message, not a stack overflow", async () => {
    const deep = await plan(specFile("deep.yaml", `subscriptions: [${SUB}]\nx: ${"[".repeat(5000)}${"]".repeat(5000)}\n`));
    expect([deep.code, deep.err]).toEqual([1, `asc-autoprovision: ${join(dir, "deep.yaml")} is nested too deeply to read (more than 64 levels)\n`]);
    const nested = await plan(specFile("nested.yaml", `subscriptions: [${SUB}]\nx: ${"{a: ".repeat(100)}1${"}".repeat(100)}\n`));
    expect(nested.err).toMatch(/is nested too deeply to read/);
  });

  it("machineRegions, amaPolicies or configureSecurityEvents in a spec say where they belong", async () => {
    const r = await plan(specFile("regions.yaml", `subscriptions: [${SUB}]\nmachineRegions: [westeurope]\n`));
    expect(r.err).toContain("machineRegions: is a Pulumi stack config key and a CDKTF prop, not a spec field: the CLI reads the machines' regions from the inventory (remove it from the spec)");
    // Each front-end key says what the CLI does instead (a trial read "reads it from the inventory" for amaPolicies, which the CLI never assigns).
    const ama = await plan(specFile("ama.yaml", `subscriptions: [${SUB}]\namaPolicies: {enabled: true}\nconfigureSecurityEvents: false\n`));
    expect([ama.code, ama.err]).toEqual([1, expect.stringContaining("amaPolicies: is a Pulumi stack config key and a CDKTF prop, not a spec field: the CLI assigns no Azure Monitor Agent policies")]);
    expect(ama.err).toContain("configureSecurityEvents: is a Pulumi stack config key and a CDKTF prop, not a spec field: the CLI keeps the workspace's rule at the spec's securityEvents tier: specs sharing one workspace must agree on it");
  });

  it("inventory --format json is accepted, and a stale emulator.json says the emulator is not running", async () => {
    const emulatorDir = join(dir, "emulator");
    mkdirSync(emulatorDir);
    writeFileSync(join(emulatorDir, "cert.pem"), "PEM");
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    writeFileSync(join(emulatorDir, "emulator.json"), JSON.stringify({ url: "https://localhost:18443", tenantId: "t", clientId: "c", caCertPath: join(emulatorDir, "cert.pem"), pid: dead }));
    const r = await run("inventory", "--format", "json", "--subscription", SUB, "--emulator-dir", emulatorDir, "--quiet");
    expect(r.code).toBe(1);
    expect(r.err).toContain(`the emulator at https://localhost:18443 is not running (${join(emulatorDir, "emulator.json")} is left from process ${dead})`);
    expect((await run("inventory", "--format", "yaml", "--subscription", SUB)).err).toBe('asc-autoprovision: --format: "yaml" is not one of json\n');
  });

  it("demo: --fleet takes a whole number, --seed 0 is a seed", async () => {
    expect((await run("demo", "--fleet", "2.5", "--quiet")).err).toBe('asc-autoprovision: --fleet: "2.5" is not a whole number >= 1\n');
    const r = await run("demo", "--fleet", "3", "--seed", "0", "--quiet", "--format", "json");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  }, 60_000);

  it("README and the examples point at no DESIGN.md (it is not in the repository)", () => {
    for (const f of ["README.md", "examples/pulumi/README.md", "examples/ci/README.md"]) expect([f, readFileSync(join(root, f), "utf8").includes("DESIGN.md")]).toEqual([f, false]);
  });
});
