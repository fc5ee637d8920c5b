/**
 * A remediation's discovery from the compliance index: the resources it selects are those the
 * scan of every VM (and its extensions and associations) selected, before and after writes that
 * install, fail, remove and add; it reads the documents of the non-compliant resources only; and
 * the index is built a page at a time, the event loop serving other work between pages.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { EmulatorCore } from "../../src/emulator/core";
import { coreIn } from "./helpers";
import { BUILTIN_POLICIES, type BuiltinPolicy } from "../../src/emulator/catalog/policies";
import { ComplianceIndex } from "../../src/emulator/remediation/complianceIndex";
import { nonCompliantResources, notScopesMatcher } from "../../src/emulator/remediation/targets";
import { parameterValue } from "../../src/emulator/remediation/compliance";
import { extensionsOf, osTypeOf } from "../../src/emulator/model/machines";
import { associationsOfMachine } from "../../src/emulator/model/associations";
import { selectedBy } from "../../src/emulator/model/resourceSelectors";
import { AKS_TYPE, DCR_ASSOCIATION_TYPE, POLICY_ASSIGNMENT_TYPE, VM_EXTENSION_TYPE, VM_TYPE } from "../../src/emulator/model/resourceTypes";
import type { StoredResource } from "../../src/emulator/store/resources";
import type { ArmContext } from "../../src/emulator/arm/types";
import { scopeCovers } from "../../src/emulator/util/armId";
import { getPath, getString, isObject, type Json, type JsonObject } from "../../src/emulator/util/json";

// ---- The discovery as it was: every VM of the subscription listed, each one's extensions or associations read. ----

function scanIsCompliant(ctx: ArmContext, policy: BuiltinPolicy, resource: StoredResource, assignmentParameters: Json | undefined): boolean {
  const d = policy.deploys;
  if (d.kind === "aksAddon") {
    const profiles = getPath(resource.doc, ["properties", "addonProfiles"]);
    if (!isObject(profiles)) return false;
    const key = Object.keys(profiles).find((k) => k.toLowerCase() === d.addon.toLowerCase());
    return key !== undefined && getPath(profiles, [key, "enabled"]) === true;
  }
  if (d.kind === "dcrAssociation") {
    const wanted = (parameterValue(assignmentParameters, d.ruleParameter) ?? "").toLowerCase();
    return associationsOfMachine(ctx, resource.id).some((a) =>
      [getString(a.doc, "properties", "dataCollectionRuleId"), getString(a.doc, "properties", "dataCollectionEndpointId")].some((v) => v?.toLowerCase() === wanted),
    );
  }
  return extensionsOf(ctx, resource).some(
    (e) =>
      (getString(e.doc, "properties", "publisher") ?? "").toLowerCase() === d.extension.publisher.toLowerCase() &&
      (getString(e.doc, "properties", "type") ?? "").toLowerCase() === d.extension.type.toLowerCase() &&
      getString(e.doc, "properties", "provisioningState") === "Succeeded",
  );
}

function scanInPolicyScope(policy: BuiltinPolicy, resource: StoredResource): boolean {
  const d = policy.deploys;
  if (d.kind === "aksAddon") return resource.type.toLowerCase() === AKS_TYPE.toLowerCase();
  return resource.type.toLowerCase() === VM_TYPE.toLowerCase() && osTypeOf(resource) === d.osType;
}

function scanNonCompliant(ctx: ArmContext, policy: BuiltinPolicy, assignment: StoredResource, scope: string, locations: readonly string[], limit: number): StoredResource[] {
  const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? null;
  if (!sub) return [];
  const notScopes = (getPath(assignment.doc, ["properties", "notScopes"]) as string[] | undefined) ?? [];
  const parameters = getPath(assignment.doc, ["properties", "parameters"]);
  const selectors = getPath(assignment.doc, ["properties", "resourceSelectors"]);
  const type = policy.deploys.kind === "aksAddon" ? AKS_TYPE : VM_TYPE;
  const locs = locations.map((l) => l.replace(/\s+/g, "").toLowerCase());
  const leftOut = notScopesMatcher(notScopes);
  return ctx.store
    .list(type, { subscriptionId: sub })
    .filter((r) => scopeCovers(scope, r.id))
    .filter((r) => !leftOut(r.id))
    .filter((r) => selectedBy(selectors, r))
    .filter((r) => locs.length === 0 || locs.includes(String(r.doc["location"]).toLowerCase()))
    .filter((r) => scanInPolicyScope(policy, r) && !scanIsCompliant(ctx, policy, r, parameters))
    .slice(0, limit);
}

// ---- A generated fleet, changed between the checks. ----

let dir: string;
let core: EmulatorCore;

/** A core with its state in its own folder of `dir`. */
function newCore(name: string): EmulatorCore {
  const own = join(dir, name);
  mkdirSync(own);
  return coreIn(own);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "remediation-discovery-"));
  core = newCore("fleet");
  core.ensureFleet(300);
});
afterAll(() => {
  core?.close();
  rmSync(dir, { recursive: true, force: true });
});

