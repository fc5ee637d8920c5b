/**
 * Management-group scope end to end on the emulator (issue 15 item 4): a spec names management
 * groups instead of subscriptions; the subscriptions under them (at any depth) are found with
 * Resource Graph's `resourcecontainers`; excluded subscriptions, resource groups and tagged
 * machines are left alone.
 */
import { emulatorConnection, type AzureConnection } from "../../src/azure/connection";
import { planLive, resolveSubscriptions } from "../../src/azure";
import { subscriptionOf } from "../../src/inventory/ids";
import { FLEET_CASE_TAG, startEmulator, type RunningEmulator } from "../../src/emulator";
import { parseSpec, ValidationError } from "../../src/spec";
import { dirname } from "node:path";
import { resolveScope } from "../../components/cdktf";
import { declareStackInScope } from "../../components/pulumi/program/program";
import { startMocks } from "../pulumi/harness";

let emu: RunningEmulator;
let conn: AzureConnection;
let subs: string[];

beforeAll(async () => {
  emu = await startEmulator({ fleet: 90, seed: 11 });
  conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  subs = [...emu.subscriptionIds].map((s) => s.toLowerCase()).sort();
  await emu.admin("POST", "/admin/management-groups", {
    groups: [
      { name: "contoso", displayName: "Contoso" },
      { name: "contoso-prod", parent: "contoso", subscriptions: [subs[0]] },
      { name: "contoso-prod-eu", parent: "contoso-prod", subscriptions: [subs[1]] },
      { name: "fabrikam", subscriptions: [subs[2]] },
      { name: "contoso-platform", parent: "contoso" },
    ],
  });
});

afterAll(() => emu?.stop());

const mgSpec = (extra: Record<string, unknown> = {}) => parseSpec({ managementGroups: ["contoso"], logAnalyticsAgent: { autoProvision: true }, ...extra });

