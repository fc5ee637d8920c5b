/**
 * Leases for management-group scope: a run scoped to a group leases each subscription the group
 * resolves to, so it and a run scoped to a subscription under the group exclude each other (the
 * second is refused naming the holder, and nothing is written twice); a plan that reaches a
 * subscription placed under the group after the lease was taken is not applied.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emulatorConnection, type AzureConnection } from "../../src/azure/connection";
import { LeaseRefusedError, ScopeError, type ApplyResult } from "../../src/azure";
import { applyRound, beginRound, planRound, type RoundOptions } from "../../src/cli/round";
import { createProgress } from "../../src/cli/progress";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { parseSpec, type Spec } from "../../src/spec";

let emu: RunningEmulator;
let conn: AzureConnection;
let subs: string[];
let state: string;

const quiet = createProgress(() => undefined, { quiet: true });
const EXEC: Omit<RoundOptions, "state"> = { delegateAbove: 0, concurrency: 16, writesPerSecond: 1000, writeBurst: 1000, giveUpAfterSeconds: 300, pollIntervalMs: 10 };
const LA = { autoProvision: true, agent: "mma", securityEvents: "Minimal" } as const;

beforeAll(async () => {
  emu = await startEmulator({ fleet: 12, seed: 5 });
  conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  subs = [...emu.subscriptionIds].map((s) => s.toLowerCase()).sort();
  await emu.admin("POST", "/admin/management-groups", { groups: [{ name: "contoso", subscriptions: [subs[0], subs[1]] }] });
  state = mkdtempSync(join(tmpdir(), "asc-scope-lease-"));
});

afterAll(async () => {
  await emu?.stop();
  rmSync(state, { recursive: true, force: true });
});

/** One apply as the CLI runs it: lease, plan, apply, release. */
async function apply(spec: Spec, command: string): Promise<ApplyResult> {
  const run = await beginRound(conn, spec, command, { state });
  try {
    return await applyRound(conn, run, await planRound(conn, spec, quiet), quiet, { ...EXEC, state });
  } finally {
    await run.end();
  }
}

const writes = async (): Promise<number> => (await emu.admin<{ byClass: Record<string, number> }>("GET", "/admin/counters")).byClass["write"] ?? 0;

describe("leases under management-group scope", () => {
  test("a run scoped to a group and one scoped to a subscription under it, at once: one applies, the other is refused naming the holder, nothing written twice", async () => {
    const group = parseSpec({ managementGroups: ["contoso"], logAnalyticsAgent: LA });
    const single = parseSpec({ subscriptions: [subs[1]], logAnalyticsAgent: LA });
    await emu.admin("POST", "/admin/counters/reset");
    const [a, b] = await Promise.allSettled([apply(group, "apply-group"), apply(single, "apply-subscription")]);
    const done = [a, b].filter((r): r is PromiseFulfilledResult<ApplyResult> => r.status === "fulfilled");
    const refused = [a, b].filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect([done.length, refused.length]).toEqual([1, 1]);
    const err = refused[0]!.reason as LeaseRefusedError;
    expect(err).toBeInstanceOf(LeaseRefusedError);
    const winner = a.status === "fulfilled" ? "apply-group" : "apply-subscription";
    expect(err.leaseName).toMatch(new RegExp(`^subscription-${subs[1]}-`));
    expect(err.message).toContain(`is locked by ${winner} (pid ${process.pid}`);
    // Every ARM write the emulator saw was the winner's: none was sent by both runs.
    expect(done[0]!.value.counts.failed).toBe(0);
    expect(done[0]!.value.writes).toBeGreaterThan(0);
    expect(await writes()).toBe(done[0]!.value.writes);
  });

  test("run one after the other, both succeed: the leases were released", async () => {
    const single = parseSpec({ subscriptions: [subs[1]], logAnalyticsAgent: LA });
    await expect(apply(single, "apply-subscription")).resolves.toMatchObject({ counts: expect.objectContaining({ failed: 0 }) });
    await expect(apply(parseSpec({ managementGroups: ["contoso"], logAnalyticsAgent: LA }), "apply-group")).resolves.toMatchObject({ counts: expect.objectContaining({ failed: 0 }) });
  });

  test("a subscription placed under the group after the lease was taken: the plan that reaches it is not applied", async () => {
    const group = parseSpec({ managementGroups: ["contoso"], logAnalyticsAgent: LA });
    const run = await beginRound(conn, group, "apply-group", { state });
    try {
      expect(run.subscriptions).toEqual([subs[0], subs[1]]);
      await emu.admin("POST", "/admin/management-groups", { groups: [{ name: "contoso", subscriptions: [subs[2]] }] });
      const planned = await planRound(conn, group, quiet);
      await emu.admin("POST", "/admin/counters/reset");
      await expect(applyRound(conn, run, planned, quiet, { ...EXEC, state })).rejects.toThrow(new ScopeError(`the scope grew after this run took its lease (now also ${subs[2]}): nothing was applied; run again`));
      expect(await writes()).toBe(0);
    } finally {
      await run.end();
    }
  });
});