const vmsNow = () => core.store.listTypes([VM_TYPE]);
const clustersNow = () => core.store.listTypes([AKS_TYPE]);
const rgOf = (id: string) => id.split("/").slice(0, 5).join("/");
const flipCase = (s: string, upper: boolean) => (upper ? s.toUpperCase() : s.toLowerCase());
const LOCATIONS = ["westeurope", "eastus", "australiaeast", "Japan East", "uksouth"];
const HANDLERS = BUILTIN_POLICIES.flatMap((p) => (p.deploys.kind === "vmExtension" ? [p.deploys.extension] : []));
const RULES = ["dcr-contoso-ops", "dcr-other"];
const ruleId = (sub: string, name: string) => `/subscriptions/${sub}/resourceGroups/rg-monitoring/providers/Microsoft.Insights/dataCollectionRules/${name}`;

type Write =
  | { kind: "extension"; vm: number; handler: number; succeeded: boolean; name: string }
  | { kind: "deleteExtension"; vm: number }
  | { kind: "deleteVm"; vm: number }
  | { kind: "newVm"; n: number; os: "Windows" | "Linux"; location: number }
  | { kind: "association"; vm: number; rule: number }
  | { kind: "addon"; cluster: number; enabled: boolean };

const write: fc.Arbitrary<Write> = fc.oneof(
  fc.record({ kind: fc.constant("extension" as const), vm: fc.nat(), handler: fc.nat(HANDLERS.length - 1), succeeded: fc.boolean(), name: fc.constantFrom("a", "b", "DependencyAgentWindows") }),
  fc.record({ kind: fc.constant("deleteExtension" as const), vm: fc.nat() }),
  fc.record({ kind: fc.constant("deleteVm" as const), vm: fc.nat() }),
  fc.record({ kind: fc.constant("newVm" as const), n: fc.nat(10_000), os: fc.constantFrom("Windows" as const, "Linux" as const), location: fc.nat(LOCATIONS.length - 1) }),
  fc.record({ kind: fc.constant("association" as const), vm: fc.nat(), rule: fc.nat(RULES.length - 1) }),
  fc.record({ kind: fc.constant("addon" as const), cluster: fc.nat(), enabled: fc.boolean() }),
);

function apply(w: Write): void {
  const vms = vmsNow();
  const vm = vms.length ? vms[("vm" in w ? w.vm : 0) % vms.length]! : undefined;
  core.tx(() => {
    if (w.kind === "extension" && vm) {
      const h = HANDLERS[w.handler]!;
      const id = `${vm.id}/extensions/${w.name}`;
      core.store.put({ id, type: VM_EXTENSION_TYPE, secret: null, doc: { id, name: w.name, type: VM_EXTENSION_TYPE, properties: { publisher: h.publisher, type: h.type, provisioningState: w.succeeded ? "Succeeded" : "Failed" } } });
    } else if (w.kind === "deleteExtension" && vm) {
      const ext = extensionsOf(core, vm)[0];
      if (ext) core.store.deleteTree(ext.id);
    } else if (w.kind === "deleteVm" && vm) {
      core.store.deleteTree(vm.id);
    } else if (w.kind === "newVm") {
      const sub = core.subscriptionIds[w.n % core.subscriptionIds.length]!;
      const id = `/subscriptions/${sub}/resourceGroups/rg-new/providers/Microsoft.Compute/virtualMachines/vm-new-${w.n}`;
      core.store.put({ id, type: VM_TYPE, secret: null, doc: { id, name: `vm-new-${w.n}`, type: VM_TYPE, location: LOCATIONS[w.location]!, properties: { storageProfile: { osDisk: { osType: w.os } } } } });
    } else if (w.kind === "association" && vm) {
      const id = `${vm.id}/providers/${DCR_ASSOCIATION_TYPE}/assoc-${w.rule}`;
      core.store.put({ id, type: DCR_ASSOCIATION_TYPE, secret: null, doc: { id, name: `assoc-${w.rule}`, type: DCR_ASSOCIATION_TYPE, properties: { dataCollectionRuleId: ruleId(vm.id.split("/")[2]!, RULES[w.rule]!) } } });
    } else if (w.kind === "addon") {
      const clusters = clustersNow();
      const c = clusters[w.cluster % Math.max(1, clusters.length)];
      if (!c) return;
      const props = (c.doc["properties"] ?? {}) as JsonObject;
      core.store.put({ ...c, doc: { ...c.doc, properties: { ...props, addonProfiles: { azurepolicy: { enabled: w.enabled } } } } });
    }
  });
}

