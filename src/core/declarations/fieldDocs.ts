/**
 * The front ends' input types, with doc comments, generated from JSON Schemas: each field's
 * documentation is its schema's description, written once. The spec, the AMA policy options and
 * the model's stack options (src/spec/schema.ts, src/spec/amaPolicies.ts, input.ts) give
 * fields.generated.ts here; each capability whose unit a front end presents as a component
 * documents that component's inputs in its own fields.ts, generated beside it (FIELD_FILES). The
 * Pulumi arguments and the CDKTF props are these types (editors show the descriptions on hover,
 * as they do for a spec file with the JSON Schema), and the Pulumi component package's schema is
 * built from the same JSON Schemas (components/pulumi/package/schema.ts).
 * test/declarations/fields.test.ts checks the files are current and writes them with UPDATE_GOLDEN=1.
 */
import { z } from "zod";
import { amaPolicyFieldsSchema } from "../../capabilities/azure-monitor-agent";
import { extensionPolicyFieldsSchema } from "../../capabilities/extension-policies";
import { securityEventsFieldsSchema } from "../../capabilities/security-events";
import { defaultWorkspaceFieldsSchema, existingWorkspaceFieldsSchema } from "../../capabilities/workspaces";
import { amaPoliciesSchema } from "../../spec/amaPolicies";
import { specSchema } from "../../spec/schema";
import { stackOptionsSchema } from "./input";

/** The subset of JSON Schema zod emits for these schemas. */
export interface JsonSchema {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: JsonSchema | boolean;
}

/** One generated interface: its schema, its name, and the names of its nested objects by property path. */
export interface FieldRoot {
  readonly schema: z.ZodType;
  readonly name: string;
  readonly nested?: Readonly<Record<string, string>>;
}

/** The JSON Schema of a root, as the inputs a user writes (fields with defaults optional). */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: "input" }) as JsonSchema;
}

const CORE_ROOTS: readonly FieldRoot[] = [
  {
    schema: specSchema,
    name: "SpecFields",
    nested: {
      logAnalyticsAgent: "LogAnalyticsAgentFields",
      "logAnalyticsAgent.workspace": "CustomWorkspaceFields",
      extensions: "ExtensionsFields",
      "extensions.dependencyAgent": "DependencyAgentFields",
      defender: "DefenderFields",
      "defender.servers": "DefenderServersFields",
      "defender.containers": "DefenderContainersFields",
    },
  },
  { schema: amaPoliciesSchema, name: "AmaPoliciesFields", nested: {} },
  { schema: stackOptionsSchema, name: "StackOptionsFields", nested: { amaPolicies: "AmaPoliciesFields" } },
];

/** A generated interface's base: an imported interface (named in `imports`) and the schema it was generated from. */
export interface FieldBase {
  readonly name: string;
  readonly schema: z.ZodType;
}

/** A generated file (path from the repository root) and the interfaces it holds. */
export interface FieldFile {
  readonly file: string;
  readonly roots: readonly FieldRoot[];
  /** Types the file refers to instead of generating them: name → module it imports them from. */
  readonly imports?: Readonly<Record<string, string>>;
  /**
   * Interfaces that extend an imported one (generated name → base): the fields whose schema is the
   * base's are inherited, not written again; the others are left out of the base (`Omit`) and
   * written here.
   */
  readonly bases?: Readonly<Record<string, FieldBase>>;
}

/** Every generated file of src/ (components/pulumi has its own: components/pulumi/fields.ts). */
export const FIELD_FILES: readonly FieldFile[] = [
  { file: "src/core/declarations/fields.generated.ts", roots: CORE_ROOTS },
  {
    file: "src/capabilities/workspaces/fields.generated.ts",
    roots: [
      { schema: defaultWorkspaceFieldsSchema, name: "DefaultWorkspaceFields" },
      { schema: existingWorkspaceFieldsSchema, name: "ExistingWorkspaceFields" },
    ],
  },
  { file: "src/capabilities/security-events/fields.generated.ts", roots: [{ schema: securityEventsFieldsSchema, name: "SecurityEventsFields" }] },
  { file: "src/capabilities/extension-policies/fields.generated.ts", roots: [{ schema: extensionPolicyFieldsSchema, name: "ExtensionPolicyFields" }] },
  { file: "src/capabilities/azure-monitor-agent/fields.generated.ts", roots: [{ schema: amaPolicyFieldsSchema, name: "AmaPolicyFields" }] },
];

const WIDTH = 100;

function docComment(text: string, indent: string): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line && `${indent} * ${line} ${word}`.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length === 1 && `${indent}/** ${lines[0]} */`.length <= WIDTH) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`];
}

/** A field's documentation: its description, and its default when it is a plain value. */
export function fieldDocumentation(schema: JsonSchema): string {
  const text = schema.description ?? "";
  const plainDefault = schema.default !== undefined && (typeof schema.default !== "object" || (Array.isArray(schema.default) && schema.default.length === 0));
  return plainDefault ? `${text} Default \`${JSON.stringify(schema.default)}\`.`.trim() : text;
}

