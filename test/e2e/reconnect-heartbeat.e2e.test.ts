/**
 * User trial 16, defect 3: after an apply reconnected the machines of a subscription onboarded
 * before 2019-03-17 to the central workspace, the next plan put them in the Dependency agent
 * assignments' notScopes (their old workspace's last heartbeat read as a directly installed agent)
 * and a plan 10 minutes later took them out again. Plans after the reconnect have nothing to do,
 * on either side of the freshness window, nor has a watch's round, full reads and change rounds
 * alike, and a real multi-homed agent stays left out throughout.
 */
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { readInventory } from "../../src/azure/inventory";
import { HEARTBEAT_FRESH_MS, HEARTBEAT_SPREAD_MS } from "../../src/azure/read/heartbeat";
import { plan } from "../../src/core";
import type { Inventory, InventoryMachine } from "../../src/inventory";
import { loadSpecFile } from "../../src/spec/load";
import { applyArgs, jsonLines, runCli, startLab, until, type Lab } from "./helpers";

jest.setTimeout(300_000);

const subscriptionOf = (id: string) => id.split("/")[2]!.toLowerCase();
const headline = (text: string) => text.split("\n").find((l) => l.startsWith("Plan: ")) ?? "";
const directOf = (inv: Inventory, id: string) => inv.machines.find((m) => m.id === id)!.agents?.find((a) => a.kind === "direct");
/** Every machine the VM Dependency agent assignments leave out, lower-case. */
const dependencyNotScopes = (inv: Inventory) =>
  new Set(inv.policyAssignments.filter((a) => /dependency/i.test(a.name ?? "")).flatMap((a) => a.notScopes ?? []).map((s) => s.toLowerCase()));

describe("plan, apply (reconnect), plan: nothing to do, before and after the freshness window", () => {
  let lab: Lab;
  let legacy = "";
  let reconnected: string[] = [];
  let multihomed: InventoryMachine;
  let elsewhere = "";

  beforeAll(async () => {
    lab = await startLab(150, {}, 5);
    const inv = await readInventory(lab.conn, lab.emu.subscriptionIds);
    legacy = inv.subscriptions.find((s) => (s.onboardedAt ?? "") < "2019-03-17")!.id.toLowerCase();
    const central = inv.workspaces.find((w) => !w.createdBySecurityCenter && /\/law-ops-/i.test(w.id))!;
    elsewhere = inv.workspaces.find((w) => !w.createdBySecurityCenter && /\/law-apps-/i.test(w.id))!.customerId;
    const defaults = new Set(inv.workspaces.filter((w) => w.createdBySecurityCenter).map((w) => w.customerId.toLowerCase()));
    // A Windows VM of the legacy subscription whose extension reports to a default workspace gets a
    // directly installed agent too (multi-homed, reporting to another workspace): the seed leaves
    // it out of the Dependency agent's remediation, before and after its extension moves.
    multihomed = inv.machines.find(
      (m) =>
        subscriptionOf(m.id) === legacy &&
        m.kind === "vm" &&
        m.osType === "Windows" &&
        m.extensions?.some((e) => /MicrosoftMonitoringAgent/i.test(e.type) && defaults.has((e.workspaceCustomerId ?? "").toLowerCase())),
    )!;
    expect(multihomed).toBeDefined();
    await lab.emu.admin("PATCH", `/admin/guest?id=${encodeURIComponent(multihomed.id)}`, { directAgent: { workspaceCustomerIds: [elsewhere] } });
    writeFileSync(
      lab.specPath,
      stringify({
        subscriptions: lab.emu.subscriptionIds,
        logAnalyticsAgent: { autoProvision: true, agent: "mma", workspace: { id: central.id }, securityEvents: "Common", reconfigureExisting: true },
        extensions: { dependencyAgent: { windows: true, linux: true } },
      }),
    );
    const before = plan(loadSpecFile(lab.specPath), await readInventory(lab.conn, lab.emu.subscriptionIds));
    reconnected = before.machines.filter((m) => m.decision === "reconnect" && subscriptionOf(m.id) === legacy).map((m) => m.id);
  });
  afterAll(() => lab?.emu.stop());

  it("reconnects the legacy subscription's machines; the multi-homed one keeps its direct agent", async () => {
    expect(reconnected.length).toBeGreaterThan(3);
    expect(reconnected).toContain(multihomed.id);
    const apply = runCli(lab, applyArgs(lab));
    expect(await apply.exit).toBe(0);
  });

  const planAfter = async (seconds: number) => {
    await lab.emu.admin("POST", "/admin/clock", { advanceSeconds: seconds });
    const run = runCli(lab, ["plan", "--spec", lab.specPath]);
    const code = await run.exit;
    return { code, out: run.stdout(), inv: await readInventory(lab.conn, lab.emu.subscriptionIds) };
  };

  const expectSettled = (p: { code: number | null; out: string; inv: Inventory }) => {
    expect([p.code, headline(p.out)]).toEqual([0, expect.stringMatching(/; 0 to change, 0 step\(s\)\.$/)]);
    // The old workspace's last heartbeat is no agent; the multi-homed machine's other workspace still is.
    expect(reconnected.filter((id) => id !== multihomed.id).filter((id) => directOf(p.inv, id))).toEqual([]);
    expect(directOf(p.inv, multihomed.id)).toEqual({ kind: "direct", workspaceCustomerIds: [elsewhere] });
    const left = dependencyNotScopes(p.inv);
    expect(left.has(multihomed.id.toLowerCase())).toBe(true);
    expect(reconnected.filter((id) => id !== multihomed.id && left.has(id.toLowerCase()))).toEqual([]);
  };

  it("a plan once the spread (HEARTBEAT_SPREAD_MS: two intervals and ingestion time) has passed after the reconnect has nothing to do", async () => {
    expectSettled(await planAfter(HEARTBEAT_SPREAD_MS / 1000 + 1));
  });

  it("nor does a watch's round, across the freshness window (full reads every other round)", async () => {
    const watch = runCli(lab, ["reconcile", "--spec", lab.specPath, "--watch", "--interval", "1", "--full-read-every", "2", "--format", "json", "--state-dir", lab.stateDir]);
    const rounds = () => jsonLines<{ round: number; error?: string; plan?: { steps: number }; steps?: { action: string; target: string }[] }>(watch.stdout());
    try {
      await until(() => rounds().length >= 3, "three rounds");
      await lab.emu.admin("POST", "/admin/clock", { advanceSeconds: HEARTBEAT_FRESH_MS / 1000 + 60 });
      const seen = rounds().length;
      await until(() => rounds().length >= seen + 4, "four rounds after the clock moved");
    } finally {
      watch.child.kill("SIGTERM");
    }
    await watch.exit;
    const all = rounds();
    expect(all.filter((r) => r.error || (r.plan?.steps ?? 0) > 0).map((r) => ({ round: r.round, error: r.error, steps: r.steps?.map((s) => `${s.action} ${s.target}`) }))).toEqual([]);
    expect(all.length).toBeGreaterThanOrEqual(7);
  });

  it("nor does a plan after the freshness window has passed", async () => {
    expectSettled(await planAfter(0));
  });
});
