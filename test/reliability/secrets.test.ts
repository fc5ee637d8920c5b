/**
 * Secrets (issue "Reliability and security"): workspace keys live only in memory and in the
 * extensions' protectedSettings. After a full run through the CLI (inventory, plan in every
 * format, apply with its journal, a second plan), no log line, plan, inventory, journal or
 * output holds a workspace key or a bearer token.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { nameOf, resourceGroupOf, subscriptionOf } from "../../src/inventory/ids";
import { readInventory } from "../../src/azure/inventory";
import { loadSpecFile } from "../../src/spec/load";
import { applyArgs, runCli, startLab, type Lab } from "../e2e/helpers";

jest.setTimeout(180_000);

let lab: Lab;
beforeAll(async () => {
  lab = await startLab(60, {}, 61);
});
afterAll(() => lab?.emu.stop());

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

it("no workspace key and no token appears in anything the tool wrote or printed", async () => {
  const outputs: string[] = [];
  const run = async (args: string[]) => {
    const r = runCli(lab, args);
    await r.exit;
    outputs.push(r.stdout(), r.stderr());
  };
  await run(["inventory", "--spec", lab.specPath, "--out", join(lab.dir, "inventory.json")]);
  for (const format of ["text", "json", "markdown"]) await run(["plan", "--spec", lab.specPath, "--format", format, "--out", join(lab.dir, `plan-${format}.json`)]);
  await run([...applyArgs(lab), "--format", "json"]);
  await run(["apply", "--spec", lab.specPath, "--yes", "--state-dir", lab.stateDir]);
  await run(["reconcile", "--spec", lab.specPath, "--state-dir", lab.stateDir]);
  const files = filesUnder(lab.dir).filter((f) => !f.includes(`${join(lab.dir, "emulator")}`)); // the emulator's own database holds keys, as Azure does
  expect(files.some((f) => f.includes("journal"))).toBe(true);
  const written = files.map((f) => readFileSync(f, "utf8"));

  // Every workspace key Azure (the emulator) holds now.
  const spec = loadSpecFile(lab.specPath);
  const inventory = await readInventory(lab.conn, spec.subscriptions);
  const keys: string[] = [];
  for (const ws of inventory.workspaces) {
    const oi = new OperationalInsightsManagementClient(lab.emu.credential(), subscriptionOf(ws.id), lab.emu.clientOptions());
    const k = await oi.sharedKeys.getSharedKeys(resourceGroupOf(ws.id), nameOf(ws.id));
    keys.push(k.primarySharedKey!, k.secondarySharedKey!);
  }
  expect(keys.length).toBeGreaterThan(10);
  const token = (await lab.emu.credential().getToken("https://management.azure.com/.default"))!.token;
  const haystack = [...outputs, ...written];
  console.log(`secrets: searched ${outputs.length} outputs and ${written.length} files (${haystack.reduce((n, s) => n + s.length, 0)} characters) for ${keys.length} keys and bearer tokens`);
  for (const key of keys) expect(haystack.filter((h) => h.includes(key))).toEqual([]);
  // Bearer tokens are JWTs: "eyJ" is the start of their base64 header.
  expect(haystack.filter((h) => h.includes(token.slice(0, 40)) || /eyJ[A-Za-z0-9_-]{10,}\.eyJ/.test(h))).toEqual([]);
  expect(haystack.filter((h) => /workspaceKey|primarySharedKey|secondarySharedKey/.test(h))).toEqual([]);
});
