/**
 * `--out` files are written beside their path and renamed into place; a writer killed outright
 * leaves its hidden temporary file, which the next write to that path removes (not a live writer's).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomically } from "../../src/core/render/sink";

describe("writeFileAtomically", () => {
  it("removes what a killed writer left, keeps a live writer's file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sink-temps-"));
    const path = join(dir, "plan.json");
    // A process that has exited: its pid names no process (pids are not reused this fast).
    const gone = spawn(process.execPath, ["-e", ""]);
    const deadPid = await new Promise<number>((resolve) => gone.on("exit", () => resolve(gone.pid!)));
    const live = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      writeFileSync(join(dir, `.plan.json.${deadPid}.tmp`), "half a plan");
      writeFileSync(join(dir, `.plan.json.${live.pid}.tmp`), "being written");
      writeFileSync(join(dir, `.other.json.${deadPid}.tmp`), "another path's");
      await writeFileAtomically(path, ["{}", "\n"]);
      expect(readFileSync(path, "utf8")).toBe("{}\n");
      expect(readdirSync(dir).sort()).toEqual([`.other.json.${deadPid}.tmp`, `.plan.json.${live.pid}.tmp`, "plan.json"].sort());
      expect(existsSync(join(dir, `.plan.json.${deadPid}.tmp`))).toBe(false);
    } finally {
      live.kill();
    }
  });
});
