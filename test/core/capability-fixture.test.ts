/**
 * A new capability is one folder plus one registration line: the throwaway capability in
 * test/fixtures/capabilities/subscription-tag is planned, simulated, rendered and run by the core
 * without a change to the core or to any other capability.
 */
import { join } from "node:path";
import { CAPABILITIES, catalogOf, planWith, renderJson, renderText, simulate } from "../../src/core";
import type { StepContext, StepHandlers, StepKinds } from "../../src/core/kernel";
import { loadInventoryFile } from "../../src/inventory/load";
import { loadSpecFile } from "../../src/spec/load";
import { subscriptionTag, TAG } from "../fixtures/capabilities/subscription-tag";

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
    const ctx: StepContext = { outputs: new Map(), accepted: () => undefined };
    await handlers["set-subscription-tag"].run(tags[0] as never, env as never, ctx);
    expect(calls).toEqual([{ scope: `/subscriptions/${spec.subscriptions[0]}`, body: { operation: "Merge", properties: { tags: { [TAG.name]: TAG.value } } } }]);
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