describe("management-group scope", () => {
  it("finds the subscriptions under a group at any depth, and no others", async () => {
    expect(await resolveSubscriptions(conn, mgSpec())).toEqual([subs[0], subs[1]]);
    expect(await resolveSubscriptions(conn, mgSpec({ managementGroups: ["contoso-prod-eu"] }))).toEqual([subs[1]]);
    expect(await resolveSubscriptions(conn, mgSpec({ subscriptions: [subs[2]] }))).toEqual([subs[0], subs[1], subs[2]]);
  });

  it("leaves out excluded subscriptions", async () => {
    expect(await resolveSubscriptions(conn, mgSpec({ exclude: { subscriptions: [subs[1]!.toUpperCase()] } }))).toEqual([subs[0]]);
  });

  it("defender fields naming a subscription are checked against the resolved scope, naming the field", async () => {
    const vm = (sub: string) => `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`;
    const defender = (sub: string) => ({ servers: { plan: "P1", directOnboarding: { subscription: sub }, overrides: [{ id: vm(sub), plan: "Free" }] } });
    // subs[1] is under contoso-prod-eu, so in contoso's scope: accepted though not listed.
    expect(await resolveSubscriptions(conn, mgSpec({ defender: defender(subs[1]!) }))).toEqual([subs[0], subs[1]]);
    // subs[2] is under fabrikam: outside the scope.
    const refused = resolveSubscriptions(conn, mgSpec({ defender: defender(subs[2]!) }));
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toThrow(
      "invalid spec:\n" +
        `  defender.servers.directOnboarding.subscription: "${subs[2]}" is not one of the scope's 2 subscription(s) (listed, or under managementGroups contoso, less exclude.subscriptions)\n` +
        "  defender.servers.overrides[0].id: is not in one of the scope's 2 subscription(s) (listed, or under managementGroups contoso, less exclude.subscriptions)",
    );
    // planLive resolves first, so a plan is never made for such a spec.
    await expect(planLive(conn, mgSpec({ defender: defender(subs[2]!) }))).rejects.toThrow(/defender.servers.overrides\[0\].id: is not in one of the scope's/);
  });

  it("a group that does not exist is an error naming it", async () => {
    await expect(resolveSubscriptions(conn, mgSpec({ managementGroups: ["contoso", "no-such-group"] }))).rejects.toThrow(/managementGroups: no-such-group: cannot list its subscriptions/);
  });

  it("plans the machines of the groups' subscriptions, less excluded resource groups and tagged machines", async () => {
    const whole = await planLive(conn, mgSpec());
    const planned = whole.plan.machines.map((m) => m.id);
    expect(planned.length).toBeGreaterThan(0);
    expect(new Set(planned.map(subscriptionOf))).toEqual(new Set([subs[0], subs[1]]));

    // One resource group of the first subscription, and the machines tagged as Operations Manager 2012 ones.
    const rg = planned.find((id) => subscriptionOf(id) === subs[0])!.split("/").slice(0, 5).join("/");
    const tagged = whole.inventory.machines.length; // the reader keeps no tag the spec does not name
    expect(whole.inventory.machines.every((m) => m.tags === undefined)).toBe(true);
    const { plan, inventory } = await planLive(conn, mgSpec({ exclude: { resourceGroups: [rg], machineTags: { [FLEET_CASE_TAG.toUpperCase()]: "scom-2012" } } }));
    const scom2012 = inventory.machines.filter((m) => m.tags?.[FLEET_CASE_TAG] === "scom-2012").map((m) => m.id);
    expect(scom2012.length).toBeGreaterThan(0);
    const left = plan.machines.map((m) => m.id);
    expect(left.filter((id) => id.toLowerCase().startsWith(rg.toLowerCase() + "/"))).toEqual([]);
    expect(left.filter((id) => scom2012.includes(id))).toEqual([]);
    expect(plan.steps.filter((s) => JSON.stringify(s.details).toLowerCase().includes(rg.toLowerCase() + "/"))).toEqual([]);
    const excluded = planned.length - left.length;
    expect(excluded).toBeGreaterThan(scom2012.length - 1);
    expect(plan.findings).toContainEqual(expect.objectContaining({ severity: "info", code: "machines-excluded", message: `${excluded} machine(s) left alone by the spec's exclude.resourceGroups or exclude.machineTags.` }));
    expect(tagged).toBe(inventory.machines.length);
  });

  it("a live plan says which exclusions match nothing, and which groups hold no subscription, and no more (the reader records the excluded subscriptions it found)", async () => {
    const scopeWarnings = (p: { findings: readonly { code: string; target: string }[] }) =>
      p.findings.filter((f) => f.code === "exclusion-matches-nothing" || f.code === "management-group-without-subscriptions").map((f) => f.target);
    const rg = (await planLive(conn, mgSpec())).plan.machines.find((m) => subscriptionOf(m.id) === subs[0])!.id.split("/").slice(0, 5).join("/");
    const matching = await planLive(conn, mgSpec({ exclude: { subscriptions: [subs[1]], resourceGroups: [rg] } }));
    expect(matching.inventory.excludedSubscriptions).toEqual([subs[1]]);
    expect(matching.inventory.subscriptions.map((s) => s.id.toLowerCase())).toEqual([subs[0]]);
    expect(scopeWarnings(matching.plan)).toEqual([]);
    // fabrikam's subscription, a resource group that is not there, and an empty child group named beside its parent.
    const wrong = await planLive(conn, mgSpec({ managementGroups: ["contoso", "contoso-platform"], exclude: { subscriptions: [subs[2]], resourceGroups: [`${rg}-typo`] } }));
    expect(scopeWarnings(wrong.plan).sort()).toEqual(["/providers/Microsoft.Management/managementGroups/contoso-platform", "exclude.resourceGroups[0]", "exclude.subscriptions[0]"]);
  });

  it("the Pulumi program and the CDKTF app resolve the groups through their configured cloud, as the CLI does", async () => {
    const spec = { managementGroups: ["contoso"], exclude: { subscriptions: [subs[1]!] }, logAnalyticsAgent: { autoProvision: true } };
    const cli = await resolveSubscriptions(conn, parseSpec(spec));
    expect(cli).toEqual([subs[0]]);
    // CDKTF: before synth, the emulator named by its directory (or its URL, or the environment).
    expect(await resolveScope(spec, { endpoint: dirname(emu.env().ASC_EMULATOR_CONFIG!) })).toEqual(cli);
    // Pulumi: at program run, through the stack's emulatorEndpoint.
    const config = { subscriptions: "[]", managementGroups: JSON.stringify(spec.managementGroups), exclude: JSON.stringify(spec.exclude), logAnalyticsAgent: JSON.stringify(spec.logAnalyticsAgent), emulatorEndpoint: emu.url };
    const run = await startMocks({ config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`asc-autoprovision:${k}`, v])) });
    const stack = await declareStackInScope(undefined, emu.env());
    expect(await run.settle()).toEqual([]);
    expect([...stack.components.keys()]).toEqual(cli);
    expect(stack.settings.spec.subscriptions).toEqual(cli);
  });
});
