/**
 * The language host (tools/pulumi/langhost) in the real CLI with a project whose Pulumi.yaml has no
 * `main:` (the layout `pulumi new typescript` makes, which examples/pulumi/README.md recommends).
 * The engine then names the project's directory as the program directory and "." as the entry
 * point; the host looked for @pulumi/pulumi in the directory's parent and every preview failed
 * (`cannot find @pulumi/pulumi/cmd/run from <parent>`; user trial 18a).
 *
 * Skipped without a Pulumi CLI (test/engine/pulumiCli.ts).
 */
import { engineSuite } from "./engineSuite";
import { PulumiProject } from "./pulumiCli";

jest.setTimeout(120_000);

const { cli, describeEngine } = engineSuite();

// No resource: what matters is that node runs the directory's index.js with the project's @pulumi/pulumi.
const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
exports.ranFrom = pulumi.runtime.getRootDirectory();
exports.stack = pulumi.getStack();
`;

let project: PulumiProject;

beforeAll(() => {
  if (cli) project = new PulumiProject(cli, PROGRAM, {}, { withMain: false });
});

afterAll(() => project?.remove());

describeEngine("a project without `main:` in the real CLI", () => {
  test("pulumi up runs the project directory's index.js", async () => {
    await project.ok(["stack", "init", "nomain", "--secrets-provider", "passphrase"]);
    const up = await project.run(["up", "--yes", "--skip-preview"]);
    expect(up.output).not.toMatch(/cannot find @pulumi\/pulumi/);
    expect(up.code).toBe(0);
    const outputs = JSON.parse((await project.ok(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
    expect(outputs).toEqual({ ranFrom: project.projectDir, stack: "nomain" });
  });
});
