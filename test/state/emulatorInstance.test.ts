/**
 * An apply killed before its emulator restarted on another port found no journal (user trial 16):
 * journals and leases were named after the emulator's URL, port included. They are named after the
 * emulator's certificate, kept with its state, so a restart on any port finds them again, and two
 * emulators (two states) never share one.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beginRun } from "../../src/azure";
import { emulatorConnection } from "../../src/azure/connection";
import { startEmulator } from "../../src/emulator";
import type { Step } from "../../src/core";

jest.setTimeout(120_000);

/** What the journal reads of a step (its id, and the action, target and details it fingerprints). */
const step = (sub: string) => {
  const target = `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-1`;
  return { id: `install-extension:${target}`, action: "install-extension", target, details: {} } as Pick<Step, "id" | "action" | "target" | "details"> as Step;
};

describe("journals and leases of an emulator's fleet", () => {
  it("are found again after the emulator restarts on another port, and are not another emulator's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "asc-instance-"));
    const statePath = join(dir, "emulator", "state.sqlite");
    const runState = join(dir, "runs");
    let emu = await startEmulator({ statePath, seed: 5 });
    const sub = emu.subscriptionIds[0]!;
    const firstUrl = emu.url;
    const first = await beginRun({ state: runState, subscriptions: [sub], instance: emulatorConnection(emu).instance, command: "apply" });
    // A run that started a step and was cut off: its journal has a line and no completion.
    await first.journal.record(step(sub), "start");
    await first.end();
    await emu.stop();

    emu = await startEmulator({ statePath, seed: 5 });
    try {
      expect(emu.url).not.toBe(firstUrl);
      const again = await beginRun({ state: runState, subscriptions: [sub], instance: emulatorConnection(emu).instance, command: "apply" });
      try {
        expect(again.journal.earlierRun).toMatchObject({ done: 0, failed: 0, unconfirmed: 1 });
      } finally {
        await again.end();
      }
    } finally {
      await emu.stop();
    }

    // Another emulator (another state, another certificate): the same subscription is another fleet.
    const other = await startEmulator({ statePath: join(dir, "other", "state.sqlite"), seed: 5 });
    try {
      expect(other.subscriptionIds).toContain(sub);
      const run = await beginRun({ state: runState, subscriptions: [sub], instance: emulatorConnection(other).instance, command: "apply" });
      try {
        expect(run.journal.earlierRun).toBeUndefined();
      } finally {
        await run.end();
      }
    } finally {
      await other.stop();
    }
  });
});
