/** The journal's file: a torn last line, and a name that does not depend on the spec's order. */
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Journal, journalName } from "../../src/azure/journal";
import { leaseNames } from "../../src/azure/state/lease";
import type { Step } from "../../src/core";

const step = (id: string): Step => ({ id, action: "set-pricing", target: `/subscriptions/s/providers/Microsoft.Security/pricings/${id}`, dependsOn: [], details: { pricingTier: "Standard" } }) as unknown as Step;

describe("journal", () => {
  it("a torn last line (kill -9, disk full) does not swallow the next run's first record", () => {
    const path = join(mkdtempSync(join(tmpdir(), "journal-torn-")), "apply.jsonl");
    const first = new Journal(path);
    void first.record(step("a"), "start");
    first.close();
    appendFileSync(path, '{"event":"done","step":"a","fingerp'); // killed mid-write
    const second = new Journal(path);
    void second.record(step("b"), "start");
    second.close();
    const lines = readFileSync(path, "utf8").split("\n").filter(Boolean);
    // Every line parses: the torn one was cut before appending.
    expect(lines.map((l) => JSON.parse(l).step)).toEqual(["a", "b"]);
    expect(new Journal(path).previous(step("b"))?.event).toBe("start");
  });

  it("is named by the set of subscriptions, whatever their order or case in the spec", () => {
    const a = "11111111-1111-1111-1111-111111111111";
    const b = "22222222-2222-2222-2222-222222222222";
    expect(journalName([a, b])).toBe(journalName([b.toUpperCase(), a]));
    expect(journalName([a, b])).not.toBe(journalName([a]));
    // Another cloud (an emulator) is another fleet.
    expect(journalName([a], "https://localhost:1")).not.toBe(journalName([a], "https://localhost:2"));
  });

  it("a spec scoped by management groups takes a lease per group (it lists no subscription)", () => {
    expect(leaseNames([], undefined, ["Contoso"])).toEqual(["management-group-contoso"]);
    expect(leaseNames(["S1"], undefined, ["contoso"])).toEqual(["subscription-s1", "management-group-contoso"]);
    expect(leaseNames([], undefined, [])).toEqual([]);
  });

  it("ends with a stopped line saying why and where, which a resumed run reads past", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "journal-stop-")), "apply.jsonl");
    const j = new Journal(path);
    await j.record(step("a"), "sent");
    await j.stopped({ reason: "interrupted by SIGINT", counts: { done: 0, skipped: 1 }, inFlight: ["a"], notStarted: 0 });
    j.close();
    const last = JSON.parse(readFileSync(path, "utf8").trim().split("\n").pop()!);
    expect(last).toMatchObject({ event: "stopped", reason: "interrupted by SIGINT", inFlight: ["a"] });
    expect(new Journal(path).previous(step("a"))?.event).toBe("sent");
  });
});