class Generator {
  private readonly emitted = new Set<string>();
  readonly blocks: string[] = [];
  /** The imported names the interfaces use. */
  readonly used = new Set<string>();
  /** The current root's names of nested objects, by property path. */
  private nested: Readonly<Record<string, string>> = {};

  constructor(
    private readonly imports: Readonly<Record<string, string>>,
    private readonly bases: Readonly<Record<string, FieldBase>> = {},
  ) {}

  /** Emits a root's interface and those of its nested objects (each name once). */
  add(root: FieldRoot): void {
    this.nested = root.nested ?? {};
    this.interfaceOf(root.name, inputJsonSchema(root.schema), "");
  }

  /** The TypeScript type of `schema` at `path`, emitting the named interfaces it needs. */
  typeOf(schema: JsonSchema, path: string, indent: string): string {
    if (schema.anyOf) return schema.anyOf.map((s) => this.typeOf(s, path, indent)).join(" | ");
    if (schema.const !== undefined) return JSON.stringify(schema.const);
    if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
    switch (schema.type) {
      case "boolean":
        return "boolean";
      case "string":
        return "string";
      case "number":
      case "integer":
        return "number";
      case "array":
        return `readonly ${this.typeOf(schema.items ?? {}, `${path}[]`, indent)}[]`;
      case "object": {
        if (schema.properties) {
          const name = this.nested[path];
          if (name) return this.interfaceOf(name, schema, path);
          return `{\n${this.members(schema, path, `${indent}  `).join("\n")}\n${indent}}`;
        }
        const values = typeof schema.additionalProperties === "object" ? this.typeOf(schema.additionalProperties, `${path}{}`, indent) : "unknown";
        return `{ readonly [key: string]: ${values} }`;
      }
      default:
        throw new Error(`fieldDocs: no TypeScript type for ${JSON.stringify(schema).slice(0, 80)} at ${path || "the root"}`);
    }
  }

  interfaceOf(name: string, schema: JsonSchema, path: string): string {
    if (this.imports[name]) {
      this.used.add(name);
      return name;
    }
    if (this.emitted.has(name)) return name;
    this.emitted.add(name);
    const prefix = path ? `${path}.` : "";
    const { heading, own } = this.inheriting(name, schema);
    const block = [...(schema.description ? docComment(schema.description, "") : []), `export interface ${name}${heading} {`, ...this.members(own, prefix.slice(0, -1), "  "), "}"];
    this.blocks.push(block.join("\n"));
    return name;
  }

  /** `extends` clause of `name` and the part of `schema` it still writes: the fields its base (if any) has with the same schema are inherited. */
  private inheriting(name: string, schema: JsonSchema): { heading: string; own: JsonSchema } {
    const base = this.bases[name];
    if (!base) return { heading: "", own: schema };
    const baseSchema = inputJsonSchema(base.schema);
    const required = (s: JsonSchema, key: string) => (s.required ?? []).includes(key);
    const sameAsBase = (key: string) => {
      const mine = schema.properties?.[key];
      const theirs = baseSchema.properties?.[key];
      return !!mine && !!theirs && JSON.stringify(mine) === JSON.stringify(theirs) && required(schema, key) === required(baseSchema, key);
    };
    const inherited = Object.keys(schema.properties ?? {}).filter(sameAsBase);
    if (!inherited.length) return { heading: "", own: schema };
    this.used.add(base.name);
    const omitted = Object.keys(baseSchema.properties ?? {}).filter((k) => !inherited.includes(k));
    const heading = ` extends ${omitted.length ? `Omit<${base.name}, ${omitted.map((k) => JSON.stringify(k)).join(" | ")}>` : base.name}`;
    const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([k]) => !inherited.includes(k)));
    return { heading, own: { ...schema, properties, required: (schema.required ?? []).filter((k) => !inherited.includes(k)) } };
  }

  private members(schema: JsonSchema, path: string, indent: string): string[] {
    const required = new Set(schema.required ?? []);
    return Object.entries(schema.properties ?? {}).flatMap(([key, field]) => {
      const at = path ? `${path}.${key}` : key;
      const doc = fieldDocumentation(field);
      return [...(doc ? docComment(doc, indent) : []), `${indent}readonly ${key}${required.has(key) ? "" : "?"}: ${this.typeOf(field, at, indent)};`];
    });
  }
}

/** The text of a generated file. */
export function fieldsSource(file: FieldFile): string {
  const imports = file.imports ?? {};
  const generator = new Generator(imports, file.bases);
  for (const root of file.roots) generator.add(root);
  const header = [
    "// Generated by src/core/declarations/fieldDocs.ts from the schemas' descriptions: do not edit.",
    "// `UPDATE_GOLDEN=1 npx jest test/declarations/fields` writes it again.",
  ];
  const modules = [...new Set([...generator.used].map((name) => imports[name]!))].sort();
  const importLines = modules.map((m) => `import type { ${[...generator.used].filter((n) => imports[n] === m).sort().join(", ")} } from "${m}";`);
  return [...header, ...(importLines.length ? ["", ...importLines] : []), "", generator.blocks.join("\n\n"), ""].join("\n");
}
