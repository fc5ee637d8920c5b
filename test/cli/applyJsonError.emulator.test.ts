/**
 * `apply --format json` when the lease is refused: a JSON object on stdout naming the error (as a
 * stale plan gives one), not an empty stdout a script cannot parse. Through the CLI's main, against
 * an in-process emulator whose lease this test holds.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emulatorConnection } from "../../src/azure/connection";
import { main } from "../../src/cli/main";
import { beginRound } from "../../src/cli/round";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { parseSpec } from "../../src/spec";

let emu: RunningEmulator;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "asc-apply-json-"));
  emu = await startEmulator({ statePath: join(dir, "emulator", "state.sqlite"), fleet: 6, seed: 7 });
});

afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("a refused lease gives {plan: null, result: null, error} on stdout and exit 1", async () => {
  const doc = { subscriptions: [...emu.subscriptionIds], logAnalyticsAgent: { autoProvision: true, agent: "mma", securityEvents: "Minimal" } };
  const specPath = join(dir, "spec.json");
  writeFileSync(specPath, JSON.stringify(doc));
  const state = join(dir, "state");
  const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  const held = await beginRound(conn, parseSpec(doc), "apply", { state });
  try {
    let out = "";
    let err = "";
    const argv = ["apply", "--spec", specPath, "--yes", "--state-dir", state, "--format", "json", "--quiet", "--cloud", "local", "--emulator-dir", join(dir, "emulator")];
    const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    expect(code).toBe(1);
    expect(err).toMatch(/is locked by apply \(pid \d+/);
    const json = JSON.parse(out) as { plan: unknown; result: unknown; error: string };
    expect(json).toEqual({ plan: null, result: null, error: expect.stringMatching(/is locked by apply \(pid \d+.*lease id [0-9a-f-]{36}/) });
    expect(err).toContain(json.error.split("\n")[0]);
  } finally {
    await held.end();
  }
});
