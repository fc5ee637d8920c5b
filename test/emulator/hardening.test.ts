/**
 * Issue 18's emulator defects, as an operator or an attacker meets them: secrets on disk are
 * private, the admin API needs the per-start token, a clock advance cannot break the clock, a
 * catastrophic regular expression cannot stall other clients, an oversized body gets a 413, and an
 * unusable state path fails before anything is written.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { LogsQueryClient } from "@azure/monitor-query-logs";
import { adminRequest, readAdminToken, startEmulator, type RunningEmulator } from "../../src/emulator";
import { armToken, errorOf, raw, withEmulator } from "./helpers";

const ROOT = resolve(__dirname, "../..");
const mode = (path: string): number => statSync(path).mode & 0o777;

describe("secrets on disk and the admin API", () => {
  let dir: string;
  let emu: RunningEmulator;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "emu-hard-"));
    emu = await startEmulator({ statePath: join(dir, "state.sqlite"), fleet: 20, seed: 3 });
  });
  afterAll(async () => {
    await emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the state file (workspace keys, token-signing key) is 0600 like the key PEM, and so are its WAL and the admin token", async () => {
    await emu.admin("GET", "/admin/health");
    expect(mode(join(dir, "emulator-key.pem"))).toBe(0o600);
    for (const f of readdirSync(dir).filter((n) => n.startsWith("state.sqlite"))) expect([f, mode(join(dir, f))]).toEqual([f, 0o600]);
    expect(mode(emu.adminTokenPath)).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, "emulator.json"), "utf8"))).toMatchObject({ adminTokenPath: emu.adminTokenPath });
    expect(readFileSync(join(dir, "emulator.json"), "utf8")).not.toContain(emu.adminToken);
  });

  test("a state file left world-readable by an older version is made 0600 at start", async () => {
    const other = mkdtempSync(join(tmpdir(), "emu-hard-old-"));
    try {
      const first = await startEmulator({ statePath: join(other, "state.sqlite") });
      await first.stop();
      const { chmodSync } = await import("node:fs");
      chmodSync(join(other, "state.sqlite"), 0o644);
      const again = await startEmulator({ statePath: join(other, "state.sqlite") });
      await again.stop();
      expect(mode(join(other, "state.sqlite"))).toBe(0o600);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  test("the admin API refuses a request without the per-start token, and a wrong one, with 401", async () => {
    const none = await raw(emu, "GET", "/admin/counters");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("AdminAuthenticationFailed");
    expect(none.body.error.message).toContain(emu.adminTokenPath);
    const wrong = await raw(emu, "GET", "/admin/extension-puts", { token: "x".repeat(43) });
    expect(wrong.status).toBe(401);
    const arm = await raw(emu, "POST", "/admin/clock", { token: await armToken(emu), body: { advanceSeconds: 60 } });
    expect(arm.status).toBe(401);
    const right = await raw(emu, "GET", "/admin/counters", { token: emu.adminToken });
    expect(right.status).toBe(200);
  });

  test("adminRequest finds the token next to emulator.json, as the CLI and other processes do", async () => {
    expect(readAdminToken(dir)).toBe(emu.adminToken);
    expect(readAdminToken(join(dir, "emulator.json"))).toBe(emu.adminToken);
    const r = await adminRequest<{ status: string }>(emu.url, emu.caCert, "GET", "/admin/health", undefined, readAdminToken(dir));
    expect(r).toEqual({ status: 200, body: { status: "ok" } });
  });

  test("a restart issues a new token: the old one is refused", async () => {
    const other = mkdtempSync(join(tmpdir(), "emu-hard-restart-"));
    try {
      const first = await startEmulator({ statePath: join(other, "state.sqlite") });
      const oldToken = first.adminToken;
      await first.stop();
      const again = await startEmulator({ statePath: join(other, "state.sqlite") });
      try {
        expect(again.adminToken).not.toBe(oldToken);
        expect((await raw(again, "GET", "/admin/info", { token: oldToken })).status).toBe(401);
        expect((await raw(again, "GET", "/admin/info", { token: readAdminToken(other) })).status).toBe(200);
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  test("POST /admin/clock {advanceSeconds: 1e15} is refused with a clear 400, and every later request still works", async () => {
    const r = await raw(emu, "POST", "/admin/clock", { token: emu.adminToken, body: { advanceSeconds: 1e15 } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("InvalidRequestContent");
    expect(r.body.error.message).toMatch(/advanceSeconds.*9999-12-31/);
    const clock = await emu.admin<{ now: string }>("GET", "/admin/clock");
    expect(Date.parse(clock.now)).toBeLessThan(Date.now() + 86_400_000);
    const sub = await raw(emu, "GET", `/subscriptions/${emu.subscriptionIds[0]}?api-version=2022-12-01`, { token: await armToken(emu) });
    expect(sub.status).toBe(200);
    // The largest advance that keeps the clock a valid timestamp is still accepted.
    const ok = await raw(emu, "POST", "/admin/clock", { token: emu.adminToken, body: { advanceSeconds: 3600 } });
    expect(ok.status).toBe(200);
  });
});

describe("query budget and request size", () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await withEmulator({ fleet: 30, seed: 5, queryBudgetMs: 300 });
  });
  afterAll(async () => emu?.stop());

  /** (x+)+$ against a long run of x's followed by a character it cannot match: exponential backtracking. */
  const CATASTROPHIC = "'^([a-z0-9-]+)+$'";
  const LONG_NAME = "strcat(name, name, name, name, name, '!')";

  test("a catastrophic regular expression in a Resource Graph query answers an ARM error within the budget, and other clients are served", async () => {
    const graph = new ResourceGraphClient(emu.credential(), { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
    const started = Date.now();
    const slow = errorOf(graph.resources({ query: `resources | extend s = ${LONG_NAME} | where s matches regex ${CATASTROPHIC} | project id`, subscriptions: emu.subscriptionIds }));
    const other = graph.resources({ query: "resources | project id | take 1", subscriptions: emu.subscriptionIds });
    const err = await slow;
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe("BadRequest");
    expect(err.message).toContain("budget");
    expect((await other).count).toBe(1);
    // Not a figure to assert on: only that the call came back at all (before the fix it never did).
    expect(Date.now() - started).toBeGreaterThan(0);
    const extract = await errorOf(graph.resources({ query: `resources | extend s = extract(${CATASTROPHIC}, 1, ${LONG_NAME}) | project id, s`, subscriptions: emu.subscriptionIds }));
    expect(extract.statusCode).toBe(400);
  });

  test("the same budget holds for the Log Analytics query API", async () => {
    const ws = emu.fleet!.workspaces[0]!;
    const logs = new LogsQueryClient(emu.credential(), { ...emu.logsClientOptions(), retryOptions: { maxRetries: 0 } });
    const err = await errorOf(
      logs.queryWorkspace(ws.customerId, `Heartbeat | extend s = strcat(Computer, Computer, Computer, Computer, Computer, '!') | where s matches regex ${CATASTROPHIC}`, { duration: "P1D" }),
    );
    expect(err.statusCode).toBe(400);
    expect(err.message).toContain("budget");
  });

  test("a body over the documented limit answers 413 with an ARM error instead of resetting the connection", async () => {
    const token = await armToken(emu);
    const big = JSON.stringify({ location: "eastus", tags: { blob: "x".repeat(17 * 1024 * 1024) } });
    const r = await raw(emu, "PUT", `/subscriptions/${emu.subscriptionIds[0]}/resourcegroups/rg-big?api-version=2021-04-01`, { token, body: big });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("RequestEntityTooLarge");
    expect(r.headers["x-ms-request-id"]).toBeTruthy();
    const after = await raw(emu, "GET", `/subscriptions/${emu.subscriptionIds[0]}?api-version=2022-12-01`, { token });
    expect(after.status).toBe(200);
  });
});

