/**
 * The package as users get it: `npm pack` of this repository, installed from the tarball into a
 * new project outside the repository next to the user's own @pulumi/pulumi and
 * @pulumi/azure-native (peer dependencies: one copy each). A user program is type-checked against
 * the installed package with Pulumi's TypeScript template settings, and `npx asc-autoprovision
 * demo` runs there as installed (better-sqlite3 built by its install script, which npm runs).
 *
 * It installs a few hundred packages and builds better-sqlite3 from source (minutes), so it runs
 * with ASC_PACKAGE_TEST=1 (CI sets it for its Node 24 pass) and is skipped, saying so, otherwise.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../engine/pulumiCli";

jest.setTimeout(20 * 60_000);

const SKIP_MESSAGE = "package test skipped: set ASC_PACKAGE_TEST=1 to install the npm pack tarball in a new project (several minutes; CI runs it)";
const enabled = process.env.ASC_PACKAGE_TEST === "1";
const describePackage = enabled ? describe : describe.skip;
if (!enabled) {
  console.warn(SKIP_MESSAGE);
  test.skip(SKIP_MESSAGE, () => undefined);
}

interface Run {
  readonly code: number;
  readonly output: string;
}

function run(cmd: string, args: readonly string[], cwd: string, timeoutMs = 15 * 60_000): Promise<Run> {
  return new Promise((resolveRun) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: "" } }, (err, stdout, stderr) => {
      resolveRun({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, output: stdout + stderr });
    });
  });
}

async function ok(cmd: string, args: readonly string[], cwd: string): Promise<string> {
  const r = await run(cmd, args, cwd);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}:\n${r.output}`);
  return r.output;
}

const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  main: string;
  types: string;
  exports: Record<string, string | Record<string, string>>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

let dir: string;
let tarball: string;
let user: string;
let installLog: string;

beforeAll(async () => {
  if (!enabled) return;
  dir = mkdtempSync(join(tmpdir(), "asc-package-"));
  // dist/ is built (pretest); --ignore-scripts keeps npm from building it a second time.
  const packed = JSON.parse(await ok("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], ROOT)) as { filename: string; files: { path: string }[] }[];
  tarball = join(dir, packed[0]!.filename);
  user = join(dir, "user-stack");
  mkdirSync(user);
  writeFileSync(join(user, "package.json"), JSON.stringify({ name: "user-stack", private: true }, null, 2));
  installLog = await ok(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      tarball,
      `@pulumi/pulumi@${manifest.devDependencies["@pulumi/pulumi"]}`,
      `@pulumi/azure-native@${manifest.devDependencies["@pulumi/azure-native"]}`,
      `typescript@${manifest.devDependencies["typescript"]}`,
      "@types/node@22",
    ],
    user,
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describePackage("the packed package in a new project", () => {
  test("main, types and every export point at files in the package", () => {
    const installed = join(user, "node_modules", "asc-autoprovision");
    const targets = [manifest.main, manifest.types, ...Object.values(manifest.exports).flatMap((t) => (typeof t === "string" ? [t] : Object.values(t)))];
    for (const target of targets.filter((t) => !t.includes("*"))) expect([target, existsSync(join(installed, target))]).toEqual([target, true]);
    expect(existsSync(join(installed, "LICENSE"))).toBe(true);
    expect(existsSync(join(installed, "dist", "components", "pulumi", "reconcile", "reconciler.js"))).toBe(true);
  });

  test("@pulumi/pulumi and @pulumi/azure-native are peers: the user's copy is the only one", () => {
    for (const peer of ["@pulumi/pulumi", "@pulumi/azure-native"]) {
      expect(manifest.peerDependencies[peer]).toBeDefined();
      expect(existsSync(join(user, "node_modules", "asc-autoprovision", "node_modules", peer))).toBe(false);
      expect(existsSync(join(user, "node_modules", peer, "package.json"))).toBe(true);
    }
  });

  test("a user program type-checks against the installed package (Pulumi's TypeScript template settings)", async () => {
    // Pulumi's template (commonjs, moduleResolution node: the subpaths resolve through typesVersions),
    // plus esModuleInterop, which zod 4's own typings need (README, "Use the package"); no skipLibCheck.
    writeFileSync(
      join(user, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", esModuleInterop: true, sourceMap: true, noEmit: true }, files: ["index.ts"] }, null, 2),
    );
    writeFileSync(
      join(user, "index.ts"),
      `import * as pulumi from "@pulumi/pulumi";
  import { AgentReconciliation, AutoProvisioning, type AutoProvisioningArgs } from "asc-autoprovision/pulumi";
  import { spec } from "asc-autoprovision";

  const args: AutoProvisioningArgs = {
    subscriptionId: "11111111-1111-1111-1111-111111111111",
    logAnalyticsAgent: { autoProvision: true, workspace: "default", securityEvents: "Common" },
    machineRegions: ["westeurope"],
  };
  const asc = new AutoProvisioning("asc", args);
  const agents = new AgentReconciliation("agents", { spec: spec.parseSpec({ subscriptions: [args.subscriptionId] }), mode: "report" });
  export const tier: pulumi.Output<string> | string | undefined = asc.pricingTier;
  export const remaining: pulumi.Output<number> = agents.remainingSteps;
  `,
    );
    const tsc = await run(join(user, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], user);
    expect(tsc.output).toBe("");
    expect(tsc.code).toBe(0);

    // The same imports resolve at run time, through the package's exports.
    // spec.loadSpecFile: the CDKTF README's "Use" snippet reads the spec file with it.
    const loaded = await ok("node", ["-e", "const p = require('asc-autoprovision/pulumi'); const c = require('asc-autoprovision'); console.log(typeof p.AutoProvisioning, typeof c.spec.parseSpec, typeof c.spec.loadSpecFile)"], user);
    expect(loaded.trim()).toBe("function function function");
  });

  test("npx asc-autoprovision demo works in the new project as installed", async () => {
    // npm (11) runs better-sqlite3's install script (a native build) and only warns that it is not
    // in the project's allowScripts; README says what a user approves.
    expect(existsSync(join(user, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node"))).toBe(true);
    const demo = await run("npx", ["--no-install", "asc-autoprovision", "demo"], user);
    expect([demo.code, demo.output]).toEqual([0, expect.stringContaining("Second plan: 0 step(s).")]);
    expect(installLog).not.toContain("ERR!");
  });
});
