/**
 * A directory a user names under /proc: Node's recursive mkdir retries ENOENT there forever (100 %
 * CPU); every such path is made one level at a time, so the refusal surfaces as an exit 1.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeDirs } from "../../src/spec";

const ROOT = join(__dirname, "../..");

/** The CLI from its sources in a child process: a spin would be killed by the guard, not hang jest. */
function cli(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(
    process.execPath,
    ["-r", join(ROOT, "test/emulator/fixtures/ts-register.js"), "-e", "require('./src/cli/main').main(process.argv.slice(1)).then((c) => process.exit(c))", ...args],
    { cwd: ROOT, encoding: "utf8", timeout: 60_000 },
  );
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("a user-given directory that cannot be made", () => {
  it("makeDirs makes the missing levels, and fails under /proc instead of looping", () => {
    const dir = mkdtempSync(join(tmpdir(), "makedirs-"));
    try {
      makeDirs(join(dir, "a", "b", "c"));
      expect(existsSync(join(dir, "a", "b", "c"))).toBe(true);
      makeDirs(join(dir, "a", "b")); // existing: nothing to do
      expect(() => makeDirs("/proc/asc-autoprovision-x/y")).toThrow(/ENOENT.*\/proc\/asc-autoprovision-x/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("schemas --out under /proc exits 1 naming the directory; a new nested --out is made", () => {
    const r = cli("schemas", "--out", "/proc/asc-autoprovision-schemas/x");
    expect(r.status).toBe(1);
    expect(r.output).toContain("/proc/asc-autoprovision-schemas");
    const dir = mkdtempSync(join(tmpdir(), "schemas-out-"));
    try {
      const ok = cli("schemas", "--out", join(dir, "new", "schemas"));
      expect(ok.status).toBe(0);
      expect(readdirSync(join(dir, "new", "schemas")).sort()).toEqual(["inventory.schema.json", "spec.schema.json"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("emulator start --record under /proc exits 1 naming the directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "record-"));
    try {
      const r = cli("emulator", "start", "--port", "0", "--state", join(dir, "state.sqlite"), "--record", "/proc/asc-autoprovision-record");
      expect(r.status).toBe(1);
      expect(r.output).toMatch(/emulator: cannot start: .*\/proc\/asc-autoprovision-record/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
