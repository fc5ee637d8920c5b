/**
 * User trial 16: what a state directory holds across starts. One emulator serves a directory at a
 * time (a second start is refused and changes nothing; once the first stops, a start takes it
 * over); the clock's offset is state (stored times were taken on it); every subscription the
 * emulator holds is in emulator.json, management-group seeding's included.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, StateDirectoryInUse, type RunningEmulator } from "../../src/emulator";
import { armToken, raw } from "./helpers";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "emu-restart-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(p: Promise<RunningEmulator>): Promise<Error> {
  try {
    const emu = await p;
    await emu.stop();
  } catch (err) {
    return err as Error;
  }
  throw new Error("the second start was accepted");
}

const info = () => JSON.parse(readFileSync(join(dir, "emulator.json"), "utf8")) as { pid: number; url: string; subscriptionIds: string[] };

test("a second start on a directory a running emulator serves is refused, naming it, and changes nothing; after a stop it starts", async () => {
  const first = await startEmulator({ statePath: join(dir, "state.sqlite") });
  try {
    const json = readFileSync(join(dir, "emulator.json"), "utf8");
    // The same state file, and another state file in the same directory (emulator.json and the token are the directory's).
    for (const statePath of [join(dir, "state.sqlite"), join(dir, "other.sqlite")]) {
      const err = await refusal(startEmulator({ statePath }));
      expect(err).toBeInstanceOf(StateDirectoryInUse);
      expect(err.message).toContain(`in use by the emulator process ${process.pid} at ${first.url}`);
      expect(err.message).toContain(`kill ${process.pid}`);
    }
    expect(readFileSync(join(dir, "emulator.json"), "utf8")).toBe(json);
    expect(readFileSync(first.adminTokenPath, "utf8").trim()).toBe(first.adminToken);
    expect((await raw(first, "GET", "/admin/health", { token: first.adminToken })).status).toBe(200);
  } finally {
    await first.stop();
  }
  const again = await startEmulator({ statePath: join(dir, "state.sqlite") });
  try {
    expect(info().url).toBe(again.url);
    expect((await raw(again, "GET", "/admin/health", { token: again.adminToken })).status).toBe(200);
  } finally {
    await again.stop();
  }
});

test("the clock's offset, and a freeze, survive a restart: it never goes back behind the times it stored", async () => {
  const statePath = join(dir, "state.sqlite");
  const first = await startEmulator({ statePath });
  const advanced = await first.admin<{ now: string; offsetMs: number }>("POST", "/admin/clock", { advanceSeconds: 700 });
  expect(advanced.offsetMs).toBeGreaterThanOrEqual(700_000);
  await first.stop();

  const second = await startEmulator({ statePath });
  const after = await second.admin<{ now: string; offsetMs: number; frozen: boolean }>("GET", "/admin/clock");
  expect(after.frozen).toBe(false);
  expect(after.offsetMs).toBeGreaterThanOrEqual(700_000);
  expect(Date.parse(after.now)).toBeGreaterThanOrEqual(Date.parse(advanced.now));
  const frozen = await second.admin<{ now: string }>("POST", "/admin/clock", { freeze: true, advanceSeconds: 60 });
  await second.stop();

  const third = await startEmulator({ statePath });
  try {
    expect(await third.admin("GET", "/admin/clock")).toMatchObject({ now: frozen.now, frozen: true });
  } finally {
    await third.stop();
  }
});

test("emulator.json and the running emulator list every subscription, the hub a management group's newSubscriptions made included", async () => {
  const emu = await startEmulator({
    statePath: join(dir, "state.sqlite"),
    managementGroups: [{ name: "alz" }, { name: "alz-management", parent: "alz", newSubscriptions: 1 }],
  });
  try {
    const held = (await raw(emu, "GET", "/subscriptions?api-version=2022-12-01", { token: await armToken(emu) })).body as { value: { subscriptionId: string }[] };
    const all = held.value.map((s) => s.subscriptionId).sort();
    expect(all).toHaveLength(4);
    expect([...emu.subscriptionIds].sort()).toEqual(all);
    expect([...info().subscriptionIds].sort()).toEqual(all);
    expect((await emu.admin<{ subscriptionIds: string[] }>("GET", "/admin/info")).subscriptionIds.sort()).toEqual(all);
    // The seed's three first, as before: tests and the fleet index them.
    expect(emu.subscriptionIds.slice(0, 3)).toEqual(info().subscriptionIds.slice(0, 3));
  } finally {
    await emu.stop();
  }
});
