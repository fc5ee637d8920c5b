/**
 * The component package (pulumi-plugin/PulumiPlugin.yaml, runtime nodejs) for other Pulumi
 * languages: its schema (schemas/pulumi-package.json) is generated from the components' sources
 * and lists every component with its inputs documented; `pulumi package get-schema` on it works
 * with the real CLI (skipped with a message saying how to get one when there is none).
 * UPDATE_SCHEMAS=1 rewrites the checked-in schema.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as components from "../../components";
import { COMPONENTS } from "../../components/package/components";
import { ENGINE_SKIP_MESSAGE, findPulumi, ROOT } from "../engine/pulumiCli";
import { generatePackageSchema, type PackageSchema } from "./package/schemaFromSource";

jest.setTimeout(180_000);

const SCHEMA_PATH = join(ROOT, "schemas", "pulumi-package.json");
const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

let generated: PackageSchema;
beforeAll(() => {
  generated = generatePackageSchema(ROOT, version);
  if (process.env.UPDATE_SCHEMAS === "1") writeFileSync(SCHEMA_PATH, JSON.stringify(generated, null, 2) + "\n");
});

test("the checked-in schema is the one the components' sources give (UPDATE_SCHEMAS=1 rewrites it)", () => {
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
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_"))), PATH: `${cli!.dir}:${process.env.PATH}`, PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_HOME: join(ROOT, ".asc-autoprovision", "pulumi-home") };
  const stdout = await new Promise<string>((resolveRun, reject) =>
    execFile("pulumi", ["package", "get-schema", join(ROOT, "pulumi-plugin")], { env, maxBuffer: 64 * 1024 * 1024 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolveRun(out))),
  );
  const served = JSON.parse(stdout) as PackageSchema;
  expect(served.name).toBe("asc-autoprovision");
  expect(served.version).toBe(version);
  expect(Object.keys(served.resources).sort()).toEqual(Object.keys(generated.resources).sort());
  for (const [token, resource] of Object.entries(generated.resources)) {
    const inputs = served.resources[token]!.inputProperties;
    for (const [key, property] of Object.entries(resource.inputProperties)) expect(inputs[key]!["description"]).toBe(property["description"]);
  }
});
