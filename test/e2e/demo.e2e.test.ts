/**
 * Issue 14: `npm run demo` shows the modern path on a mixed fleet: Defender for Servers P2 with its
 * components, Defender for Containers, AMA with the Common tier and the seed's rules for machines
 * that carry the Log Analytics agent; it converges (after Defender's own delay) and the second plan
 * is empty.
 */
import { main } from "../../src/cli/main";

jest.setTimeout(240_000);

async function run(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

it("shows the Defender plan field by field and the components, converges, and the second plan is empty", async () => {
  const r = await run("demo", "--fleet", "80", "--seed", "3", "--defender-delay", "1", "--quiet");
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/Spec: Defender for Servers P2 .*the Azure Monitor Agent with Common security events/);
  expect(r.out).toContain("VirtualMachines.subPlan: (none) → P2");
  expect(r.out).toMatch(/Defender for Endpoint \(machines\):\n(.*\n)*\s+mde-awaiting-defender\s+\d+/);
  expect(r.out).toMatch(/Guest Configuration \(machines\):\n(.*\n)*\s+gc-install\s+\d+/);
  // The seed's rules still show for machines that carry the Log Analytics agent: AMA goes in beside it.
  expect(r.out).toMatch(/\s+ama-migrate\s+\d+/);
  expect(r.out).toMatch(/Waiting 1 s for Defender to deploy what it deploys itself/);
  expect(r.out).toContain("Second plan: 0 step(s).");
  // The report's figures (machine by machine): one line per subscription, then the decisions not covered.
  expect(r.out).toMatch(/Coverage \(machines sending their security data as the spec asks\):\n( {2}[0-9a-f-]{36}: \d+\/\d+ \(\d+%\)\n)+Not covered, by the seed's rules:\n( {2}[a-z0-9-]+ +\d+ {2}.+\n)+Coverage by component:/);
  expect(r.out).toMatch(/Coverage by component:\n\s+Defender for Servers plan\s+\d+\/\d+ machines/);
});

it("--format json: the second plan's summary has no step and the coverage has the components", async () => {
  const r = await run("demo", "--fleet", "40", "--seed", "5", "--defender-delay", "1", "--quiet", "--format", "json");
  expect(r.code).toBe(0);
  const out = JSON.parse(r.out) as { secondPlan: { steps: number; components: Record<string, Record<string, number>> }; coverage: { components: { name: string }[] } };
  expect(out.secondPlan.steps).toBe(0);
  expect(out.secondPlan.components["endpoint"]?.["mde-awaiting-defender"] ?? 0).toBe(0);
  expect(out.coverage.components.map((c) => c.name)).toEqual(expect.arrayContaining(["endpoint", "vulnerabilityAssessment", "guestConfiguration", "plan"]));
});
