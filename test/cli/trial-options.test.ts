/**
 * CLI options a user's trial found unchecked (session 2026-12-07): each through the CLI's main.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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

describe("options checked before anything is read", () => {
  const dir = mkdtempSync(join(tmpdir(), "cli-trial-"));

  it("inventory --out into a missing directory fails before the fleet is read (was: a raw ENOENT after it)", async () => {
    // An emulator directory whose emulator is gone: reaching it would fail with another message.
    const emulatorDir = join(dir, "emulator");
    mkdirSync(emulatorDir);
    writeFileSync(join(emulatorDir, "emulator.json"), JSON.stringify({ url: "https://localhost:18443", tenantId: "t", clientId: "c", caCertPath: join(emulatorDir, "cert.pem"), pid: 2 ** 22 + 1 }));
    const out = join(dir, "missing", "inventory.json");
    const r = await run("inventory", "--spec", spec, "--out", out, "--cloud", "local", "--emulator-dir", emulatorDir, "--quiet");
    expect([r.code, r.out, r.err]).toEqual([1, "", `asc-autoprovision: --out ${out}: the directory ${join(dir, "missing")} does not exist\n`]);
  });

  it.each([
    [["--interval", "30"], "--interval"],
    [["--full-read-every", "5"], "--full-read-every"],
  ])("reconcile %j without --watch is refused, naming both options", async (extra, flag) => {
    const r = await run("reconcile", "--spec", spec, ...extra, "--cloud", "local", "--emulator-dir", join(dir, "none"));
    expect([r.code, r.out, r.err]).toEqual([1, "", `asc-autoprovision: ${flag} is for --watch: give --watch ${flag} ..., or leave ${flag} out for one round\n`]);
  });
});

describe("--state", () => {
  const shapes = "a directory, or an Azure Storage container URL (https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX] or http://HOST:PORT/ACCOUNT/CONTAINER[/PREFIX])";

  it.each([
    [["apply", "--yes"], "--state", ""],
    [["reconcile"], "--state", " "],
    [["apply", "--yes"], "--state-dir", ""],
  ])("%j %s %j (a pipeline variable not set) is refused with exit 1, naming the option, and nothing is written (was: the working directory)", async (command, flag, value) => {
    const cwd = mkdtempSync(join(tmpdir(), "cli-state-"));
    const was = process.cwd();
    process.chdir(cwd);
    try {
      const r = await run(...command, "--spec", spec, flag, value, "--cloud", "local", "--emulator-dir", join(cwd, "none"));
      expect([r.code, r.out, r.err]).toEqual([1, "", `asc-autoprovision: ${flag} ${JSON.stringify(value)}: empty (an unset variable?): give ${shapes}\n`]);
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      process.chdir(was);
    }
  });

  it("a URL that names no container is refused before the cloud is reached", async () => {
    const r = await run("apply", "--spec", spec, "--state", "https://acct.blob.core.windows.net/", "--cloud", "local", "--emulator-dir", join(tmpdir(), "no-such-emulator-dir"));
    expect([r.code, r.out]).toEqual([1, ""]);
    expect(r.err).toBe(`asc-autoprovision: --state "https://acct.blob.core.windows.net/": expected https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX] or http://HOST:PORT/ACCOUNT/CONTAINER[/PREFIX]\n`);
  });
});

describe("examples/pulumi/README.md", () => {
  it("says the reconciliation's apply journals as the CLI does (test/pulumi/agentReconciliation.host.test.ts checks the file)", () => {
    const text = readFileSync(join(root, "examples", "pulumi", "README.md"), "utf8");
    expect(text).not.toMatch(/keeps no journal/);
    expect(text).toContain("`.asc-autoprovision/journal/`");
  });
});
