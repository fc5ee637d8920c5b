/**
 * Issue 18, "Interruption", the waits that are not retries, each with the whole CLI in its own
 * process against the emulator: SIGINT while long-running operations are polled (extensions that
 * provision for 10 minutes) and while a remediation task is followed (`--delegate-above`) ends the
 * apply at once, exit 1, its journal naming the steps it stopped in; `reconcile --watch` outlives
 * the emulator being down for 12 s (stopped, then started again on the same port and state): the
 * failed round is logged, the next waits longer, and a later round converges.
 */
import { join } from "node:path";
import { ComputeManagementClient } from "@azure/arm-compute";
import { readInventory } from "../../src/azure/inventory";
import { plan } from "../../src/core";
import { loadSpecFile } from "../../src/spec/load";
import { applyArgs, jsonLines, liveJournal, restartEmulator, runCli, startLab, until, type CliRun, type ExtensionPut, type Lab } from "./helpers";

jest.setTimeout(300_000);

/** Longer than the test's timeout: an apply that waits for it never exits in time. */
const TEN_MINUTES = 600_000;

interface ApplyJson {
  result: { aborted: string | null; counts: Record<string, number> };
}

/** Every CLI started here: one a failed expectation left running is killed, so jest can exit. */
const started: CliRun[] = [];
function cli(lab: Lab, args: string[]): CliRun {
  const run = runCli(lab, args);
  started.push(run);
  return run;
}
afterEach(() => {
  for (const run of started.splice(0)) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill("SIGKILL");
});

function sentSteps(stateDir: string): string[] {
  try {
    return liveJournal(stateDir)
      .filter((l) => l.event === "sent")
      .map((l) => String(l.step));
  } catch {
    return [];
  }
}

