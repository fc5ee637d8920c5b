/**
 * The HTML report in a real headless Chromium (Debian's chromium, driven by playwright-core): the
 * page loads with nothing but itself, and every figure read from its DOM equals the figures of
 * `report --format json` and the example fleet's known numbers. Also the PNG made by Chromium.
 *
 * Chromium is installed when missing by scripts/install-chromium.sh (as .ci/run does): when it
 * cannot be (not root, no sudo, no apt-get), this suite fails with the script's hint, it never skips.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { CHROMIUM_FLAGS, DEFAULT_CHROMIUM } from "../../src/cli/commands/report";
import { main } from "../../src/cli/main";
import type { Coverage, Report } from "../../src/report";
import { timeline } from "./fixtures";

const CHROMIUM = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM;
const INSTALL_HINT =
  `Chromium is needed for the HTML report test and was not found at ${CHROMIUM}. ` +
  "scripts/install-chromium.sh installs Debian's (as root or with sudo), or point CHROMIUM_PATH at a Chromium binary. " +
  "Never `npx playwright install`: no browser download works here.";

/** Debian's Chromium through the repository's script when it is missing (README: `npm test` on a fresh machine). */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.env.CHROMIUM_PATH) throw new Error(INSTALL_HINT);
  try {
    execFileSync("bash", [join(__dirname, "../../scripts/install-chromium.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    throw new Error(`scripts/install-chromium.sh failed: ${String((err as { stderr?: string }).stderr ?? err).trim()}\n${INSTALL_HINT}`);
  }
}

async function run(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const num = (s: string | null): number | null => (s === null || s === "" ? null : Number(s));

async function coverageAttrs(el: Locator): Promise<Coverage> {
  return { machines: num(await el.getAttribute("data-machines"))!, covered: num(await el.getAttribute("data-covered"))!, percent: num(await el.getAttribute("data-percent")) };
}

/** The figures a person sees in a row's cells, as numbers. */
async function coverageCells(row: Locator): Promise<Coverage> {
  const cell = async (f: string) => (await row.locator(`[data-field="${f}"]`).textContent())!.trim();
  const percent = await cell("percent");
  return { machines: Number(await cell("machines")), covered: Number(await cell("covered")), percent: percent === "—" ? null : Number(percent.replace(/%$/, "")) };
}

describe("report --format html in headless Chromium", () => {
  const t = timeline();
  const htmlFile = join(t.dir, "report.html");
  let json: Report;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureChromium();
    // Given newest first: the report orders them by generatedAt.
    const args = ["--spec", t.specFile, "--inventory", t.files[2]!, "--inventory", t.files[0]!, t.files[1]!];
    const html = await run("report", ...args, "--out", htmlFile);
    expect(html).toMatchObject({ code: 0, out: "" });
    const out = await run("report", ...args, "--format", "json");
    expect(out.code).toBe(0);
    json = JSON.parse(out.out) as Report;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS.filter((f) => f !== "--headless") });
    } catch (err) {
      throw new Error(`${CHROMIUM} did not start: ${(err as Error).message}\n${INSTALL_HINT}`);
    }
    page = await browser.newPage();
    page.on("request", (r) => requests.push(r.url()));
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: "load" });
  }, 600_000); // a first run may install Chromium with apt-get (minutes)

  afterAll(async () => {
    await browser?.close();
  });

  it("is self-contained: no request but the page, no script, no stylesheet or image to fetch, no CSP violation", async () => {
    expect(requests).toEqual([pathToFileURL(htmlFile).href]);
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.locator("link[rel=stylesheet], img, iframe, object").count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    expect(await page.title()).toBe("asc-autoprovision coverage report");
    expect(await page.locator("#report").getAttribute("data-inventories")).toBe("3");
  });

  it("shows the newest inventory's total coverage, equal to the JSON and to the fleet's numbers", async () => {
    expect(json.latest.total).toEqual({ machines: 15, covered: 9, percent: 60 });
    expect(await coverageAttrs(page.locator("#total"))).toEqual(json.latest.total);
    expect(await page.locator("#total-percent").textContent()).toBe("60%");
    expect(await page.locator("#total-covered").textContent()).toBe("9");
    expect(await page.locator("#total-uncovered").textContent()).toBe("6");
    expect(await page.locator("#total-machines").textContent()).toBe("15");
    expect(await page.locator("#total-percent").isVisible()).toBe(true);
    expect(await page.locator("#latest-generated-at").getAttribute("datetime")).toBe("2026-11-26T00:00:00Z");
    const planBox = page.locator("#plan");
    expect(num(await planBox.getAttribute("data-steps"))).toBe(json.latest.plan.steps);
    expect(num(await planBox.getAttribute("data-machines-to-change"))).toBe(json.latest.plan.machinesToChange);
    expect(num(await planBox.getAttribute("data-errors"))).toBe(json.latest.plan.findings.error);
  });

  it("has coverage per subscription", async () => {
    const rows = await page.locator("#by-subscription tbody tr").all();
    expect(rows).toHaveLength(json.latest.bySubscription.length);
    for (const [i, row] of rows.entries()) {
      const want = json.latest.bySubscription[i]!;
      expect(await row.getAttribute("data-subscription")).toBe(want.subscription);
      expect(await coverageAttrs(row)).toEqual({ machines: want.machines, covered: want.covered, percent: want.percent });
      expect(await coverageCells(row)).toEqual({ machines: want.machines, covered: want.covered, percent: want.percent });
    }
    const prod = page.locator('#by-subscription tr[data-subscription="11111111-1111-1111-1111-111111111111"]');
    expect(await coverageAttrs(prod)).toEqual({ machines: 13, covered: 8, percent: 61.5 });
  });

  it("has coverage per geography", async () => {
    const rows = await page.locator("#by-geography tbody tr").all();
    expect(rows).toHaveLength(json.latest.byGeography.length);
    for (const [i, row] of rows.entries()) {
      const want = json.latest.byGeography[i]!;
      expect(await row.getAttribute("data-geography")).toBe(want.geography);
      expect(await row.getAttribute("data-code")).toBe(want.code);
      expect(await coverageAttrs(row)).toEqual({ machines: want.machines, covered: want.covered, percent: want.percent });
      expect(await coverageCells(row)).toEqual({ machines: want.machines, covered: want.covered, percent: want.percent });
    }
    expect(await coverageAttrs(page.locator('#by-geography tr[data-geography="europe"]'))).toEqual({ machines: 6, covered: 5, percent: 83.3 });
    expect(await coverageAttrs(page.locator('#by-geography tr[data-geography="us"]'))).toEqual({ machines: 7, covered: 2, percent: 28.6 });
  });

  it("has machines per decision, each marked covered or not", async () => {
    const rows = await page.locator("#by-decision tbody tr").all();
    const seen = [];
    for (const row of rows) {
      seen.push({
        decision: await row.getAttribute("data-decision"),
        covered: (await row.getAttribute("data-covered")) === "true",
        machines: num(await row.getAttribute("data-machines")),
        shown: num((await row.locator('[data-field="machines"]').textContent())!.trim()),
      });
    }
    expect(seen).toEqual(json.latest.byDecision.map((d) => ({ decision: d.decision, covered: d.covered, machines: d.machines, shown: d.machines })));
    expect(seen.find((d) => d.decision === "compliant")).toMatchObject({ covered: true, machines: 7 });
    expect(seen.filter((d) => d.covered).reduce((n, d) => n + d.machines!, 0)).toBe(9);
  });

  it("has the drift: coverage per inventory, oldest first, and the machines that changed decision", async () => {
    const rows = await page.locator("#coverage-over-time tbody tr").all();
    const over = [];
    for (const row of rows) over.push({ at: await row.getAttribute("data-generated-at"), ...(await coverageAttrs(row)) });
    expect(over).toEqual([
      { at: "2026-11-24T00:00:00Z", machines: 15, covered: 2, percent: 13.3 },
      { at: "2026-11-25T06:00:00Z", machines: 15, covered: 10, percent: 66.7 },
      { at: "2026-11-26T00:00:00Z", machines: 15, covered: 9, percent: 60 },
    ]);
    expect(over.map(({ machines, covered, percent }) => ({ machines, covered, percent }))).toEqual(json.snapshots.map((s) => s.total));
    expect(await page.locator("#coverage-chart circle").count()).toBe(3);

    for (const [i, d] of json.drift.entries()) {
      const step = page.locator(`#drift-${i + 1}`);
      expect(num(await step.getAttribute("data-changed"))).toBe(d.changed);
      expect(num(await step.getAttribute("data-covered-change"))).toBe(d.coveredChange);
      expect(num(await step.getAttribute("data-percent-change"))).toBe(d.percentChange);
      expect(num((await step.locator('[data-field="changed"]').textContent())!)).toBe(d.changed);
      const changes = [];
      for (const row of await step.locator("table.changes tbody tr").all()) {
        changes.push({ machine: await row.getAttribute("data-machine"), from: (await row.getAttribute("data-from-decision")) || null, to: (await row.getAttribute("data-to-decision")) || null });
      }
      expect(changes).toEqual(d.machines.map((m) => ({ machine: m.machine, from: m.from, to: m.to })));
    }
    expect(json.drift.map((d) => d.changed)).toEqual([7, 2]);
    const gone = page.locator('#drift-2 tr[data-machine$="/vm-web-01"]');
    expect([await gone.getAttribute("data-from-decision"), await gone.getAttribute("data-to-decision")]).toEqual(["compliant", ""]);
  });

  it("--format png: Chromium's screenshot of the page", async () => {
    const png = join(t.dir, "report.png");
    const r = await run("report", "--spec", t.specFile, "--inventory", ...t.files, "--format", "png", "--out", png, "--chromium", CHROMIUM);
    expect(r).toMatchObject({ code: 0, out: "" });
    expect(r.err).toMatch(/^wrote .*report\.png: coverage 9\/15 \(60%\) over 3 inventories\n$/);
    const bytes = readFileSync(png);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.readUInt32BE(16)).toBe(1200); // IHDR width
    expect(bytes.readUInt32BE(20)).toBeGreaterThan(1500); // IHDR height: the whole report
  });
});
