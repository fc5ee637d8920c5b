/**
 * User trial 17: a running watch ignored edits to its spec, silently. It reads the file before each
 * round: an invalid edit is said (the field, the values allowed) and the watch goes on with the last
 * valid spec; a valid edit is used and said; a changed scope releases the lease of the subscriptions
 * it no longer covers (an apply on one of them, refused before, runs).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { runCli, startLab, until, type Lab } from "./helpers";

jest.setTimeout(300_000);

describe("a watch follows its spec file", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(20, {}, 41);
  });
  afterAll(() => lab?.emu.stop());

  it("an invalid edit is said and the last valid spec kept; a valid one is used; a smaller scope frees the rest", async () => {
    const [kept, dropped] = lab.emu.subscriptionIds;
    expect(dropped).toBeDefined();
    const good = parse(readFileSync(lab.specPath, "utf8")) as Record<string, unknown> & { logAnalyticsAgent: Record<string, unknown> };
    const onlyDropped = join(lab.dir, "dropped.yaml");
    writeFileSync(onlyDropped, stringify({ ...good, subscriptions: [dropped] }));
    const applyDropped = () => runCli(lab, ["apply", "--spec", onlyDropped, "--yes", "--state-dir", join(lab.dir, "state-apply"), "--quiet", "--max-writes-per-second", "500"]);

    const watch = runCli(lab, ["reconcile", "--spec", lab.specPath, "--state-dir", lab.stateDir, "--watch", "--interval", "0.5", "--quiet", "--max-writes-per-second", "500"]);
    const out = () => watch.stdout();
    const rounds = () => [...out().matchAll(/Z round (\d+): /g)].map((m) => Number(m[1]));
    const last = () => Math.max(0, ...rounds());
    await until(() => last() >= 2, "the watch's second round", 2400);
    // The watch holds every subscription of its spec.
    const refused = applyDropped();
    expect(await refused.exit).toBe(1);
    expect(refused.stderr()).toMatch(/is locked by reconcile/);

    writeFileSync(lab.specPath, stringify({ ...good, logAnalyticsAgent: { ...good.logAnalyticsAgent, securityEvents: "Most" } }));
    await until(() => out().includes("is not valid"), "the round that reads the invalid spec", 2400);
    const invalidAt = last();
    await until(() => last() >= invalidAt + 2, "two more rounds", 2400);
    const said = out().split("\n").filter((l) => l.includes("is not valid"));
    // Said every round while the file stays invalid, with the field and the values allowed.
    expect(said.length).toBeGreaterThanOrEqual(2);
    expect(out()).toMatch(/logAnalyticsAgent\.securityEvents: "Most" is not one of/);
    expect(out()).not.toMatch(/round \d+: failed/);

    writeFileSync(lab.specPath, stringify({ ...good, subscriptions: [kept] }));
    await until(() => out().includes("spec changed: reloaded; its scope changed"), "the round that reloads the spec", 2400);
    const reloadedAt = last();
    await until(() => last() >= reloadedAt + 1 && !/round \d+: (failed|skipped)/.test(out().slice(out().indexOf("spec changed: reloaded"))), "a round on the new spec", 2400);
    // The dropped subscription's lease was released: an apply there runs.
    const freed = applyDropped();
    expect(await freed.exit).toBe(0);

    watch.child.kill("SIGINT");
    expect(await watch.exit).toBe(0);
    // Every round line starts with its UTC time.
    for (const l of out().split("\n").filter((x) => / round \d+: /.test(x))) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ round \d+: /);
    console.log(`watch spec reload: ${rounds().length} round line(s); invalid said ${said.length} time(s); reloaded at round ${reloadedAt}`);
  });
});
