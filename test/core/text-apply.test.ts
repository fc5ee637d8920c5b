/**
 * `apply` shows its plan right before applying it: the steps and the machines they change, not
 * every machine of the fleet (a user's trial: a 1-step plan printed all 201 machines' details).
 * `plan` keeps its machine details by decision.
 */
import { join } from "node:path";
import { plan, renderText } from "../../src/core";
import { loadInventoryFile } from "../../src/inventory/load";
import { loadSpecFile } from "../../src/spec/load";
import { shortName } from "../../src/core/render/facts";

const root = join(__dirname, "../..");
const full = plan(loadSpecFile(join(root, "examples/spec.yaml")), loadInventoryFile(join(root, "examples/inventory.json")));

/** The machine names a text lists under its machines' heading. */
function listed(text: string, heading: string): string[] {
  const section = text.split(`\n${heading}\n`)[1] ?? "";
  return [...section.matchAll(/^ {4}([^:\s]+):/gm)].map((m) => m[1]!);
}

describe("text before an apply", () => {
  it("lists only the machines its steps change, and says how many it left out", () => {
    // One machine's steps only, as a saved plan narrowed to one change would be.
    const target = full.steps.find((s) => s.action === "install-extension")!;
    const machineId = full.machines.find((m) => target.target.toLowerCase().startsWith(m.id.toLowerCase() + "/"))!.id;
    const steps = full.steps.filter((s) => s.target.toLowerCase().startsWith(machineId.toLowerCase() + "/"));
    const one = { ...full, steps: steps.map((s) => ({ ...s, dependsOn: [] })) };
    const text = renderText(one, undefined, { for: "apply" });
    expect(listed(text, "Machines these steps change:")).toEqual([shortName(machineId)]);
    expect(text).toContain(`(${full.machines.length - 1} machine(s) without a step are not listed: \`plan\` shows them)`);
    expect(text).not.toContain("Machine details:");
  });

  it("plan still details machines of every decision", () => {
    const text = renderText(full);
    expect(listed(text, "Machine details:").length).toBe(full.machines.length);
  });
});