describe("SIGINT while long-running operations are polled", () => {
  let lab: Lab;
  beforeAll(async () => {
    // Converged first (its workspaces made at once), then machines to install on, then every
    // long-running operation takes 10 minutes: the apply below only installs and polls.
    lab = await startLab(20, {}, 81);
    const converge = cli(lab, applyArgs(lab));
    expect(await converge.exit).toBe(0);
    const sub = lab.emu.subscriptionIds[0];
    for (const kind of ["vm", "arc"]) {
      for (let i = 0; i < 3; i++) {
        await lab.emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: "rg-slow", name: `${kind}-slow-${i}`, location: "eastus", osType: "Windows", kind });
      }
    }
    await restartEmulator(lab, { lroDelayMs: TEN_MINUTES });
    await lab.emu.admin("DELETE", "/admin/extension-puts");
  });
  afterAll(() => lab?.emu.stop());

  it("exits at once with 1; the journal names the steps in flight; their operations still run", async () => {
    const stateDir = join(lab.dir, "state-lro");
    const apply = cli(lab, ["apply", "--spec", lab.specPath, "--yes", "--state", stateDir, "--format", "json", "--quiet"]);
    // Extension installs on VMs and Arc machines accepted: from now on the apply only polls.
    const accepted = async () => (await lab.emu.admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts")).value.filter((p) => p.source === "arm");
    await until(async () => {
      const puts = await accepted();
      return puts.some((p) => /\/virtualmachines\//i.test(p.machineId)) && puts.some((p) => /\/microsoft\.hybridcompute\//i.test(p.machineId));
    }, "VM and Arc extension PUTs accepted");
    apply.child.kill("SIGINT");
    const code = await apply.exit;
    const out = JSON.parse(apply.stdout()) as ApplyJson;
    const last = liveJournal(stateDir).pop()!;
    console.log(`SIGINT while polling: exit ${code}, ${JSON.stringify(out.result.counts)}, ${(last.inFlight as string[]).length} in flight`);
    expect(code).toBe(1);
    expect(out.result.aborted).toBe("interrupted by SIGINT");
    expect(last).toMatchObject({ event: "stopped", reason: "interrupted by SIGINT" });
    const inFlight = last.inFlight as string[];
    expect(inFlight.some((s) => /virtualmachines\/.*\/extensions\//i.test(s))).toBe(true);
    expect(inFlight.some((s) => /hybridcompute\/machines\/.*\/extensions\//i.test(s))).toBe(true);
    // The apply did not wait the operations out: the one it was polling still provisions.
    const vmPut = (await accepted()).find((p) => /\/virtualmachines\//i.test(p.machineId))!;
    const [, , sub, , rg, , , , vm] = vmPut.machineId.split("/");
    const ext = await new ComputeManagementClient(lab.emu.credential(), sub!, lab.emu.clientOptions()).virtualMachineExtensions.get(rg!, vm!, vmPut.name);
    expect(ext.provisioningState).toBe("Creating");
  });
});

describe("SIGINT while a remediation task is followed", () => {
  let lab: Lab;
  beforeAll(async () => {
    // One deployment per 10 minutes: the remediation task runs for as long as the test allows.
    lab = await startLab(40, {}, 82, { remediationDeploymentMs: TEN_MINUTES });
  });
  afterAll(() => lab?.emu.stop());

  it("exits at once with 1; the journal names the remediation it stopped following", async () => {
    const stateDir = join(lab.dir, "state-remediation");
    const apply = cli(lab, ["apply", "--spec", lab.specPath, "--yes", "--state", stateDir, "--format", "json", "--quiet", "--delegate-above", "1"]);
    const runningTasks = async () => (await lab.emu.admin<{ value: { provisioningState: string | null }[] }>("GET", "/admin/remediations")).value.filter((r) => r.provisioningState === "Running");
    await until(async () => (await runningTasks()).length > 0 || apply.child.exitCode !== null, "a remediation task running");
    apply.child.kill("SIGINT");
    const code = await apply.exit;
    const out = JSON.parse(apply.stdout()) as ApplyJson;
    const last = liveJournal(stateDir).pop()!;
    console.log(`SIGINT while following a remediation: exit ${code}, ${JSON.stringify(out.result.counts)}, in flight ${JSON.stringify(last.inFlight)}`);
    expect(code).toBe(1);
    expect(out.result.aborted).toBe("interrupted by SIGINT");
    expect(last).toMatchObject({ event: "stopped", reason: "interrupted by SIGINT" });
    expect((last.inFlight as string[]).some((s) => s.startsWith("create-remediation"))).toBe(true);
    // Journaled as sent (a resumed apply follows it instead of creating it again) and still running.
    expect(sentSteps(stateDir).some((s) => s.startsWith("create-remediation"))).toBe(true);
    expect((await runningTasks()).length).toBeGreaterThan(0);
  });
});

describe("SIGINT while the remediations' deployments are read, ARM throttling that read for 2 minutes", () => {
  let lab: Lab;
  beforeAll(async () => {
    // Every deployment list is answered 429 with Retry-After 120: only the stop can end the wait.
    lab = await startLab(40, {}, 82, { faults: { scripted: [{ pathContains: "/listDeployments", status: 429, count: 10_000, retryAfterSeconds: 120 }] } });
  });
  afterAll(() => lab?.emu.stop());

  it("exits at once with 1; the installs whose deployments were not read are reported skipped", async () => {
    const stateDir = join(lab.dir, "state-outcomes");
    const apply = cli(lab, ["apply", "--spec", lab.specPath, "--yes", "--state", stateDir, "--format", "json", "--quiet", "--delegate-above", "1", "--max-writes-per-second", "500"]);
    const throttled = async () => Number((await lab.emu.admin<{ byStatus: Record<string, number> }>("GET", "/admin/counters")).byStatus["429"] ?? 0);
    // Every step has run; the apply waits out a Retry-After of the first deployment list.
    await until(async () => (await throttled()) > 0 || apply.child.exitCode !== null, "a throttled deployment list", 2400);
    apply.child.kill("SIGINT");
    const code = await apply.exit;
    const out = JSON.parse(apply.stdout()) as ApplyJson & { result: { delegated: { done: number; failed: number; skipped: number } } };
    console.log(`SIGINT while reading the remediations' deployments: exit ${code}, ${JSON.stringify(out.result.counts)}, delegated ${JSON.stringify(out.result.delegated)}`);
    expect(code).toBe(1);
    expect(out.result.aborted).toBe("interrupted by SIGINT");
    // Every step of the plan ran before the stop; what the remediations did for each machine is unknown.
    expect(out.result.counts).toMatchObject({ failed: 0, skipped: 0 });
    expect(out.result.delegated).toMatchObject({ done: 0, failed: 0 });
    expect(out.result.delegated.skipped).toBeGreaterThan(0);
    expect(await throttled()).toBe(1);
    // Nothing is left to resume (the journal was completed): the advice says so, not "run apply again".
    expect(apply.stderr()).toContain("Every step had been sent and the journal is complete: there is nothing to resume");
    expect(apply.stderr()).not.toContain("run apply again");
  });
});

describe("reconcile --watch while the emulator is down for 12 s", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(20, {}, 83);
  });
  afterAll(() => lab?.emu.stop());

  it("logs the failed round, waits longer, and converges once the emulator is back", async () => {
    const watch = cli(lab, ["reconcile", "--spec", lab.specPath, "--watch", "--interval", "1", "--full-read-every", "1", "--state", join(lab.dir, "state-watch"), "--format", "json", "--quiet", "--max-writes-per-second", "500"]);
    const rounds = () => jsonLines<{ round: number; error?: string; nextRoundInSeconds?: number; plan?: { steps: number } }>(watch.stdout());
    try {
      await until(() => rounds().some((r) => !r.error && r.plan?.steps === 0), "a converged round", 2400);
      // Down 12 s, and on until the watch has logged a failed round: a round that starts late in
      // the outage can ride it out on its retries, which would leave nothing to check.
      await restartEmulator(lab, {}, async () => {
        await new Promise((r) => setTimeout(r, 12_000));
        await until(() => rounds().some((r) => r.error), "a failed round logged", 1200);
      });
      // Work for the watch: a machine created after the outage.
      await lab.emu.admin("POST", "/admin/machines", { subscriptionId: lab.emu.subscriptionIds[0], resourceGroup: "rg-after-outage", name: "vm-after-outage", location: "eastus", osType: "Windows" });
      const failedAt = () => rounds().findIndex((r) => r.error);
      await until(() => failedAt() >= 0 && rounds().slice(failedAt()).some((r) => !r.error && r.plan?.steps === 0), "a failed round, then a converged one", 2400);
    } finally {
      watch.child.kill("SIGINT");
      await watch.exit;
    }
    const all = rounds();
    console.log(`watch through a 12 s outage: ${all.map((r) => (r.error ? `round ${r.round} failed (next in ${r.nextRoundInSeconds} s)` : `round ${r.round} ${r.plan?.steps} step(s)`)).join(", ")}`);
    const failed = all.filter((r) => r.error);
    expect(failed[0]!.error).toMatch(/ECONNREFUSED|connect|socket|unavailable/i);
    // Backs off: each failed round in a row waits longer than the interval, doubling.
    expect(failed[0]!.nextRoundInSeconds).toBeGreaterThanOrEqual(1);
    if (failed.length > 1) expect(failed[1]!.nextRoundInSeconds).toBeGreaterThan(failed[0]!.nextRoundInSeconds!);
    const spec = loadSpecFile(lab.specPath);
    expect(plan(spec, await readInventory(lab.conn, spec.subscriptions)).steps).toEqual([]);
  });
});
