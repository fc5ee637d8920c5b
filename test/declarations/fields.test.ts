/**
 * Field documentation lives once, in the schemas' descriptions: the JSON Schemas carry them, the
 * front ends' input types (the fields.generated.ts files of src/core/declarations, of the
 * capabilities that front ends present as components, and of components/pulumi; used by the
 * Pulumi arguments and the CDKTF props) are generated from them, and the Pulumi project file
 * repeats them for the keys that are model inputs. `UPDATE_GOLDEN=1 npx jest test/declarations/fields`
 * regenerates.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { PULUMI_FIELD_FILE } from "../../components/pulumi/fields";
import { FIELD_FILES, fieldsSource, stackOptionsSchema, type AmaPoliciesFields, type SpecFields, type StackOptionsFields } from "../../src/core";
import { amaPoliciesSchema, type AmaPoliciesInput } from "../../src/spec/amaPolicies";
import { specSchema, type SpecInput } from "../../src/spec";
import type { MachineRegions } from "../../src/core";

const ROOT = join(__dirname, "../..");

test.each([...FIELD_FILES, PULUMI_FIELD_FILE].map((f) => [f.file, f] as const))("%s is current", (_file, file) => {
  const source = fieldsSource(file);
  const path = join(ROOT, file.file);
  if (process.env["UPDATE_GOLDEN"]) writeFileSync(path, source);
  expect(readFileSync(path, "utf8")).toBe(source);
});

type Json = { description?: string; properties?: Record<string, Json>; anyOf?: Json[]; items?: Json };

/** Paths of the object properties without a description. */
function undocumented(schema: Json, path = ""): string[] {
  const own = Object.entries(schema.properties ?? {}).flatMap(([key, field]) => [...(field.description ? [] : [`${path}${key}`]), ...undocumented(field, `${path}${key}.`)]);
  return [...own, ...(schema.anyOf ?? []).flatMap((s) => undocumented(s, path))];
}

test.each([
  ["the spec", specSchema],
  ["the AMA policy options", amaPoliciesSchema],
  ["the stack options", stackOptionsSchema],
] as const)("every field of %s has a description", (_title, schema) => {
  const json = z.toJSONSchema(schema, { io: "input" }) as Json;
  expect(json.description).toBeDefined();
  expect(undocumented(json)).toEqual([]);
});

type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

test("the generated types take exactly what the schemas take (checked by the compiler)", () => {
  // What the schemas accept is accepted by the front ends' types, and the other way round.
  const specs: [SpecFields, DeepReadonly<SpecInput>] = [{} as SpecInput, {} as SpecFields];
  const ama: [AmaPoliciesFields, DeepReadonly<AmaPoliciesInput>] = [{} as AmaPoliciesInput, {} as AmaPoliciesFields];
  const regions: [StackOptionsFields["machineRegions"], MachineRegions | undefined] = [{} as MachineRegions, {} as NonNullable<StackOptionsFields["machineRegions"]>];
  expect([specs, ama, regions]).toHaveLength(3);
});

test("the Pulumi project's descriptions of the model's inputs are the schemas'", () => {
  const project = parse(readFileSync(join(__dirname, "../../Pulumi.yaml"), "utf8")) as { config: Record<string, { description: string }> };
  const described = (schema: z.ZodType) => (z.toJSONSchema(schema, { io: "input" }) as Json).properties!;
  const expected = { subscriptions: described(specSchema)["subscriptions"]!.description, ...Object.fromEntries(["machineRegions", "sentinelOwnsSecurityEvents", "workspaceLocation", "installSolution", "configureSecurityEvents"].map((k) => [k, described(stackOptionsSchema)[k]!.description])) };
  expect(Object.fromEntries(Object.keys(expected).map((k) => [k, project.config[k]!.description]))).toEqual(expected);
});

describe("an interface with a base (FieldFile.bases)", () => {
  const base = z.object({ a: z.boolean().optional().describe("A."), b: z.string().describe("B."), c: z.number().optional().describe("C.") }).describe("Base.");
  const derived = base.extend({ b: z.string().describe("B, worded for the component."), d: z.boolean().optional().describe("D.") }).describe("Derived.");
  const file = (bases: boolean) => ({
    file: "x.generated.ts",
    roots: [{ schema: derived, name: "DerivedFields" }],
    imports: { BaseFields: "./base" },
    ...(bases ? { bases: { DerivedFields: { name: "BaseFields", schema: base } } } : {}),
  });

  test("inherits the fields whose schema is the base's and writes only the others, the base's differing ones left out", () => {
    const source = fieldsSource(file(true));
    expect(source).toContain('import type { BaseFields } from "./base";');
    expect(source).toContain('export interface DerivedFields extends Omit<BaseFields, "b"> {');
    expect(source).toMatch(/readonly b: string;/);
    expect(source).toMatch(/readonly d\?: boolean;/);
    expect(source).not.toMatch(/readonly (a|c)\?/);
    // Without the base every field is written again.
    expect(fieldsSource(file(false))).toMatch(/readonly a\?: boolean;[\s\S]*readonly c\?: number;/);
  });

  test("the Pulumi arguments repeat none of the core's fields they share", () => {
    const source = readFileSync(join(ROOT, PULUMI_FIELD_FILE.file), "utf8");
    expect(source).toContain('export interface LogAnalyticsAgentArgsFields extends Omit<LogAnalyticsAgentFields, "workspace"> {');
    expect(source).toContain('export interface AmaPoliciesArgsFields extends Omit<AmaPoliciesFields, "remediate"> {');
    for (const field of ["autoProvision", "securityEvents", "reconfigureExisting", "upgradeManualScaleSets", "notScopes"]) expect([field, source.includes(`readonly ${field}`)]).toEqual([field, false]);
  });
});
