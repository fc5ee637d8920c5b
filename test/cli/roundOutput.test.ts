/**
 * User trial 17: a watch's text log could not be followed. Each round line starts with its UTC
 * time; a listed step not on one machine names its subscription (three subscriptions' Defender
 * plans read alike); the steps past the first 10 are counted and said where they are recorded.
 */
import { plan } from "../../src/core";
import { describeScopeChange, describeSpecCheck, oneLine, roundLine, roundLines, roundRecord, scopeChangeOf, specChangeJson, stepLines, stepWhere } from "../../src/cli/roundOutput";
import { ValidationError } from "../../src/spec/errors";
import { summarizeResult } from "../../src/cli/round";
import type { ApplyResult } from "../../src/azure";
import { inventory, machine } from "../helpers/fixtures";
import { parseSpec } from "../../src/spec/validate";
import { P2, settings } from "../reconcile/defender.fixtures";

const SUBS = ["11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222", "33333333-3333-3333-3333-333333333333"];
const JOURNAL = "/state/journal/apply-0123456789abcdef.jsonl";

function threeSubscriptions() {
  const machines = SUBS.map((sub, i) => machine(`vm-${i}`, {}, sub));
  // Defender for three subscriptions, and the agent for a machine in each.
  const spec = parseSpec({ subscriptions: SUBS, logAnalyticsAgent: { autoProvision: true, agent: "ama" }, defender: P2 });
  return plan(spec, inventory({ machines, settings: Object.fromEntries(SUBS.map((s) => [s, settings()])) }, "2020-01-01", SUBS));
}

describe("reconcile's text log", () => {
  it("a round line starts with its UTC time, to the second", () => {
    expect(roundLine(4, "12 step(s) to apply", Date.UTC(2026, 11, 7, 14, 11, 6, 145))).toBe("2026-12-07T14:11:06Z round 4: 12 step(s) to apply\n");
  });

  it("apply's summary, retries included, is said once, as apply's text and as a round's lines (one place words it)", () => {
    const base = { results: [], counts: { done: 0, "already-done": 0, failed: 0, skipped: 0 }, writes: 0, delegated: [], delegationSteps: [] };
    const quiet = summarizeResult({ ...base, retries: { throttled: 0, longestRetryAfterMs: 0, transient: {} } } as ApplyResult);
    expect(quiet).toBe("Apply: 0 applied. ARM write requests: 0.\n");
    const throttled = summarizeResult({ ...base, retries: { throttled: 3, longestRetryAfterMs: 2000, transient: { 503: 1 } } } as unknown as ApplyResult);
    expect(throttled).toBe("Apply: 0 applied. ARM write requests: 0.\nRetries: ARM throttled 3 request(s) (429, Retry-After up to 2 s) and answered 1 with 503, each sent again.\n");
    const at = Date.UTC(2026, 11, 7, 14, 11, 6);
    expect(roundLines(2, throttled, at)).toBe(
      "2026-12-07T14:11:06Z round 2: Apply: 0 applied. ARM write requests: 0.\n2026-12-07T14:11:06Z round 2: Retries: ARM throttled 3 request(s) (429, Retry-After up to 2 s) and answered 1 with 503, each sent again.\n",
    );
    // A failure's line continues the summary's: it is not a round line of its own.
    expect(roundLines(2, "Apply: 0 applied, 1 failed.\n  failed: x: boom\n", at)).toBe("2026-12-07T14:11:06Z round 2: Apply: 0 applied, 1 failed.\n  failed: x: boom\n");
  });

  it("each subscription's Defender step names its subscription; the lines of three subscriptions read apart", () => {
    const p = threeSubscriptions();
    const lines = stepLines(p, JOURNAL).split("\n").filter((l) => l.startsWith("  set-defender-plan: VirtualMachines.pricingTier"));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(new Set(lines).size).toBe(lines.length);
    for (const l of lines) expect(l).toMatch(/ \(subscription [0-9a-f-]{36}\)$/);
    const named = lines.map((l) => /\(subscription ([0-9a-f-]{36})\)$/.exec(l)![1]);
    for (const sub of named) expect(SUBS).toContain(sub);
  });

  it("a step on a machine is named by its machine, without a subscription", () => {
    const p = threeSubscriptions();
    const onMachine = p.steps.find((s) => s.target.includes("/virtualMachines/"));
    expect(onMachine).toBeDefined();
    expect(stepWhere(onMachine!, "vm-0 (x)")).toBe("");
    const pricing = p.steps.find((s) => s.action === "set-defender-plan")!;
    expect(stepWhere(pricing, "VirtualMachines.pricingTier: Free → Standard")).toBe(` (subscription ${pricing.target.split("/")[2]})`);
    // A label that names the subscription already (a default workspace's) is not given it twice.
    expect(stepWhere(pricing, `DefaultWorkspace-${pricing.target.split("/")[2]}-WEU`)).toBe("");
    expect(stepWhere({ ...pricing, action: "not-a-known-action", target: "/providers/Microsoft.Management/managementGroups/mg-prod/providers/Microsoft.Authorization/policyAssignments/a" }, "a")).toBe(" (management group mg-prod)");
  });

  it("past the first 10 steps: how many more, and the journal that records each", () => {
    const p = threeSubscriptions();
    expect(p.steps.length).toBeGreaterThan(10);
    const text = stepLines(p, JOURNAL);
    expect(text.split("\n").filter((l) => l.startsWith("  ") && !l.startsWith("  ..."))).toHaveLength(10);
    expect(text).toContain(`  ... and ${p.steps.length - 10} more step(s), each recorded as it is sent in the journal ${JOURNAL}`);
  });
});

