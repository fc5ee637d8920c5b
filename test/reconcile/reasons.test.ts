/**
 * Reasons as codes: a sentence is built from its code and values only, so a machine's reason never
 * depends on which machine of the fleet asked first. The bug this replaced: a Windows and a Linux
 * machine with the same outdated agent version on one workspace both read "older than 1.13",
 * though the Windows agent is upgraded to 1.0.
 */
import { join } from "node:path";
import { plan } from "../../src/core";
import { ReasonBook } from "../../src/core/kernel";
import type { Inventory, InventoryMachine } from "../../src/inventory/schema";
import { loadInventoryFile } from "../../src/inventory/load";
import { loadSpecFile } from "../../src/spec/load";
import type { Spec } from "../../src/spec/schema";
import { amaExtension, defaultWorkspace, inventory, laExtension, machine, spec, workspace, SUB, SYSTEM_IDENTITY } from "../helpers/fixtures";

const DEF_WEU = "d0000000-0000-4000-8000-00000000000e";
const DEF_EUS = "d0000000-0000-4000-8000-0000000000e5";
const USER = "a0000000-0000-4000-8000-000000000001";
const weu = defaultWorkspace("WEU", DEF_WEU, "westeurope", SUB, { solutions: ["Security"] });
const eus = defaultWorkspace("EUS", DEF_EUS, "eastus", SUB, { solutions: ["Security"] });
const user = workspace("team-ws", USER, { solutions: ["Security"] });
const WEU = `DefaultWorkspace-${SUB}-WEU`;

/** A Windows and a Linux machine with agent 0.9 reporting to `customerId`, in both orders of id. */
function pairs(customerId: string): InventoryMachine[][] {
  const win = (name: string) => machine(name, { osType: "Windows", extensions: [laExtension("Windows", "0.9", customerId)] });
  const lin = (name: string) => machine(name, { osType: "Linux", extensions: [laExtension("Linux", "0.9", customerId)] });
  return [
    [win("a-win"), lin("b-lin")],
    [lin("a-lin"), win("b-win")],
  ];
}

function reasonsByOs(s: Spec, machines: InventoryMachine[]): { Windows: string; Linux: string } {
  const p = plan(s, inventory({ workspaces: [weu, eus, user], machines }));
  const of = (os: string) => p.machines.find((m) => m.id.includes(os === "Windows" ? "-win" : "-lin"))!.reason;
  return { Windows: of("Windows"), Linux: of("Linux") };
}

describe("the upgrade reason names each OS's own current version (Linux and Windows together)", () => {
  it.each(pairs(DEF_WEU).map((ms, i) => [i === 0 ? "Windows first" : "Linux first", ms] as const))("upgrade, %s", (_order, machines) => {
    expect(reasonsByOs(spec({ autoProvision: true }), machines)).toEqual({
      Windows: `The extension reports to ${WEU} but runs version 0.9, older than 1.0: it is upgraded.`,
      Linux: `The extension reports to ${WEU} but runs version 0.9, older than 1.13: it is upgraded.`,
    });
  });

  it.each(pairs(USER).map((ms, i) => [i === 0 ? "Windows first" : "Linux first", ms] as const))("keep-user-workspace with an upgrade, %s", (_order, machines) => {
    const r = reasonsByOs(spec({ autoProvision: true }), machines);
    expect(r.Windows).toMatch(/ Its version 0\.9 is upgraded to 1\.0\.$/);
    expect(r.Linux).toMatch(/ Its version 0\.9 is upgraded to 1\.13\.$/);
  });

  it.each(pairs(DEF_EUS).map((ms, i) => [i === 0 ? "Windows first" : "Linux first", ms] as const))("keep-existing with an upgrade, %s", (_order, machines) => {
    const r = reasonsByOs(spec({ autoProvision: true }), machines);
    expect(r.Windows).toMatch(/^The extension already reports to DefaultWorkspace-.*-EUS; .* Its version 0\.9 is upgraded to 1\.0\.$/);
    expect(r.Linux).toMatch(/^The extension already reports to DefaultWorkspace-.*-EUS; .* Its version 0\.9 is upgraded to 1\.13\.$/);
  });
});

/** Every machine's reason in the fleet's plan equals its reason planned alone. */
function expectReasonsIndependentOfFleet(s: Spec, inv: Inventory): void {
  const fleet = plan(s, inv);
  expect(fleet.machines.length).toBeGreaterThan(1);
  for (const m of fleet.machines) {
    const alone = plan(s, { ...inv, machines: inv.machines.filter((x) => x.id === m.id) });
    expect(alone.machines[0]).toEqual(m);
  }
}

describe("a machine's reason does not depend on the rest of the fleet", () => {
  const root = join(__dirname, "../..");
  it.each(["spec.yaml", "spec-central.yaml", "spec-off.yaml"])("Log Analytics agent: examples/%s", (f) => {
    expectReasonsIndependentOfFleet(loadSpecFile(join(root, "examples", f)), loadInventoryFile(join(root, "examples/inventory.json")));
  });

  it.each(["spec-ama.yaml", "spec-ama-central.yaml"])("Azure Monitor Agent: fixtures/%s", (f) => {
    expectReasonsIndependentOfFleet(loadSpecFile(join(__dirname, "fixtures", f)), loadInventoryFile(join(__dirname, "fixtures/ama-inventory.json")));
  });

  it("Azure Monitor Agent: Linux and Windows migrating from the same workspace, legacy agent kept or removed", () => {
    const ms = [
      machine("a-win", { osType: "Windows", extensions: [laExtension("Windows", "0.9", DEF_WEU)] }),
      machine("b-lin", { osType: "Linux", extensions: [laExtension("Linux", "0.9", DEF_WEU)] }),
      machine("c-win", { osType: "Windows", identity: SYSTEM_IDENTITY, extensions: [amaExtension("Windows"), laExtension("Windows", "0.9", DEF_WEU)] }),
      machine("d-lin", { osType: "Linux", identity: SYSTEM_IDENTITY, extensions: [amaExtension("Linux"), laExtension("Linux", "0.9", DEF_WEU)] }),
    ];
    for (const removeLegacyAgent of [false, true]) {
      const s = spec({ autoProvision: true, agent: "ama", removeLegacyAgent });
      expectReasonsIndependentOfFleet(s, inventory({ workspaces: [weu], machines: ms }));
      const p = plan(s, inventory({ workspaces: [weu], machines: ms }));
      expect(p.machines.map((m) => m.decision)).toEqual(["ama-migrate", "ama-migrate", "ama-associate", "ama-associate"]);
    }
  });
});

describe("ReasonBook", () => {
  const catalog = { upgrade: (from: string, to: string) => `from ${from} to ${to}` };

  it("one Reason per code and values, its sentence built once from them", () => {
    const book = new ReasonBook();
    const a = book.say(catalog, "upgrade", "0.9", "1.0");
    expect(book.say(catalog, "upgrade", "0.9", "1.0")).toBe(a);
    expect(book.speaker(catalog)("upgrade", "0.9", "1.0")).toBe(a);
    expect(a).toEqual({ code: "upgrade", params: ["0.9", "1.0"], text: "from 0.9 to 1.0" });
    expect(book.say(catalog, "upgrade", "0.9", "1.13").text).toBe("from 0.9 to 1.13");
  });
});
