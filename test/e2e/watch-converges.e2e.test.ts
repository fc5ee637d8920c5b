/**
 * Does the watch converge (issue 15 item 5)? A change round reads only what `resourcechanges`
 * shows changed; if it missed a change a full read sees, a watch reporting "nothing to do" would
 * leave drift in place. On a small emulator fleet, rounds of random changes of each kind a change
 * round handles (machines created and deleted, extensions removed by hand, machines stopped and
 * started), each round applied as the watch applies it: every change round's plan must equal a
 * fresh full read's of the same state, and every step must succeed. (Policy and role assignments
 * are read whole every round, so they are not a change round's concern.) Before change rounds
 * compared the machines not running with the last round's, a machine started was planned
 * skip-not-eligible until the next full read.
 */
import { ArmRest } from "../../src/azure/rest";
import { applyPlan, readInventory } from "../../src/azure";
import { noteRoundWrites, planWatchRound, watchReader } from "../../src/cli/round";
import { createProgress } from "../../src/cli/progress";
import { plan, type Plan } from "../../src/core";
import { loadSpecFile } from "../../src/spec/load";
import { startLab, type Lab } from "./helpers";

jest.setTimeout(600_000);

const COMPUTE = "2026-04-01"; // arm-compute's, as the product sends: the contract check matches the SDK's operations by api-version
const HYBRID = "2021-05-20"; // arm-hybridcompute's
const APPLY = { concurrency: 32, writes: { capacity: 100_000, refillPerSecond: 100_000 }, pollIntervalMs: 5 } as const;

const quiet = createProgress(() => undefined, { quiet: true });

/** A seeded generator: the same changes on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a plan decides, in a form two plans compare by: steps (action and target) and each machine's decision. */
const decided = (p: Plan) => ({
  steps: p.steps.map((s) => `${s.action} ${s.target.toLowerCase()}`).sort(),
  machines: p.machines.map((m) => `${m.id.toLowerCase()} ${m.decision}`).sort(),
});

describe("a watch's change rounds plan as a full read does", () => {
  let lab: Lab;
  beforeAll(async () => {
    // The bench's spec (the Azure Monitor Agent, today's default). Defender's own deployments are
    // left out (a day away): their timing would make the rounds' changes differ run to run.
    lab = await startLab(240, { logAnalyticsAgent: { autoProvision: true, securityEvents: "Common" } }, 13, { defenderDelayMs: 86_400_000 });
  });
  afterAll(() => lab?.emu.stop());

  it("after rounds of random changes of each kind, every change round's plan equals a full read's", async () => {
    const spec = loadSpecFile(lab.specPath);
    const rest = new ArmRest(lab.conn);
    const reader = watchReader(lab.conn, spec, quiet, 1000);
    const next = random(13);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    /**
     * One watch round: read (full the first time, changes after) and plan; a full read of the same
     * state planned beside it (before the round's apply changes the state); then the round's apply.
     */
    const round = async () => {
      const r = await planWatchRound(lab.conn, reader, spec);
      const planned = reader.last!.plan;
      const full = plan(spec, await readInventory(lab.conn, spec.subscriptions));
      const result = await applyPlan(lab.conn, r.plan, { ...APPLY, inventory: r.inventory });
      noteRoundWrites(reader, result);
      const failed = result.results.filter((x) => x.status === "failed").map((x) => `${x.step.action} ${x.step.target}: ${x.error}`);
      return { read: r.read, planned, full, failed };
    };
    const differences = (a: Plan, b: Plan): string[] => {
      const [x, y] = [decided(a), decided(b)];
      const only = (p: string[], q: string[]) => p.filter((e) => !q.includes(e));
      return [...only(x.steps, y.steps).map((e) => `round only: ${e}`), ...only(y.steps, x.steps).map((e) => `full read only: ${e}`), ...only(x.machines, y.machines).map((e) => `round decides: ${e}`), ...only(y.machines, x.machines).map((e) => `full read decides: ${e}`)];
    };

    const first = await round();
    expect(first.read.mode).toBe("full");
    expect(first.planned.steps.length).toBeGreaterThan(0);
    expect(differences(first.planned, first.full)).toEqual([]);
    const done: Record<string, number> = {};
    const mismatches: string[] = [];
    for (let n = 1; n <= 8; n++) {
      const inv = await readInventory(lab.conn, spec.subscriptions);
      const vms = inv.machines.filter((m) => m.kind === "vm");
      const withExtensions = inv.machines.filter((m) => (m.extensions ?? []).length > 0 && m.kind !== "vmss");
      const kinds: Record<string, () => Promise<unknown>> = {
        "new machine": () =>
          lab.emu.admin("POST", "/admin/machines", { subscriptionId: pick(lab.emu.subscriptionIds), resourceGroup: "rg-watch", name: `vm-watch-${n}-${Math.floor(next() * 1e6)}`, location: "westeurope", osType: next() < 0.5 ? "Windows" : "Linux" }),
        "machine deleted": () => rest.delete(pick(vms).id, COMPUTE),
        "extension removed by hand": async () => {
          const m = pick(withExtensions);
          const ext = pick(m.extensions!);
          await rest.delete(`${m.id}/extensions/${ext.name}`, m.kind === "arc" ? HYBRID : COMPUTE);
        },
        "machine stopped": () => lab.emu.admin("PATCH", `/admin/guest?id=${encodeURIComponent(pick(vms.filter((m) => m.powerState === "running")).id)}`, { powerState: "deallocated" }),
        "machine started": () => {
          const stopped = vms.filter((m) => m.powerState !== "running");
          return stopped.length ? lab.emu.admin("PATCH", `/admin/guest?id=${encodeURIComponent(pick(stopped).id)}`, { powerState: "running" }) : Promise.resolve();
        },
      };
      // Each kind at least once over the rounds, then a few more at random.
      const names = Object.keys(kinds);
      const todo = [names[(n - 1) % names.length]!, pick(names), pick(names)];
      for (const k of todo) {
        await kinds[k]!();
        done[k] = (done[k] ?? 0) + 1;
      }
      const r = await round();
      expect(r.read.mode).toBe("changes");
      for (const f of r.failed) mismatches.push(`round ${n + 1}: failed: ${f}`);
      for (const d of differences(r.planned, r.full)) mismatches.push(`round ${n + 1} (after ${todo.join(", ")}): ${d}`);
    }
    console.log(`changes made: ${JSON.stringify(done)}; mismatches:\n${mismatches.join("\n")}`);
    expect(mismatches).toEqual([]);
  });
});
