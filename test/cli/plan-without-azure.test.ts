/**
 * `plan --inventory` plans from a file without loading the Azure SDK or the emulator: the CLI
 * loads the adapter only for commands (and options) that talk to ARM. Run from the build, in a
 * child process, so that Node's own module cache is what is looked at.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "../..");

test("plan --inventory loads no @azure package, no emulator and no SQLite", () => {
  const script = `
    require(${JSON.stringify(join(root, "dist/src/cli/main.js"))})
      .main(["plan", "--spec", "examples/spec.yaml", "--inventory", "examples/inventory.json", "--format", "json", "--quiet"], { stdout: () => {}, stderr: () => {} })
      .then((code) => process.stdout.write(JSON.stringify({ code, loaded: Object.keys(require.cache) })));`;
  const { code, loaded } = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" })) as { code: number; loaded: string[] };
  expect(code).toBe(2);
  expect(loaded.filter((m) => /node_modules[\\/](@azure|better-sqlite3)[\\/]|dist[\\/]src[\\/]emulator[\\/]index\.js$/.test(m))).toEqual([]);
  // It did plan: the core and the capabilities were loaded.
  expect(loaded.some((m) => m.endsWith(join("dist", "src", "capabilities", "index.js")))).toBe(true);
});
