/**
 * Start-up (issue 15 item 8): `--version` answers without loading the commands, and a plan from
 * JSON files never loads the YAML library. Run from the build, in child processes, so that Node's
 * own module cache is what is looked at.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { version } from "../../package.json";

const root = join(__dirname, "../..");
const bin = join(root, "bin/asc-autoprovision.js");

/** The modules a child loaded for `args` (after the CLI's main resolved). */
function loadedBy(args: readonly string[]): string[] {
  const script = `
    require(${JSON.stringify(join(root, "dist/src/cli/main.js"))})
      .main(${JSON.stringify(args)}, { stdout: () => {}, stderr: () => {} })
      .then(() => process.stdout.write(JSON.stringify(Object.keys(require.cache))));`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" })) as string[];
}

const yamlLibrary = (m: string) => /node_modules[\\/]yaml[\\/]/.test(m);

test.each([["--version"], ["-V"]])("%s prints the version without loading the CLI", (flag) => {
  // The launcher run as the bin is (its argv[2] is the flag); then what it loaded.
  const script = `process.argv.splice(1, 0, ${JSON.stringify(bin)}); require(${JSON.stringify(bin)}); process.on("exit", () => process.stderr.write(JSON.stringify(Object.keys(require.cache))));`;
  const r = spawnSync(process.execPath, ["-e", script, "--", flag], { cwd: root, encoding: "utf8" });
  expect(r.stdout).toBe(`${version}\n`);
  expect((JSON.parse(r.stderr) as string[]).filter((m) => m.includes(join("dist", "src")))).toEqual([]);
  expect(execFileSync(process.execPath, [bin, flag], { encoding: "utf8" })).toBe(`${version}\n`);
});

test("the launcher's --version prints what the CLI's does", () => {
  const script = `require(${JSON.stringify(join(root, "dist/src/cli/main.js"))}).main(["--version"], { stdout: (t) => process.stdout.write(t), stderr: () => {} });`;
  expect(execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" })).toBe(`${version}\n`);
});

test("a plan from a JSON spec and inventory, and plan --help, never load the YAML library", () => {
  const specJson = join(mkdtempSync(join(tmpdir(), "startup-")), "spec.json");
  writeFileSync(specJson, JSON.stringify(parse(readFileSync(join(root, "examples/spec.yaml"), "utf8"))));
  expect(loadedBy(["plan", "--help"]).filter(yamlLibrary)).toEqual([]);
  const loaded = loadedBy(["plan", "--spec", specJson, "--inventory", "examples/inventory.json", "--format", "json", "--quiet"]);
  expect(loaded.some((m) => m.endsWith(join("dist", "src", "capabilities", "index.js")))).toBe(true);
  expect(loaded.filter(yamlLibrary)).toEqual([]);
  // A YAML spec still loads it.
  expect(loadedBy(["plan", "--spec", "examples/spec.yaml", "--inventory", "examples/inventory.json", "--format", "json", "--quiet"]).some(yamlLibrary)).toBe(true);
});

test("a plan loads only its own command's module, and --help still lists every command", () => {
  const loaded = loadedBy(["plan", "--spec", "examples/spec.yaml", "--inventory", "examples/inventory.json", "--format", "markdown", "--quiet"]);
  const commands = loaded.filter((m) => m.includes(join("dist", "src", "cli", "commands", ""))).map((m) => m.split(/[\\/]/).pop());
  expect(commands.sort()).toEqual(["index.js", "plan.js"]);
  // Nor what only other commands use: apply's execution, the coverage report, the emulator (but its endpoint constants, for --cloud).
  expect(loaded.filter((m) => /[\\/]dist[\\/]src[\\/](report[\\/]|emulator[\\/](?!constants\.js$))|[\\/]cli[\\/](savedPlan|resultJson|signals)\.js$/.test(m))).toEqual([]);
  const help = spawnSync(process.execPath, [bin, "--help"], { encoding: "utf8" }).stdout;
  for (const command of ["demo", "plan", "apply", "reconcile", "report", "inventory", "emulator", "schemas"]) expect(help).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  // An unknown command is still told apart from the known ones.
  expect(spawnSync(process.execPath, [bin, "plna"], { encoding: "utf8" }).stderr).toMatch(/Did you mean plan\?/);
});
