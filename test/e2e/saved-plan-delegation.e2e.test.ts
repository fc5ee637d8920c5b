/**
 * A saved plan and the delegation (user trial 16, defect 5): `plan --out` shows and records the
 * delegation apply will run (its --delegate-above, each grant); `apply --plan` runs that one, shows
 * it again before anything is sent, and refuses a --delegate-above other than the plan's, as the
 * review saw another set of steps.
 */
import { join } from "node:path";
import { runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(180_000);

/** The "Delegated to Azure Policy" section of a text output, up to its blank line. */
function section(out: string): string {
  const from = out.indexOf("\nDelegated to Azure Policy");
  return from < 0 ? "" : out.slice(from + 1, out.indexOf("\n\n", from + 1));
}

describe("a saved plan with a delegation", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(60, {}, 91);
  });
  afterAll(() => lab?.emu.stop());

  it("is applied with the delegation plan showed, shown again before it runs; another --delegate-above is refused", async () => {
    const file = join(lab.dir, "plan.json");
    const planned = runCli(lab, ["plan", "--spec", lab.specPath, "--out", file, "--delegate-above", "2", "--quiet"]);
    expect(await planned.exit).toBe(2);
    const reviewed = section(planned.stdout());
    expect(reviewed).toMatch(/^Delegated to Azure Policy \(--delegate-above 2\):\n {2}\d+ of the installs above are not sent one by one/);
    expect(reviewed).toMatch(/ grant-role +Log Analytics Contributor at subscription /);

    const apply = ["apply", "--plan", file, "--yes", "--state-dir", lab.stateDir, "--max-writes-per-second", "500"];
    const other = runCli(lab, [...apply, "--delegate-above", "5"]);
    expect(await other.exit).toBe(1);
    expect(other.stderr()).toContain("--delegate-above 5: the saved plan was made (and shows its delegation) with --delegate-above 2");

    const run = runCli(lab, apply);
    const code = await run.exit;
    expect({ code, err: code === 0 ? "" : run.stderr().slice(-2000) }).toEqual({ code: 0, err: "" });
    // The same delegation, shown before the apply's summary, and the installs it names made by remediation.
    expect(section(run.stdout())).toBe(reviewed);
    const shownInstalls = Number(/^ {2}(\d+) of the installs above/m.exec(reviewed)?.[1]);
    expect(run.stdout()).toContain(`Installs by remediation task, per machine: ${shownInstalls} done`);
  });
});