describe("a round's word on its spec file", () => {
  it("nothing when unchanged; reloaded (and whether the scope changed); invalid, with why", () => {
    expect(specChangeJson({ status: "same" })).toBeNull();
    expect(describeSpecCheck({ status: "same" }, "spec.yaml")).toBe("");
    const reloaded = { status: "reloaded" as const, spec: parseSpec({ subscriptions: SUBS }), scopeChanged: true };
    expect(specChangeJson(reloaded)).toEqual({ reloaded: true, scopeChanged: true });
    expect(describeSpecCheck(reloaded, "spec.yaml")).toMatch(/^spec changed: reloaded; its scope changed, so the lease was released/);
    const invalid = { status: "invalid" as const, error: 'invalid spec:\n  defender.servers.plan: "P3" is not one of Off, P1, P2' };
    expect(specChangeJson(invalid)).toEqual({ reloaded: false, error: invalid.error });
    expect(describeSpecCheck(invalid, "spec.yaml")).toContain('keeps the last valid spec: invalid spec:\n  defender.servers.plan: "P3" is not one of Off, P1, P2');
  });
});

describe("a failed round's line (user trial 18b: `round 3: failed: invalid inventory:; next round in 10.0 s`)", () => {
  it("a heading's first problem joined on, the others counted", () => {
    const one = new ValidationError("inventory", [{ path: "clusters[0].id", message: `is in subscription ${SUBS[0]}, which subscriptions does not list` }]);
    expect(oneLine(one.message)).toBe(`invalid inventory: clusters[0].id: is in subscription ${SUBS[0]}, which subscriptions does not list`);
    const three = new ValidationError("spec", [
      { path: "defender.servers.overrides[0].subscription", message: "is not in scope" },
      { path: "a", message: "b" },
      { path: "c", message: "d" },
    ]);
    expect(oneLine(three.message)).toBe("invalid spec: defender.servers.overrides[0].subscription: is not in scope (and 2 more)");
    // readInventory's refusal of rows it cannot read has the same shape.
    expect(oneLine("Resource Graph returned rows this tool cannot read (nothing was changed):\n  row 1: no id\n  row 2: no type")).toBe(
      "Resource Graph returned rows this tool cannot read (nothing was changed): row 1: no id (and 1 more)",
    );
  });

  it("a one-line message as it is; one whose first line is whole, with the lines below counted", () => {
    expect(oneLine("the scope grew after this run took its lease (now also x): nothing was applied; run again")).toBe("the scope grew after this run took its lease (now also x): nothing was applied; run again");
    expect(oneLine("ARM answered 400 BadRequest\n{\n  \"code\": \"x\"\n}")).toBe("ARM answered 400 BadRequest (and 3 more line(s))");
    expect(oneLine("\n  x: y\n")).toBe("x: y");
  });
});

describe("a watch round whose scope changed (a subscription moved out of or under the spec's management group)", () => {
  it("says what left (its lease released) and what joined, in text and JSON; null when nothing changed", () => {
    expect(scopeChangeOf([], [], [])).toBeNull();
    const left = scopeChangeOf([SUBS[1]!], [], [SUBS[1]!])!;
    expect(describeScopeChange(left)).toBe(`scope changed: subscription ${SUBS[1]} left it: nothing of it is kept, and its lease is released (another run may take it)`);
    const both = scopeChangeOf([SUBS[0]!, SUBS[1]!], [SUBS[2]!], [SUBS[0]!, SUBS[1]!])!;
    expect(describeScopeChange(both)).toBe(
      `scope changed: subscriptions ${SUBS[0]}, ${SUBS[1]} left it: nothing of them is kept, and their leases are released (another run may take them); subscription ${SUBS[2]} joined it: read in full`,
    );
    // A lease released for a subscription the last round did not read (the first round after the lease was taken).
    expect(describeScopeChange(scopeChangeOf([], [], [SUBS[2]!])!)).toBe(`scope changed: subscription ${SUBS[2]} is not in it: its lease is released (another run may take it)`);
    const record = JSON.parse(roundRecord(9, Date.UTC(2026, 11, 7), { scope: left }, true));
    expect(record.scopeChange).toEqual({ left: [SUBS[1]], joined: [], leaseReleased: [SUBS[1]] });
    expect(JSON.parse(roundRecord(10, Date.UTC(2026, 11, 7), {}, true)).scopeChange).toBeNull();
    expect(JSON.parse(roundRecord(1, Date.UTC(2026, 11, 7), {}, false))).not.toHaveProperty("scopeChange");
  });
});

describe("apply's summary names what failed (user trial 19: with --quiet, no line said which step failed or why)", () => {
  it("each failed step with its action and error, up to 10, then how many more", () => {
    const p = threeSubscriptions();
    const steps = [...p.steps, ...p.steps, ...p.steps, ...p.steps].slice(0, 12);
    expect(steps).toHaveLength(12);
    const results = steps.map((step, i) => ({ step, status: "failed", error: `boom ${i}` }));
    const text = summarizeResult({ results, counts: { done: 0, "already-done": 0, failed: 12, skipped: 0 }, writes: 12, delegated: [], delegationSteps: [], retries: { throttled: 0, longestRetryAfterMs: 0, transient: {} } } as unknown as ApplyResult);
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toMatch(/ 12 failed\./);
    expect(lines.slice(1, 11)).toEqual(steps.slice(0, 10).map((s, i) => expect.stringMatching(new RegExp(`^  failed: ${s.action} .+: boom ${i}$`))));
    expect(lines[11]).toBe("  ... and 2 more failed (--format json lists each)");
    expect(lines).toHaveLength(12);
  });
});
