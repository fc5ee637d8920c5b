/**
 * A new capability is one folder plus one registration line: the throwaway capability in
 * test/fixtures/capabilities/subscription-tag is planned, simulated, rendered and run by the core,
 * and declared for the front ends, without a change to the core, to any other capability or to a
 * front end.
 */
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { RenderedDeclarations } from "../../components/cdktf/render/registry";
import { renderUnit } from "../../components/cdktf/render/resources";
import {
  CAPABILITIES,
  catalogOf,
  declareSubscription,
  planWith,
  renderJson,
  renderText,
  simulate,
  symbolic,
  type SubscriptionInput,
} from "../../src/core";
import type { StepContext, StepHandlers, StepKinds } from "../../src/core/kernel";
import { loadInventoryFile } from "../../src/inventory/load";
import { loadSpecFile } from "../../src/spec/load";
import { subscriptionTag, TAG } from "../fixtures/capabilities/subscription-tag";
import { TAG_POLICY } from "../fixtures/capabilities/subscription-tag/declare";

// The registration: the registered capabilities and one more line.
const catalog = catalogOf([...CAPABILITIES, subscriptionTag]);

const root = join(__dirname, "../..");
const spec = loadSpecFile(join(root, "examples/spec.yaml"));
const inventory = loadInventoryFile(join(root, "examples/inventory.json"));

describe("a throwaway capability in a fixture", () => {
  const p = planWith(catalog, spec, inventory);
  const tags = p.steps.filter((s) => s.action === "set-subscription-tag");

  it("plans its step per subscription, beside the registered capabilities' steps (which do not change)", () => {
    expect(tags.map((s) => s.details)).toEqual(spec.subscriptions.map((subscriptionId) => ({ subscriptionId, ...TAG })));
    const registered = planWith(catalogOf(CAPABILITIES), spec, inventory);
    expect(p.steps.filter((s) => s.action !== "set-subscription-tag")).toEqual(registered.steps);
    expect(p.machines).toEqual(registered.machines);
    expect(p.summary.actions).toMatchObject({ "set-subscription-tag": spec.subscriptions.length });
  });

  it("is simulated by its step kind: the next plan has nothing left for it", () => {
    const after = simulate(p, inventory, catalog);
    expect(planWith(catalog, spec, after).steps.filter((s) => s.action === "set-subscription-tag")).toEqual([]);
  });

  it("is rendered with its own label", () => {
    expect(renderText(p, catalog)).toContain(`set-subscription-tag   ${TAG.name}=${TAG.value}`);
    expect(JSON.parse(renderJson(p)).steps).toEqual(expect.arrayContaining([expect.objectContaining({ action: "set-subscription-tag" })]));
  });

  it("runs through its own ARM handler, loaded only when asked for", async () => {
    const handlers = await subscriptionTag.arm();
    const calls: unknown[] = [];
    const env = {
      gate: { write: <T>(call: () => Promise<T>) => call() },
      clients: { resources: () => ({ tagsOperations: { updateAtScope: async (scope: string, body: unknown) => calls.push({ scope, body }) } }) },
    };
    const ctx: StepContext = { outputs: new Map(), accepted: async () => undefined };
    await handlers["set-subscription-tag"].run(tags[0] as never, env as never, ctx);
    expect(calls).toEqual([{ scope: `/subscriptions/${spec.subscriptions[0]}`, body: { operation: "Merge", properties: { tags: { [TAG.name]: TAG.value } } } }]);
  });
});

describe("its declaration", () => {
  const sub = spec.subscriptions[0]!;
  const input: SubscriptionInput = { spec, subscriptionId: sub, machineRegions: ["westeurope"], amaPolicies: { enabled: true, remediate: true, notScopes: [] } };
  const model = declareSubscription(input, catalog.capabilities);

  it("is composed beside the registered capabilities' declarations (which do not change), as a unit no view presents", () => {
    const { others, ...views } = model;
    const registered = declareSubscription(input);
    const { others: registeredOthers, ...registeredViews } = registered;
    expect(symbolic(views)).toEqual(symbolic(registeredViews));
    expect(registeredOthers).toEqual([]);
    expect(others.map((u) => [u.kind, u.key])).toEqual([["policy", `${sub}/subscription-tag`]]);
  });

  it("is the shared Deploy-if-not-exists bundle: the assignment with its parameters, the definition's role, a remediation waiting for it", () => {
    const [unit] = model.others;
    expect(unit!.resources.map((d) => d.kind)).toEqual(["policy-assignment", "role-assignment", "policy-remediation"]);
    const [assignment, role, remediation] = unit!.resources;
    expect(assignment!.props).toMatchObject({ scope: `/subscriptions/${sub}`, policyDefinitionId: TAG_POLICY.definitionId, parameters: { tagName: { value: TAG.name }, tagValue: { value: TAG.value } } });
    expect(role!.props).toMatchObject({ roleId: TAG_POLICY.roles[0].id });
    expect(remediation!.dependsOn).toEqual([role!.key]);
  });

  it("is rendered by a front end's generic unit renderer, as the front ends render every unit no component presents", () => {
    const stack = new TerraformStack(Testing.app(), "tag");
    renderUnit({ scope: stack, registry: new RenderedDeclarations() }, model.others[0]!);
    const resources = (JSON.parse(Testing.synth(stack)) as { resource: Record<string, object> }).resource;
    expect(Object.keys(resources).sort()).toEqual(["azurerm_role_assignment", "azurerm_subscription_policy_assignment", "azurerm_subscription_policy_remediation"]);
  });
});

describe("exhaustive at compile time", () => {
  it("an action without its step kind or its handler does not compile", () => {
    type Two = { readonly "set-subscription-tag": { readonly subscriptionId: string }; readonly "other-action": { readonly id: string } };
    // @ts-expect-error: "other-action" has no handler
    const handlers: StepHandlers<Two, unknown> = { "set-subscription-tag": { run: async () => undefined } };
    // @ts-expect-error: "other-action" has no step kind
    const kinds: StepKinds<Two> = { "set-subscription-tag": { label: () => "", simulate: () => undefined } };
    expect([handlers, kinds]).toHaveLength(2);
  });
});
