/**
 * Which "Direct Agent" heartbeats are a directly installed agent (user trial 16, defect 3): an
 * extension re-pointed to another workspace stops heartbeating into the old one, a multi-homed
 * agent keeps heartbeating into every workspace it has.
 */
import { applyHeartbeats, freshHeartbeats, HEARTBEAT_FRESH_MS, HEARTBEAT_SPREAD_MS, type HeartbeatRow } from "../../src/azure/read/heartbeat";
import { laExtension, machine } from "../helpers/fixtures";

const T = Date.parse("2026-12-07T10:44:00Z");
const OLD = "d0000000-0000-4000-8000-000000000001";
const CENTRAL = "c0000000-0000-4000-8000-000000000002";
const OPS = "e0000000-0000-4000-8000-000000000003";

const direct = (resourceId: string, workspaceCustomerId: string, time: number): HeartbeatRow => ({ resourceId, category: "Direct Agent", version: "10.20.18067.0", workspaceCustomerId, time });
/** A Windows machine whose extension reports to the central workspace. */
const onCentral = (name: string) => machine(name, { extensions: [laExtension("Windows", "1.0", CENTRAL)] });
const directAgents = (m: ReturnType<typeof machine>) => (m.agents ?? []).filter((a) => a.kind === "direct");

describe("a workspace the machine's agent left is not a directly installed agent", () => {
  it("the old workspace's last heartbeat, over two intervals behind the extension's, is dropped", () => {
    const m = onCentral("moved");
    applyHeartbeats([m], [direct(m.id, CENTRAL, T), direct(m.id, OLD, T - HEARTBEAT_SPREAD_MS - 1)]);
    expect(directAgents(m)).toEqual([]);
  });

  it("within two intervals it still counts (the agent may heartbeat into its workspaces at different moments)", () => {
    const m = onCentral("multihomed");
    applyHeartbeats([m], [direct(m.id, CENTRAL, T), direct(m.id, OPS, T - HEARTBEAT_SPREAD_MS)]);
    expect(directAgents(m)).toEqual([{ kind: "direct", workspaceCustomerIds: [OPS] }]);
  });

  it("a multi-homed agent keeps both connections, whichever workspace heard from it last", () => {
    const m = onCentral("multihomed");
    applyHeartbeats([m], [direct(m.id, CENTRAL, T - 40_000), direct(m.id, OPS, T)]);
    expect(directAgents(m)).toEqual([{ kind: "direct", workspaceCustomerIds: [OPS] }]);
  });

  it("one machine's rows are one machine's whatever the case of their resource ids", () => {
    const m = onCentral("Moved-Case");
    applyHeartbeats([m], [direct(m.id.toLowerCase(), CENTRAL, T), direct(m.id.toUpperCase(), OLD, T - HEARTBEAT_SPREAD_MS - 1)]);
    expect(directAgents(m)).toEqual([]);
  });

  it("a direct agent moved from one workspace to another counts in the new one only", () => {
    const m = machine("direct-only");
    applyHeartbeats([m], [direct(m.id, OPS, T), direct(m.id, OLD, T - HEARTBEAT_SPREAD_MS - 60_000)]);
    expect(directAgents(m)).toEqual([{ kind: "direct", workspaceCustomerIds: [OPS] }]);
  });

  it("each machine is judged by its own heartbeats: another's newer ones drop nothing within the freshness window", () => {
    const quiet = machine("quiet");
    const busy = onCentral("busy");
    const rows = [direct(quiet.id, OPS, T - 5 * 60_000), direct(busy.id, CENTRAL, T)];
    expect(freshHeartbeats(rows)).toEqual(rows);
    applyHeartbeats([quiet, busy], rows);
    expect(directAgents(quiet)).toEqual([{ kind: "direct", workspaceCustomerIds: [OPS] }]);
  });

  it("without a heartbeat into the extension's workspace (not read, not reporting yet) the old rule holds: fresh within the window", () => {
    const m = onCentral("not-yet");
    applyHeartbeats([m, onCentral("other")], [direct(m.id, OLD, T - 5 * 60_000), direct("/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/other", CENTRAL, T)]);
    expect(directAgents(m)).toEqual([{ kind: "direct", workspaceCustomerIds: [OLD] }]);
  });

  it("a stopped machine's rows stop together: the freshness window, not the spread, decides", () => {
    const stopped = onCentral("stopped");
    const running = onCentral("running");
    const rows = [direct(stopped.id, CENTRAL, T - HEARTBEAT_FRESH_MS - 1), direct(stopped.id, OPS, T - HEARTBEAT_FRESH_MS - 1), direct(running.id, CENTRAL, T)];
    applyHeartbeats([stopped, running], rows);
    expect(directAgents(stopped)).toEqual([]);
  });

  it("Operations Manager rows keep the whole window, however far behind", () => {
    const m = onCentral("scom");
    const scom: HeartbeatRow = { resourceId: m.id, category: "SCOM Agent", version: "7.1.10184.0", workspaceCustomerId: OPS, time: T - 30 * 60_000 };
    expect(freshHeartbeats([direct(m.id, CENTRAL, T), scom])).toContainEqual(scom);
  });
});
