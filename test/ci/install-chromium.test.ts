/**
 * scripts/install-chromium.sh, which .ci/run and the HTML report test use: it prints the binary when
 * Chromium is there, and without root or password-less sudo it fails with the command to run
 * instead of prompting or half-installing.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";

const SCRIPT = join(__dirname, "../../scripts/install-chromium.sh");

/**
 * The script as user nobody (setpriv drops root), with PATH's sudo left as it is. Run from a copy
 * every user can read: the checkout may sit in a directory only root enters (mktemp -d is 0700).
 */
function asNobody() {
  // /tmp itself: the tests' own TMPDIR (test/setup) is a 0700 directory too.
  const dir = mkdtempSync("/tmp/asc-chromium-script-");
  try {
    chmodSync(dir, 0o755);
    const script = join(dir, "install-chromium.sh");
    copyFileSync(SCRIPT, script);
    chmodSync(script, 0o755);
    return spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "bash", script], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent" } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("scripts/install-chromium.sh", () => {
  const canDropRoot = process.getuid?.() === 0 && spawnSync("setpriv", ["--version"]).status === 0;

  (canDropRoot ? it : it.skip)("as a user who is not root and has no sudo: Chromium's path when present, else exit 1 with the hint", () => {
    const r = asNobody();
    if (existsSync("/usr/bin/chromium")) {
      expect([r.status, r.stdout]).toEqual([0, "/usr/bin/chromium\n"]);
    } else {
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("installing it needs root (not root, no password-less sudo)");
      expect(r.stderr).toContain("apt-get install -y --no-install-recommends chromium");
    }
  });
});