describe("emulator start with an unusable state path", () => {
  function start(state: string): { status: number | null; output: string } {
    const r = spawnSync(
      process.execPath,
      ["-r", join(ROOT, "test/emulator/fixtures/ts-register.js"), join(ROOT, "test/emulator/fixtures/emulator-cli.ts"), "emulator", "start", "--port", "0", "--state", state],
      { cwd: ROOT, encoding: "utf8", timeout: 60_000 },
    );
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }

  test("--state /dev/full fails before writing anything (no certificate in /dev)", () => {
    const before = existsSync("/dev/emulator-cert.pem");
    const r = start("/dev/full");
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/\/dev\/full.*not a regular file/);
    if (!before) expect(existsSync("/dev/emulator-cert.pem")).toBe(false);
    expect(existsSync("/dev/emulator.json")).toBe(false);
  });

  test("a directory given as the state file, or a state file in an unwritable place, fails with nothing written", () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-hard-state-"));
    try {
      mkdirSync(join(dir, "state.sqlite"));
      const r = start(join(dir, "state.sqlite"));
      expect(r.status).toBe(1);
      expect(r.output).toMatch(/state\.sqlite.*not a regular file/);
      expect(readdirSync(dir)).toEqual(["state.sqlite"]);
      const proc = start("/proc/asc-emulator/state.sqlite");
      expect(proc.status).toBe(1);
      expect(proc.output).toContain("/proc/asc-emulator");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
