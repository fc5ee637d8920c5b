/**
 * The per-machine outcomes of installs handed to a remediation task, read from the task's
 * deployments once the apply ran; and what a stop does to that read.
 */
import type { Step } from "../../src/capabilities";
import type { ArmClients } from "../../src/azure/clients";
import { delegatedOutcomes } from "../../src/azure/delegation";
import type { StepResult } from "../../src/azure/executor";
import { sleepUnlessStopped } from "../../src/azure/stop";

const SUB = "11111111-1111-1111-1111-111111111111";
const vm = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}`;
const install = (name: string): Step => ({ id: `install-extension:${vm(name)}/extensions/MicrosoftMonitoringAgent`, action: "install-extension", target: `${vm(name)}/extensions/MicrosoftMonitoringAgent`, dependsOn: [], details: { machineId: vm(name) } }) as unknown as Step;
const remediation = (name: string, machines: string[]): StepResult => ({
  step: { id: `create-remediation:${name}`, action: "create-remediation", target: name, dependsOn: [], details: { name, scope: `/subscriptions/${SUB}`, resourceIds: machines.map(vm) } } as unknown as Step,
  status: "done",
});

interface Deployment {
  remediatedResourceId: string;
  status: string;
  error?: { message: string };
}

/** ArmClients answering the deployment lists with `list` (per remediation name); counts the reads. */
function clients(list: (name: string, options?: { abortSignal?: AbortSignal }) => AsyncIterable<Deployment>): { clients: ArmClients; reads: string[] } {
  const reads: string[] = [];
  const fake = {
    remediations: () => ({
      remediations: {
        listDeploymentsAtSubscription: (name: string, options?: { abortSignal?: AbortSignal }) => {
          reads.push(name);
          return list(name, options);
        },
      },
    }),
  };
  return { clients: fake as unknown as ArmClients, reads };
}

async function* deployments(items: Deployment[]): AsyncIterable<Deployment> {
  yield* items;
}

/** ARM's throttling answer, as the SDK throws it. */
function throttled(retryAfterSeconds: number): Error {
  return Object.assign(new Error("Too many requests"), { statusCode: 429, response: { headers: { "retry-after": String(retryAfterSeconds) } } });
}

describe("delegatedOutcomes", () => {
  it("gives each install its machine's deployment: done, failed with the error, or failed when nothing was deployed", async () => {
    const { clients: c } = clients(() =>
      deployments([
        { remediatedResourceId: vm("a"), status: "Succeeded" },
        { remediatedResourceId: vm("b"), status: "Failed", error: { message: "VM agent not ready" } },
      ]),
    );
    const out = await delegatedOutcomes(c, [install("a"), install("b"), install("c")], [remediation("task", ["a", "b", "c"])]);
    expect(out.map((r) => [r.status, r.error])).toEqual([
      ["done", undefined],
      ["failed", "remediation task: deployment Failed: VM agent not ready"],
      ["failed", "remediation task deployed nothing to this machine"],
    ]);
  });

  it("after a stop, reads no deployment list and waits out no Retry-After: its installs are skipped", async () => {
    const stop = new AbortController();
    const waits: number[] = [];
    // ARM throttles the read for 2 minutes; the run is interrupted while it waits.
    const { clients: c, reads } = clients(() => ({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(throttled(120)) }),
    }));
    const sleep = (ms: number, signal?: AbortSignal) => {
      waits.push(ms);
      stop.abort(new Error("interrupted by SIGINT"));
      return sleepUnlessStopped(ms, signal);
    };
    const out = await delegatedOutcomes(c, [install("a"), install("b"), install("c")], [remediation("first", ["a", "b"]), remediation("second", ["c"])], { signal: stop.signal, sleep });
    expect(waits).toEqual([120_000]);
    // The second task's list is not read at all once the run stopped.
    expect(reads).toEqual(["first"]);
    expect(out.map((r) => [r.status, r.error])).toEqual([
      ["skipped", "the deployments of its remediation task first were not read: interrupted by SIGINT"],
      ["skipped", "the deployments of its remediation task first were not read: interrupted by SIGINT"],
      ["skipped", "the deployments of its remediation task second were not read: interrupted by SIGINT"],
    ]);
  });

  it("cuts a deployment list in flight when the run stops", async () => {
    const stop = new AbortController();
    let cut: AbortSignal | undefined;
    const { clients: c } = clients((_name, options) => ({
      [Symbol.asyncIterator]: () => ({
        next: () =>
          new Promise<IteratorResult<Deployment>>((_resolve, reject) => {
            cut = options?.abortSignal;
            // An answer that never comes: only the abort ends the request.
            options?.abortSignal?.addEventListener("abort", () => reject(Object.assign(new Error("The operation was aborted."), { name: "AbortError" })));
            stop.abort(new Error("interrupted by SIGTERM"));
          }),
      }),
    }));
    const out = await delegatedOutcomes(c, [install("a")], [remediation("task", ["a"])], { signal: stop.signal });
    expect(cut?.aborted).toBe(true);
    expect(out).toEqual([expect.objectContaining({ status: "skipped", error: "the deployments of its remediation task task were not read: interrupted by SIGTERM" })]);
  });
});
