/**
 * Emulator throughput on this machine: requests/s for GET and PUT over HTTPS with a few requests
 * in flight, plus fleet generation and a Resource Graph page. Run with `npm run bench -- emulator`
 * or, after `npm run build`, `node dist/bench/emulator.js`.
 */
import https from "node:https";
import { performance } from "node:perf_hooks";
import { startEmulator, type RunningEmulator } from "../src/emulator";

const REQUESTS = 2000;
const CONCURRENCY = 8;

interface Result {
  readonly label: string;
  readonly requests: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p95: number;
}

function request(agent: https.Agent, emu: RunningEmulator, token: string, method: string, path: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    const req = https.request(new URL(path, emu.url), { method, agent, ca: emu.caCert, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function measure(label: string, send: (i: number) => Promise<number>): Promise<Result> {
  // Warm-up (connections, JIT) before the measured run.
  for (let i = 0; i < 100; i++) await send(REQUESTS + i);
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < REQUESTS) {
      const i = next++;
      const t = performance.now();
      const status = await send(i);
      if (status >= 300) throw new Error(`${label}: request ${i} answered ${status}`);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { label, requests: REQUESTS, seconds, p50: latencies[Math.floor(latencies.length * 0.5)]!, p95: latencies[Math.floor(latencies.length * 0.95)]! };
}

function print(r: Result): void {
  console.log(
    `  ${r.label.padEnd(44)} ${String(r.requests).padStart(5)} requests in ${r.seconds.toFixed(2)} s = ${(r.requests / r.seconds).toFixed(0).padStart(5)} req/s  (p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms)`,
  );
}

export async function benchEmulator(): Promise<void> {
  console.log(`emulator: ${REQUESTS} requests each, ${CONCURRENCY} in flight, HTTPS keep-alive, state fsynced per write (WAL, synchronous=FULL)`);
  const t0 = performance.now();
  const emu = await startEmulator({ fleet: 1000, seed: 1 });
  console.log(`  ${"start with a 1,000-machine fleet".padEnd(44)} ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const token = (await emu.credential().getToken("https://management.azure.com/.default"))!.token;
    const vmId = emu.fleet!.cases["no-agent"]!.find((id) => id.includes("/virtualMachines/"))!;
    const sub = emu.subscriptionIds[0]!;
    print(await measure("GET virtual machine", () => request(agent, emu, token, "GET", `${vmId}?api-version=2026-04-01`)));
    print(await measure("GET virtual machine ($expand=instanceView)", () => request(agent, emu, token, "GET", `${vmId}?api-version=2026-04-01&$expand=instanceView`)));
    print(
      await measure("PUT resource group (new each time)", (i) =>
        request(agent, emu, token, "PUT", `/subscriptions/${sub}/resourcegroups/rg-bench-${i}?api-version=2025-04-01`, JSON.stringify({ location: "eastus", tags: { i: String(i) } })),
      ),
    );
    const query = JSON.stringify({
      subscriptions: emu.subscriptionIds,
      query: "resources | where type in~ ('microsoft.compute/virtualmachines', 'microsoft.compute/virtualmachines/extensions') | project id, name, type, properties | order by id asc",
      options: { $top: 1000 },
    });
    const g0 = performance.now();
    const pages = 20;
    for (let i = 0; i < pages; i++) await request(agent, emu, token, "POST", "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01", query);
    console.log(`  ${"Resource Graph page (1,000 rows)".padEnd(44)} ${((performance.now() - g0) / pages).toFixed(1)} ms each`);
    const counters = await emu.admin<{ byClass: Record<string, number> }>("GET", "/admin/counters");
    console.log(`  requests counted by class: ${JSON.stringify(counters.byClass)}`);
  } finally {
    agent.destroy();
    await emu.stop();
  }
}

if (require.main === module) {
  benchEmulator().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
