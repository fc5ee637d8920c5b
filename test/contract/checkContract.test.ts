/**
 * The API-contract check (scripts/check-contract.mjs) on traffic recorded from the emulator:
 * clean traffic passes; a schema violation, a status the spec does not allow and an operation no
 * spec or SDK package knows each fail it. The e2e suites' own traffic is checked in CI
 * (.ci/run: ASC_CONTRACT_DIR, then the script).
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { SecurityCenter } from "@azure/arm-security";
import { startEmulator, type RunningEmulator } from "../../src/emulator";

const ROOT = join(__dirname, "../..");
const SCRIPT = join(ROOT, "scripts/check-contract.mjs");

function oavAvailable(): boolean {
  if (process.env.ASC_OAV_BIN) return true;
  const found = spawnSync("bash", [join(ROOT, "scripts/oav-tools.sh"), "--check"], { encoding: "utf8" }).status === 0;
  if (!found && process.env.ASC_REQUIRE_OAV === "1") throw new Error("ASC_REQUIRE_OAV=1 but oav is not installed: run scripts/oav-tools.sh");
  if (!found) console.warn("contract tests skipped: no oav. Install it with scripts/oav-tools.sh (npm package oav, cached outside the repository).");
  return found;
}

const suite = oavAvailable() ? describe : describe.skip;

interface Report {
  exchanges: number;
  validatedByOav: number;
  violations: number;
  unmatched: number;
  violationList: string[];
  unmatchedList: string[];
}

function check(dir: string): Promise<{ code: number; report: Report }> {
  const out = join(dir, "..", `report-${Date.now()}.json`);
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, dir, "--json", out], { timeout: 240_000 }, (err) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, report: JSON.parse(readFileSync(out, "utf8")) as Report });
    });
  });
}

suite("the API-contract check", () => {
  let emu: RunningEmulator;
  let dir: string;
  let traffic: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "asc-contract-"));
    traffic = join(dir, "traffic");
    emu = await startEmulator({ fleet: 16, seed: 2, recordTraffic: traffic });
    // The Defender subscription: VirtualMachines is Standard (with an enablement time the 2022-03-01 schema does not have).
    const sub = emu.subscriptionIds[1]!;
    const security = new SecurityCenter(emu.credential(), sub, emu.clientOptions());
    const workspace = emu.fleet!.workspaces.find((w) => w.id.includes(`/subscriptions/${sub}/`))!;
    await security.pricings.get("VirtualMachines");
    await security.autoProvisioningSettings.get("default");
    await security.workspaceSettings.create("default", { workspaceId: workspace.id, scope: `/subscriptions/${sub}` });
    await security.workspaceSettings.get("default");
    await security.workspaceSettings.delete("default");
    // Resource Graph as the inventory reads it (src/azure/graph.ts): a page of 5 machines, then the rest.
    const graph = new ResourceGraphClient(emu.credential(), emu.clientOptions());
    const query = "resources | where type =~ 'microsoft.compute/virtualmachines' | project id, name, type, location, properties | order by id asc";
    const first = await graph.resources({ query, subscriptions: [...emu.subscriptionIds], options: { top: 5, resultFormat: "objectArray" } });
    await graph.resources({ query, subscriptions: [...emu.subscriptionIds], options: { top: 1000, skipToken: first.skipToken, resultFormat: "objectArray" } });
  }, 120_000);

  afterAll(async () => {
    await emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the emulator's answers satisfy the published specs", async () => {
    const { code, report } = await check(traffic);
    expect({ violations: report.violationList, unmatched: report.unmatchedList }).toEqual({ violations: [], unmatched: [] });
    expect(report.validatedByOav).toBe(report.exchanges);
    expect(code).toBe(0);
  }, 240_000);

  test("a schema violation, a status the spec does not declare and an unknown operation each fail the check", async () => {
    const bad = join(dir, "bad");
    const files = readdirSync(traffic);
    const exchange = (pred: (x: { liveRequest: { method: string; url: string } }) => boolean) =>
      files.map((f) => JSON.parse(readFileSync(join(traffic, f), "utf8"))).find(pred);
    const del = exchange((x) => x.liveRequest.method === "DELETE");
    const get = exchange((x) => x.liveRequest.method === "GET" && x.liveRequest.url.includes("/workspaceSettings/default"));
    mkdirSync(bad);
    writeFileSync(join(bad, "1.json"), JSON.stringify({ ...del, liveResponse: { ...del.liveResponse, statusCode: "200", body: get.liveResponse.body } }));
    writeFileSync(join(bad, "2.json"), JSON.stringify({ ...get, liveResponse: { ...get.liveResponse, body: { ...get.liveResponse.body, properties: { workspaceId: 42, scope: "x" } } } }));
    writeFileSync(join(bad, "3.json"), JSON.stringify({ ...get, liveRequest: { ...get.liveRequest, url: get.liveRequest.url.replace("workspaceSettings", "workspaceGadgets") } }));
    const { code, report } = await check(bad);
    expect(code).toBe(1);
    expect(report.violationList.join("\n")).toMatch(/INVALID_RESPONSE_CODE/);
    expect(report.violationList.join("\n")).toMatch(/INVALID_TYPE/);
    expect(report.unmatchedList).toEqual([expect.stringContaining("workspaceGadgets")]);
  }, 240_000);

  test("Resource Graph's queries and pages are held to its 2024-04-01 spec", async () => {
    const queries = readdirSync(traffic)
      .map((f) => JSON.parse(readFileSync(join(traffic, f), "utf8")))
      .filter((x) => x.liveRequest.url.includes("/providers/Microsoft.ResourceGraph/resources"));
    expect(queries.length).toBe(2);
    const bad = join(dir, "bad-graph");
    mkdirSync(bad);
    const [page] = queries;
    // An envelope as an older emulator might answer: resultTruncated a boolean, totalRecords missing.
    const { totalRecords: _dropped, ...rest } = page.liveResponse.body;
    writeFileSync(join(bad, "1.json"), JSON.stringify({ ...page, liveResponse: { ...page.liveResponse, body: { ...rest, resultTruncated: false } } }));
    // A request over the page size the spec allows, with a scope filter it does not name.
    writeFileSync(join(bad, "2.json"), JSON.stringify({ ...page, liveRequest: { ...page.liveRequest, body: { ...page.liveRequest.body, options: { $top: 5000, authorizationScopeFilter: "Everywhere" } } } }));
    const { code, report } = await check(bad);
    expect(code).toBe(1);
    const text = report.violationList.join("\n");
    for (const problem of [/Missing required property: totalRecords/, /Expected type string but found type boolean/, /5000 is greater than maximum 1000/, /No enum match for: Everywhere/]) expect(text).toMatch(problem);
  }, 240_000);

  test("a scripted fault's raw answer (a test's bytes, not the emulator's) is not recorded for the check", async () => {
    const graph = new ResourceGraphClient(emu.credential(), { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
    const query = "resources | project id";
    const before = readdirSync(traffic).length;
    await emu.admin("POST", "/admin/faults", { scripted: [{ class: "graph", respond: { status: 200, body: '{"totalRecords": 3, "data": [{"id": "/subsc' }, count: 1 }] });
    await expect(graph.resources({ query, subscriptions: [...emu.subscriptionIds] })).rejects.toThrow();
    expect(readdirSync(traffic).length).toBe(before);
    await graph.resources({ query, subscriptions: [...emu.subscriptionIds] });
    expect(readdirSync(traffic).length).toBe(before + 1);
  }, 60_000);
});
