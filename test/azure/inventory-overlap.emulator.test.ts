/**
 * A read sends what depends only on the fleet's rows together: the policy and role assignment
 * queries, the remediation tasks, deleted workspaces, the workspaces' security-event settings and
 * the machines' Defender rows are in flight at the same time, so a round waits for the slowest of
 * them rather than their sum. Each emulator answer is delayed (fault injection) so that requests
 * sent one phase after another could never overlap.
 */
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { emulatorConnection, type AzureConnection } from "../../src/azure/connection";
import { readInventory } from "../../src/azure/inventory";
import { startEmulator, type RunningEmulator } from "../../src/emulator";

let emu: RunningEmulator;
afterAll(() => emu?.stop());

/** What kind of read a request is (undefined: one this test does not follow). */
function kindOf(url: string, body: string | undefined): string | undefined {
  const path = new URL(url).pathname.toLowerCase();
  if (path.endsWith("/providers/microsoft.policyinsights/remediations")) return "remediations";
  if (path.includes("/deletedworkspaces")) return "deleted workspaces";
  if (path.endsWith("/datasources")) return "security events";
  if (path.endsWith("/providers/microsoft.resourcegraph/resources")) {
    const table = /"query":"\s*(\w+)/.exec(body ?? "")?.[1];
    return table === "policyresources" || table === "authorizationresources" || table === "securityresources" ? table : undefined;
  }
  return undefined;
}

test("the reads after the fleet's rows overlap", async () => {
  emu = await startEmulator({ fleet: 60, seed: 7, faults: { latencyMs: { default: 150 } } });
  const base = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  const inFlight = new Map<string, number>();
  /** Kinds seen in flight together with another kind. */
  const together = new Set<string>();
  const tracker: PipelinePolicy = {
    name: "in-flight",
    sendRequest: async (req, next) => {
      const kind = kindOf(req.url, typeof req.body === "string" ? req.body : undefined);
      if (!kind) return next(req);
      inFlight.set(kind, (inFlight.get(kind) ?? 0) + 1);
      for (const [k, n] of inFlight) if (n > 0 && k !== kind) together.add(k).add(kind);
      try {
        return await next(req);
      } finally {
        inFlight.set(kind, inFlight.get(kind)! - 1);
      }
    },
  };
  const conn: AzureConnection = { ...base, clientOptions: () => ({ ...base.clientOptions(), additionalPolicies: [{ policy: tracker, position: "perCall" }] }) };
  const inv = await readInventory(conn, emu.subscriptionIds);
  expect(inv.machines.length).toBe(60);
  expect([...together].sort()).toEqual(["authorizationresources", "deleted workspaces", "policyresources", "remediations", "security events", "securityresources"]);
});
