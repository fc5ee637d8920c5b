/** What `apply` tells a person after a stop: resume from the journal, or nothing left to resume. */
import type { ApplyResult } from "../../src/azure";
import type { Step } from "../../src/core";
import { stopAdvice } from "../../src/cli/round";

const install = { id: "install-extension:vm-1", action: "install-extension", target: "/subscriptions/s/vm-1", details: { machineId: "/subscriptions/s/vm-1" }, dependsOn: [] } as unknown as Step;
const counts = { done: 3, "already-done": 0, failed: 0, skipped: 0 };

function result(over: Partial<ApplyResult>): ApplyResult {
  return { results: [], counts, writes: 3, delegated: [], delegationSteps: [], ...over } as ApplyResult;
}

describe("stopAdvice", () => {
  it("says nothing when the apply was not stopped", () => {
    expect(stopAdvice(result({}), "journal.jsonl")).toBe("");
  });

  it("a stop while steps ran: the journal says where, apply again resumes", () => {
    expect(stopAdvice(result({ aborted: "interrupted by SIGINT" }), "journal.jsonl")).toBe("Stopped: interrupted by SIGINT. The journal (journal.jsonl) says where; run apply again to resume.\n");
  });

  it("a stop while the deployments were read, every step done: nothing to resume, the tasks go on", () => {
    const text = stopAdvice(result({ aborted: "interrupted by SIGINT", stoppedReadingDeployments: true, delegated: [{ step: install, status: "skipped" }] }), "journal.jsonl");
    expect(text).toContain("Every step had been sent and the journal is complete: there is nothing to resume");
    expect(text).toContain("the outcome of their 1 install(s) was not read");
    expect(text).not.toContain("run apply again");
  });

  it("a stop while the deployments were read after a step failed: apply again retries it", () => {
    const text = stopAdvice(result({ aborted: "interrupted by SIGINT", stoppedReadingDeployments: true, counts: { ...counts, failed: 1 }, delegated: [{ step: install, status: "skipped" }] }), "journal.jsonl");
    expect(text).toContain("1 step(s) failed or were skipped: the journal (journal.jsonl) holds them, and apply again retries them");
  });
});