/** A remediation's inputs: the policy, its assignment's notScopes/parameters/selectors, the task's scope, locations and count. */
const discovery = fc.record({
  policy: fc.nat(BUILTIN_POLICIES.length - 1),
  sub: fc.nat(2),
  rgScope: fc.option(fc.nat(), { nil: undefined }),
  notScopes: fc.array(fc.record({ at: fc.nat(), whole: fc.boolean(), upper: fc.boolean() }), { maxLength: 5 }),
  rule: fc.nat(RULES.length - 1),
  selector: fc.option(fc.record({ notIn: fc.boolean(), locations: fc.subarray(LOCATIONS, { minLength: 1 }) }), { nil: undefined }),
  locations: fc.subarray(LOCATIONS, { maxLength: 3 }),
  limit: fc.integer({ min: 1, max: 400 }),
});

type Discovery = typeof discovery extends fc.Arbitrary<infer T> ? T : never;

function inputsOf(d: Discovery) {
  const policy = BUILTIN_POLICIES[d.policy]!;
  const sub = core.subscriptionIds[d.sub]!;
  const vms = vmsNow().filter((v) => v.id.split("/")[2] === sub);
  const scope = d.rgScope !== undefined && vms.length ? rgOf(vms[d.rgScope % vms.length]!.id) : `/subscriptions/${sub}`;
  const notScopes = vms.length ? d.notScopes.map((n) => flipCase(n.whole ? rgOf(vms[n.at % vms.length]!.id) : vms[n.at % vms.length]!.id, n.upper)) : [];
  const parameters: JsonObject = policy.deploys.kind === "dcrAssociation" ? { [policy.deploys.ruleParameter]: { value: ruleId(sub, RULES[d.rule]!) } } : {};
  const resourceSelectors = d.selector ? [{ name: "s", selectors: [{ kind: "resourceLocation", [d.selector.notIn ? "notIn" : "in"]: d.selector.locations }] }] : undefined;
  const id = `/subscriptions/${sub}/providers/${POLICY_ASSIGNMENT_TYPE}/a`;
  const assignment: StoredResource = { id, type: POLICY_ASSIGNMENT_TYPE, secret: null, doc: { id, properties: { notScopes, parameters, ...(resourceSelectors ? { resourceSelectors } : {}) } } };
  return { policy, assignment, scope, locations: d.locations, limit: d.limit };
}

describe("remediation discovery from the compliance index", () => {
  it("selects what the scan of every VM selected, as writes install, fail, remove and add", () => {
    fc.assert(
      fc.property(fc.array(write, { maxLength: 6 }), discovery, (writes, d) => {
        writes.forEach(apply);
        const { policy, assignment, scope, locations, limit } = inputsOf(d);
        const ids = (rs: StoredResource[]) => rs.map((r) => r.id);
        expect(ids(nonCompliantResources(core, policy, assignment, scope, locations, limit))).toEqual(ids(scanNonCompliant(core, policy, assignment, scope, locations, limit)));
      }),
      { numRuns: 300 },
    );
  });

  it("reads the documents of the non-compliant resources in the scope only", () => {
    const policy = BUILTIN_POLICIES.find((p) => p.deploys.kind === "vmExtension" && p.deploys.osType === "Windows")!;
    const sub = core.subscriptionIds[0]!;
    const id = `/subscriptions/${sub}/providers/${POLICY_ASSIGNMENT_TYPE}/a`;
    const assignment: StoredResource = { id, type: POLICY_ASSIGNMENT_TYPE, secret: null, doc: { id, properties: {} } };
    nonCompliantResources(core, policy, assignment, `/subscriptions/${sub}`, [], 500); // the index current
    const get = jest.spyOn(core.store, "get");
    const list = jest.spyOn(core.store, "list");
    const children = jest.spyOn(core.store, "children");
    try {
      const found = nonCompliantResources(core, policy, assignment, `/subscriptions/${sub}`, [], 500);
      const vmsInSub = vmsNow().filter((v) => v.id.split("/")[2] === sub).length;
      expect(found.length).toBeGreaterThan(0);
      expect(found.length).toBeLessThan(vmsInSub);
      expect(get).toHaveBeenCalledTimes(found.length);
      expect(list).not.toHaveBeenCalled();
      expect(children).not.toHaveBeenCalled();
    } finally {
      get.mockRestore();
      list.mockRestore();
      children.mockRestore();
    }
  });

  it("is built a page at a time, the event loop serving other work between pages", async () => {
    const fresh = newCore("paged");
    try {
      fresh.ensureFleet(300);
      let turns = 0;
      let building = true;
      const tick = () => {
        if (!building) return;
        turns++;
        setImmediate(tick);
      };
      setImmediate(tick);
      await ComplianceIndex.of(fresh).ready(() => false, 20);
      building = false;
      const resources = fresh.store.listTypes([VM_TYPE, AKS_TYPE]).length;
      // One turn (at least) between two pages of 20.
      expect(turns).toBeGreaterThanOrEqual(Math.floor(resources / 20) - 1);
      expect([...fresh.subscriptionIds].reduce((n, s) => n + ComplianceIndex.of(fresh).resources(s).size, 0)).toBe(resources);
    } finally {
      fresh.close();
    }
  });
});
