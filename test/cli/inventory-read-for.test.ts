/**
 * User trial 18b, defects 5 and 6: `plan --inventory` and `report` with an inventory read for
 * another spec. A tag the file did not keep is refused (exit 1, naming the tag and the command that
 * reads it); a management group it was not read for is a scope problem, with the exit codes of a
 * listed subscription the file lacks. A file without `readFor` works as before.
 */
import { parse } from "yaml";
import { main } from "../../src/cli/main";
import { readForOf } from "../../src/inventory";
import { parseSpec } from "../../src/spec";
import { alzFiles, alzInventory, CORP } from "../helpers/alz";

async function run(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const ALL = "managementGroups: [contoso]\nlogAnalyticsAgent: { autoProvision: true }\ndefender:\n  servers: { plan: P2, overrides: [{ tag: { defenderPlan: free }, plan: Free }] }\n";
const WATCH = `${ALL.replace("contoso", "landingzones")}exclude:\n  machineTags: { provisioning: "off" }\n`;
const readFor = (text: string) => readForOf(parseSpec(parse(text)));

const file = alzFiles(
  { "spec-all.yaml": ALL, "spec-watch.yaml": WATCH },
  {
    "inv-all.json": { ...alzInventory({ sandbox: true }), readFor: readFor(ALL) },
    "inv-watch.json": { ...alzInventory({ sandbox: true }), readFor: readFor(WATCH) },
    "inv-corp.json": { ...alzInventory({ only: [CORP] }), readFor: { ...readFor(ALL), managementGroups: [], subscriptions: [CORP] } },
    "inv-old.json": alzInventory({ sandbox: true }),
  },
);

describe("an inventory read for another spec's tags", () => {
  const refusal = `asc-autoprovision: ${file("inv-all.json")} was read for another spec: it kept machine tag(s) defenderplan, excludemdeautoupdate and not provisioning (exclude.machineTags.provisioning), so its machines would all look untagged there. Read it again for this spec: asc-autoprovision inventory --spec ${file("spec-watch.yaml")} --out ${file("inv-all.json")}\n`;

  it("plan --inventory refuses it, naming the tag and the command (was: 8 steps on the tagged machines and a false warning)", async () => {
    expect(await run("plan", "--spec", file("spec-watch.yaml"), "--inventory", file("inv-all.json"), "--quiet")).toMatchObject({ code: 1, out: "", err: refusal });
  });

  it("report refuses it too (was: 1,124 machines counted against the live plan's 1,119)", async () => {
    expect(await run("report", "--spec", file("spec-watch.yaml"), "--inventory", file("inv-all.json"), "--format", "json")).toMatchObject({ code: 1, out: "", err: refusal });
  });

  it("the file read for that spec, and one read for a spec naming more tags, are taken", async () => {
    const own = await run("plan", "--spec", file("spec-watch.yaml"), "--inventory", file("inv-watch.json"), "--format", "json", "--quiet");
    expect(own.code).toBe(2);
    expect(JSON.parse(own.out).findings.map((f: { code: string }) => f.code)).not.toContain("exclusion-matches-nothing");
    // inv-watch kept provisioning as well as spec-all's tags, and was read for landingzones only: the tags pass, the scope does not.
    const wider = await run("report", "--spec", file("spec-all.yaml"), "--inventory", file("inv-watch.json"), "--format", "json");
    expect(wider.code).toBe(0);
    expect(JSON.parse(wider.out).latest.scopeProblems).toEqual([expect.stringContaining("read for management group(s) landingzones, not management group contoso")]);
  });

  it("a file without the record is planned as before", async () => {
    const old = await run("plan", "--spec", file("spec-watch.yaml"), "--inventory", file("inv-old.json"), "--format", "json", "--quiet");
    expect(old.code).toBe(2);
    expect(old.err).toBe("");
  });
});

describe("an inventory read for another scope", () => {
  const problem = `The inventory was read for subscription(s) ${CORP}, not management group contoso`;

  it("report --fail-under exits 1 naming it, as for a listed subscription the file lacks (was: exit 0 with scopeProblems [])", async () => {
    const gate = await run("report", "--spec", file("spec-all.yaml"), "--inventory", file("inv-corp.json"), "--format", "json", "--fail-under", "1");
    expect(gate.code).toBe(1);
    expect(gate.err).toMatch(new RegExp(`^asc-autoprovision: --fail-under: ${problem.replace(/[()]/g, "\\$&")}`));
    expect(JSON.parse(gate.out).latest.scopeProblems).toEqual([expect.stringContaining(problem)]);
    // Without a gate the report is written, exit 0, with the same warning.
    const plain = await run("report", "--spec", file("spec-all.yaml"), "--inventory", file("inv-corp.json"), "--format", "json");
    expect(plain.code).toBe(0);
    expect(plain.err).toContain(problem);
  });

  it("plan --inventory refuses the plan (exit 1), and the whole group's file is planned", async () => {
    const p = await run("plan", "--spec", file("spec-all.yaml"), "--inventory", file("inv-corp.json"), "--quiet");
    expect(p.code).toBe(1);
    // Read from a file, not Azure: the refusal names the file.
    expect(p.err).toContain(`the spec names what the inventory file ${file("inv-corp.json")} does not show; the plan is refused:\n  ${problem}`);
    expect((await run("plan", "--spec", file("spec-all.yaml"), "--inventory", file("inv-all.json"), "--quiet")).code).toBe(2);
  });
});
