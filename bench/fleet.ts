/**
 * Seeded inventories of any size for the planner benchmark: mixed regions, OSes, kinds, power
 * states and every pre-existing-agent case, written as a stream so 1M machines fit in memory.
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { LOG_ANALYTICS_AGENT, type OsType } from "../src/spec/extensions";
import { defaultWorkspaceId } from "../src/spec/naming";
import { geographyOf } from "../src/spec/geography";
import { Rng } from "../src/emulator/util/random";

const SUBS = ["aaaaaaaa-0000-4000-8000-000000000001", "aaaaaaaa-0000-4000-8000-000000000002", "aaaaaaaa-0000-4000-8000-000000000003"];
const REGIONS = ["westeurope", "northeurope", "eastus", "westus2", "japaneast", "uksouth", "australiaeast", "southafricanorth"];
const USER_WS = `/subscriptions/${SUBS[0]}/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/ops-central`;
const USER_CUSTOMER = "bbbbbbbb-0000-4000-8000-000000000000";

function customerIdOf(workspaceId: string): string {
  let h = 0;
  for (let i = 0; i < workspaceId.length; i++) h = (Math.imul(h, 31) + workspaceId.charCodeAt(i)) >>> 0;
  return `cccccccc-0000-4000-8000-${h.toString(16).padStart(12, "0")}`;
}

/**
 * Writes the inventory. `order: "id"` writes machines sorted by id, as `asc-autoprovision
 * inventory` does (Resource Graph is asked to order by id); "generated" keeps the seeded mix.
 */
export async function writeFleetInventory(path: string, machines: number, seed = 42, order: "id" | "generated" = "generated"): Promise<void> {
  const rng = new Rng(seed);
  const rnd = () => rng.next();
  const pick = <T>(xs: readonly T[]): T => rng.pick(xs);
  const out = createWriteStream(path);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, "drain");
  };
  const workspaces = [
    { id: USER_WS, customerId: USER_CUSTOMER, location: "westeurope", createdBySecurityCenter: false, solutions: ["Security"] },
    ...SUBS.flatMap((sub) =>
      ["eastus", "westeurope"].map((region) => {
        const id = defaultWorkspaceId(sub, geographyOf(region).code);
        return { id, customerId: customerIdOf(id), location: region, createdBySecurityCenter: true, solutions: ["SecurityCenterFree"] };
      }),
    ),
  ];
  await write(`{"version":1,"subscriptions":${JSON.stringify(SUBS.map((id, i) => ({ id, onboardedAt: i === 2 ? "2018-05-01" : "2020-01-01" })))},`);
  await write(`"workspaces":${JSON.stringify(workspaces)},"machines":[`);
  const rows: [string, string][] = [];
  for (let i = 0; i < machines; i++) {
    const sub = SUBS[i % SUBS.length]!;
    const osType: OsType = rnd() < 0.6 ? "Windows" : "Linux";
    const location = pick(REGIONS);
    const kindRoll = rnd();
    const kind = kindRoll < 0.8 ? "vm" : kindRoll < 0.9 ? "vmss" : "arc";
    const provider = kind === "vm" ? "Microsoft.Compute/virtualMachines" : kind === "vmss" ? "Microsoft.Compute/virtualMachineScaleSets" : "Microsoft.HybridCompute/machines";
    const roll = rnd();
    const la = LOG_ANALYTICS_AGENT[osType];
    const extensions: object[] = [];
    const agents: object[] = [];
    if (roll < 0.35) {
      const ws = defaultWorkspaceId(sub, geographyOf(rnd() < 0.5 ? "eastus" : "westeurope").code);
      extensions.push({ publisher: la.publisher, type: la.type, version: rnd() < 0.2 ? "1.0.0" : la.version, workspaceCustomerId: customerIdOf(ws) });
    } else if (roll < 0.42) {
      extensions.push({ publisher: la.publisher, type: la.type, version: la.version, workspaceCustomerId: USER_CUSTOMER });
    } else if (roll < 0.5) {
      agents.push({ kind: "direct", workspaceCustomerIds: [USER_CUSTOMER] });
    } else if (roll < 0.55) {
      agents.push({ kind: "scom", version: pick(["2012", "2016", "2019"]) });
    }
    const m = {
      id: `/subscriptions/${sub}/resourceGroups/rg-${i % 97}/providers/${provider}/m${String(i).padStart(7, "0")}`,
      kind,
      osType,
      location,
      powerState: rnd() < 0.9 ? "running" : "deallocated",
      vmAgent: rnd() < 0.97,
      extensions,
      agents,
    };
    if (order === "id") rows.push([m.id, JSON.stringify(m)]);
    else await write((i ? "," : "") + JSON.stringify(m));
  }
  if (order === "id") {
    rows.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (let i = 0; i < rows.length; i++) await write((i ? "," : "") + rows[i]![1]);
  }
  await write(`],"clusters":[],"policyAssignments":[],"roleAssignments":[],"remediations":[],"settings":{}}`);
  out.end();
  await once(out, "finish");
}

export const BENCH_SUBSCRIPTIONS = SUBS;
