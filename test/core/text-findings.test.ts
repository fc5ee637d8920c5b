/**
 * A finding per machine (an Operations Manager 2012 agent on each of many machines) made one text
 * line per machine (user trial 16: 50 lines at 2,400 machines; tens of thousands at 1M). The text
 * shows ten per code and counts the rest; the plan itself (and so its JSON) keeps every one.
 */
import { plan, renderText } from "../../src/core";
import { inventory, machine, spec } from "../helpers/fixtures";

it("shows at most ten findings of a code, in plan order, then counts the rest; the plan keeps them all", () => {
  const scom = Array.from({ length: 25 }, (_, i) => machine(`vm-scom-${String(i).padStart(2, "0")}`, { agents: [{ kind: "scom", version: "2012" }] }));
  const p = plan(spec({ autoProvision: true, agent: "mma" }), inventory({ machines: scom }));
  const all = p.findings.filter((f) => f.code === "scom-2012-agent");
  expect(all).toHaveLength(25);
  const text = renderText(p);
  const lines = text.split("\n").filter((l) => / scom-2012-agent \(/.test(l));
  expect(lines.map((l) => /\((vm-scom-\d+)\)/.exec(l)?.[1])).toEqual(all.slice(0, 10).map((f) => f.target.split("/").pop()));
  expect(text).toContain("  … and 15 more scom-2012-agent finding(s): every one is in the plan file (--out, --format json)\n");
  // Another code's findings are not counted against it.
  const others = p.findings.filter((f) => f.code !== "scom-2012-agent");
  for (const f of others) expect(text).toContain(` ${f.code} (`);
});
