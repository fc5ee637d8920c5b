/**
 * scripts/install-chromium.sh, which .ci/run and the HTML report test use: it prints the binary when
 * Chromium is there, and without root or password-less sudo it fails with the command to run
 * instead of prompting or half-installing.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const SCRIPT = join(__dirname, "../../scripts/install-chromium.sh");

/** The script as user nobody (setpriv drops root), with PATH's sudo left as it is. */
function asNobody() {
  return spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "bash", SCRIPT], { encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent" } });
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
