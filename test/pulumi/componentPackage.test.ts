/**
 * The component package (pulumi-plugin/PulumiPlugin.yaml, runtime nodejs) for other Pulumi
 * languages: its schema (schemas/pulumi-package.json) is built from the JSON Schemas of the
 * components' inputs (the ones their TypeScript argument types are generated from) and lists
 * every component with its inputs documented; `pulumi package get-schema` on it works
 * with the real CLI (skipped with a message saying how to get one when there is none).
 * UPDATE_SCHEMAS=1 rewrites the checked-in schema.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as components from "../../components/pulumi";
import { COMPONENTS } from "../../components/pulumi/package/components";
import { cliEnv, ENGINE_SKIP_MESSAGE, findPulumi, ROOT, runPulumi, type CliResult } from "../engine/pulumiCli";
import { packageSchema, type PackageSchema } from "../../components/pulumi/package/schema";

jest.setTimeout(180_000);

const SCHEMA_PATH = join(ROOT, "schemas", "pulumi-package.json");
const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

let generated: PackageSchema;
beforeAll(() => {
  generated = packageSchema(version);
  if (process.env.UPDATE_SCHEMAS === "1") writeFileSync(SCHEMA_PATH, JSON.stringify(generated, null, 2) + "\n");
});

test("the checked-in schema is the one the components' field schemas give (UPDATE_SCHEMAS=1 rewrites it)", () => {
  expect(JSON.parse(readFileSync(SCHEMA_PATH, "utf8"))).toEqual(JSON.parse(JSON.stringify(generated)));
  expect(generated.version).toBe(version);
});

test("every component the package exports is in the schema, each input documented", () => {
  // Every ComponentResource the TypeScript entry exports is offered to other languages.
  const exported = Object.entries(components)
    .filter(([, v]) => typeof v === "function" && (v as { prototype?: unknown }).prototype instanceof pulumi.ComponentResource)
    .map(([k]) => k)
    .sort();
  expect(exported).toEqual(COMPONENTS.map((c) => c.className).sort());
  expect(Object.keys(generated.resources).sort()).toEqual(COMPONENTS.map((c) => c.token).sort());
  for (const [token, resource] of Object.entries(generated.resources)) {
    expect([token, resource.description.length > 0]).toEqual([token, true]);
    expect(Object.keys(resource.inputProperties).length).toBeGreaterThan(0);
    for (const [key, property] of Object.entries(resource.inputProperties)) expect([`${token}.${key}`, String(property["description"] ?? "").length > 0]).toEqual([`${token}.${key}`, true]);
  }
  for (const [token, type] of Object.entries(generated.types)) {
    for (const [key, property] of Object.entries((type["properties"] ?? {}) as Record<string, { description?: string }>)) {
      expect([`${token}.${key}`, (property.description ?? "").length > 0]).toEqual([`${token}.${key}`, true]);
    }
  }
  // The spec's choices reach other languages as enums.
  expect(generated.types["asc-autoprovision:index:SecurityEventTier"]).toMatchObject({ enum: ["None", "Minimal", "Common", "All"].map((value) => ({ value })) });
});

const cli = findPulumi();
const withCli = cli ? test : test.skip;
if (!cli) test.skip(`pulumi package get-schema: ${ENGINE_SKIP_MESSAGE}`, () => undefined);

withCli("pulumi package get-schema on pulumi-plugin/ serves that schema through the real CLI", async () => {
  const dir = mkdtempSync(join(tmpdir(), "asc-schema-"));
  try {
    const result = await runPulumi(["package", "get-schema", join(ROOT, "pulumi-plugin")], dir, cliEnv(cli!, dir));
    expect([result.code, result.stderr]).toEqual([0, ""]);
    const served = JSON.parse(result.stdout) as PackageSchema;
    expect(served.name).toBe("asc-autoprovision");
    expect(served.version).toBe(version);
    expect(Object.keys(served.resources).sort()).toEqual(Object.keys(generated.resources).sort());
    for (const [token, resource] of Object.entries(generated.resources)) {
      const inputs = served.resources[token]!.inputProperties;
      for (const [key, property] of Object.entries(resource.inputProperties)) expect(inputs[key]!["description"]).toBe(property["description"]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** examples/pulumi-yaml/Pulumi.yaml in a throwaway project (the package path made absolute), after `edit`. */
async function previewYaml(edit: (yaml: string) => string): Promise<CliResult> {
  const dir = mkdtempSync(join(tmpdir(), "asc-yaml-"));
  try {
    const project = join(dir, "project");
    mkdirSync(project);
    mkdirSync(join(dir, "backend"));
    const yaml = readFileSync(join(ROOT, "examples", "pulumi-yaml", "Pulumi.yaml"), "utf8").replace("asc-autoprovision: ../../pulumi-plugin", `asc-autoprovision: ${join(ROOT, "pulumi-plugin")}`);
    writeFileSync(join(project, "Pulumi.yaml"), edit(yaml));
    const env = cliEnv(cli!, dir);
    const init = await runPulumi(["stack", "init", "dev", "--secrets-provider", "passphrase"], project, env);
    expect(init.code).toBe(0);
    return await runPulumi(["preview"], project, env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

withCli("the Pulumi YAML example type-checks against the schema; AutoProvisioning is constructed, only azure-native's plugin is missing", async () => {
  const result = await previewYaml((y) => y);
  expect(result.output).not.toMatch(/is not assignable|Cannot assign/);
  // The component ran (it declared its azure-native provider); deploying needs that plugin, which cannot be built here.
  expect(result.output).toContain("pulumi:providers:azure-native asc-provider");
  expect(result.output).toMatch(/resource plugin 'pulumi-resource-azure-native'|no resource plugin|azure-native/);
});

withCli("a wrong value in the Pulumi YAML program fails its type check, naming the property and the allowed values", async () => {
  const result = await previewYaml((y) => y.replace("securityEvents: Common", "securityEvents: Most").replace("kubernetesPolicyAddon: true", "kubernetesPolicyAddon: sometimes"));
  expect(result.code).not.toBe(0);
  expect(result.output).toContain("kubernetesPolicyAddon: Cannot assign type 'string' to type 'boolean'");
  expect(result.output).toContain("securityEvents: Cannot assign type 'string' to type 'asc-autoprovision:index:SecurityEventTier'");
  expect(result.output).toContain('Allowed values are "None", "Minimal", "Common", "All"');
  expect(result.output).not.toContain("pulumi:providers:azure-native asc-provider");
});
