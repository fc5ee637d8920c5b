/**
 * The front ends' input types, with doc comments, generated from the JSON Schemas of the spec,
 * the AMA policy options and the model's stack options: each field's documentation is its
 * schema's description, written once (src/spec/schema.ts, src/spec/amaPolicies.ts, input.ts).
 * The Pulumi arguments and the CDKTF props are these types (editors show the descriptions on
 * hover, as they do for a spec file with the JSON Schema). fields.generated.ts holds the output;
 * test/declarations/fields.test.ts checks it is current and writes it with UPDATE_GOLDEN=1.
 */
import { z } from "zod";
import { amaPoliciesSchema } from "../../spec/amaPolicies";
import { specSchema } from "../../spec/schema";
import { stackOptionsSchema } from "./input";

/** The subset of JSON Schema zod emits for these schemas. */
interface JsonSchema {
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

/** The generated interfaces: schema, name, and the names of nested objects by property path. */
const ROOTS: readonly { readonly schema: z.ZodType; readonly name: string; readonly nested: Readonly<Record<string, string>> }[] = [
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
function documentation(schema: JsonSchema): string {
  const text = schema.description ?? "";
  const plainDefault = schema.default !== undefined && (typeof schema.default !== "object" || (Array.isArray(schema.default) && schema.default.length === 0));
  return plainDefault ? `${text} Default \`${JSON.stringify(schema.default)}\`.`.trim() : text;
}

class Generator {
  private readonly emitted = new Set<string>();
  readonly blocks: string[] = [];
  /** The current root's names of nested objects, by property path. */
  private nested: Readonly<Record<string, string>> = {};

  /** Emits a root's interface and those of its nested objects (each name once). */
  add(root: (typeof ROOTS)[number]): void {
    this.nested = root.nested;
    this.interfaceOf(root.name, z.toJSONSchema(root.schema, { io: "input" }) as JsonSchema, "");
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
    if (this.emitted.has(name)) return name;
    this.emitted.add(name);
    const prefix = path ? `${path}.` : "";
    const block = [...(schema.description ? docComment(schema.description, "") : []), `export interface ${name} {`, ...this.members(schema, prefix.slice(0, -1), "  "), "}"];
    this.blocks.push(block.join("\n"));
    return name;
  }

  private members(schema: JsonSchema, path: string, indent: string): string[] {
    const required = new Set(schema.required ?? []);
    return Object.entries(schema.properties ?? {}).flatMap(([key, field]) => {
      const at = path ? `${path}.${key}` : key;
      const doc = documentation(field);
      return [...(doc ? docComment(doc, indent) : []), `${indent}readonly ${key}${required.has(key) ? "" : "?"}: ${this.typeOf(field, at, indent)};`];
    });
  }
}

/** The text of fields.generated.ts. */
export function fieldsSource(): string {
  const generator = new Generator();
  for (const root of ROOTS) generator.add(root);
  const header = [
    "// Generated by src/core/declarations/fieldDocs.ts from the schemas' descriptions: do not edit.",
    "// `UPDATE_GOLDEN=1 npx jest test/declarations/fields` writes it again.",
  ];
  return [...header, "", generator.blocks.join("\n\n"), ""].join("\n");
}
