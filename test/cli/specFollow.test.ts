/**
 * User trial 17: a running watch ignored edits to its spec. It reads the file before each round:
 * a valid edit is taken (and says whether the scope changed: another lease), an invalid one is
 * reported with its field and allowed values while the last valid spec holds, round after round.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { SpecFollower } from "../../src/cli/specFollow";

const A = "11111111-1111-1111-1111-111111111111";
const B = "22222222-2222-2222-2222-222222222222";
let dir: string;
let path: string;
const write = (doc: Record<string, unknown>, comment = "") => writeFileSync(path, comment + stringify(doc));
const base = { subscriptions: [A, B], logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Minimal" } };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "asc-spec-follow-"));
  path = join(dir, "spec.yaml");
  write(base);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("a watch follows its spec file", () => {
  it("unchanged, or changed by a comment only: the same spec", () => {
    const f = SpecFollower.open(path);
    expect(f.check()).toEqual({ status: "same" });
    write(base, "# a comment\n");
    expect(f.check()).toEqual({ status: "same" });
  });

  it("a valid edit is taken; the scope is the same", () => {
    const f = SpecFollower.open(path);
    write({ ...base, logAnalyticsAgent: { ...base.logAnalyticsAgent, securityEvents: "Common" } });
    const check = f.check();
    expect(check).toMatchObject({ status: "reloaded", scopeChanged: false });
    expect(f.current.logAnalyticsAgent.securityEvents).toBe("Common");
    expect(f.check()).toEqual({ status: "same" });
  });

  it("another subscription list, another scope (not its order or case)", () => {
    const f = SpecFollower.open(path);
    write({ ...base, subscriptions: [B.toUpperCase(), A] });
    expect(f.check()).toMatchObject({ status: "reloaded", scopeChanged: false });
    write({ ...base, subscriptions: [A] });
    expect(f.check()).toMatchObject({ status: "reloaded", scopeChanged: true });
    expect(f.current.subscriptions).toEqual([A]);
  });

  it("an invalid edit is reported each round, naming the field and the values allowed; the last valid spec holds until the file is fixed", () => {
    const f = SpecFollower.open(path);
    write({ ...base, logAnalyticsAgent: { ...base.logAnalyticsAgent, securityEvents: "Most" } });
    for (let round = 0; round < 2; round++) {
      const check = f.check();
      expect(check.status).toBe("invalid");
      expect(check.status === "invalid" && check.error).toMatch(/logAnalyticsAgent\.securityEvents.*"Most".*(All|Common|Minimal)/s);
      expect(f.current.logAnalyticsAgent.securityEvents).toBe("Minimal");
    }
    rmSync(path);
    expect(f.check()).toMatchObject({ status: "invalid", error: expect.stringContaining("ENOENT") });
    write({ ...base, logAnalyticsAgent: { ...base.logAnalyticsAgent, securityEvents: "All" } });
    expect(f.check()).toMatchObject({ status: "reloaded", scopeChanged: false });
    expect(f.current.logAnalyticsAgent.securityEvents).toBe("All");
  });
});
