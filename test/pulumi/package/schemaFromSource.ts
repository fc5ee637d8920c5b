/**
 * The Pulumi package schema of the component package (schemas/pulumi-package.json), generated from
 * the components' TypeScript: each component's `Args` interface becomes its input properties, with
 * the JSDoc as descriptions; nested interfaces and inline objects become object types, string
 * literal unions enum types; what other languages cannot pass (resources, providers, dependency
 * lists) is left out. Public readonly fields of type Output<T> or a string become its outputs.
 *
 * Run by test/pulumi/componentPackage.test.ts, which compares it with the checked-in file
 * (UPDATE_SCHEMAS=1 rewrites it). The provider (components/package/provider.ts) serves the file:
 * users' installs have no TypeScript compiler.
 */
import { join } from "node:path";
import * as ts from "typescript";
import { COMPONENTS, PACKAGE_NAME, type ComponentEntry } from "../../../components/pulumi/package/components";

type SchemaType = Record<string, unknown>;

export interface PackageSchema {
  name: string;
  displayName: string;
  version: string;
  description: string;
  license: string;
  resources: Record<string, Resource>;
  types: Record<string, SchemaType>;
  language: Record<string, unknown>;
}
interface Resource {
  isComponent: true;
  description: string;
  inputProperties: Record<string, SchemaType>;
  requiredInputs: string[];
  properties: Record<string, SchemaType>;
  required: string[];
}

/** Types other languages cannot pass to a component: left out of the schema. */
const TYPESCRIPT_ONLY = /^(pulumi\.)?(Resource|ProviderResource|CustomResource|ComponentResource)$/;

class Generator {
  readonly types: Record<string, SchemaType> = {};
  readonly checker: ts.TypeChecker;

  constructor(program: ts.Program) {
    this.checker = program.getTypeChecker();
  }

  private doc(node: ts.Node): string {
    const symbol = (node as { name?: ts.Node }).name ? this.checker.getSymbolAtLocation((node as unknown as { name: ts.Node }).name) : undefined;
    return symbol ? ts.displayPartsToString(symbol.getDocumentationComment(this.checker)).replace(/\s+/g, " ").trim() : "";
  }

  private declarationOf(node: ts.TypeReferenceNode): ts.Declaration | undefined {
    let symbol = this.checker.getSymbolAtLocation(node.typeName);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    return symbol?.declarations?.[0];
  }

  private token(name: string): string {
    return `${PACKAGE_NAME}:index:${name}`;
  }

  /** The schema type of a TypeScript type node; undefined: not expressible (left out). */
  typeOf(node: ts.TypeNode, nameHint: string): SchemaType | undefined {
    if (node.kind === ts.SyntaxKind.StringKeyword) return { type: "string" };
    if (node.kind === ts.SyntaxKind.NumberKeyword) return { type: "number" };
    if (node.kind === ts.SyntaxKind.BooleanKeyword) return { type: "boolean" };
    if (ts.isTypeOperatorNode(node)) return this.typeOf(node.type, nameHint); // readonly T[]
    if (ts.isArrayTypeNode(node)) {
      const items = this.typeOf(node.elementType, nameHint);
      return items ? { type: "array", items } : undefined;
    }
    if (ts.isTypeLiteralNode(node)) return this.objectType(nameHint, node.members, "");
    if (ts.isUnionTypeNode(node)) {
      const parts = node.types.map((t, i) => this.typeOf(t, `${nameHint}${i}`)).filter((t): t is SchemaType => t !== undefined);
      if (node.types.every((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal))) return { type: "string" };
      return parts.length === 1 ? parts[0] : { oneOf: parts };
    }
    if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) return { type: "string" };
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText();
      if (TYPESCRIPT_ONLY.test(name)) return undefined;
      if (/^(pulumi\.)?(Input|Output)$/.test(name) && node.typeArguments?.length === 1) return this.typeOf(node.typeArguments[0]!, nameHint);
      if (name === "Record" && node.typeArguments?.length === 2) {
        const values = this.typeOf(node.typeArguments[1]!, nameHint);
        return values ? { type: "object", additionalProperties: values } : undefined;
      }
      // The components' endpoint: other languages pass the emulator's ARM endpoint or "azure".
      if (name === "AzureEndpoint") return { type: "string" };
      const decl = this.declarationOf(node);
      if (decl && ts.isInterfaceDeclaration(decl)) return this.objectType(decl.name.text, decl.members, this.doc(decl));
      if (decl && ts.isTypeAliasDeclaration(decl)) {
        const type = this.checker.getTypeAtLocation(decl);
        if (type.isUnion() && type.types.every((t) => t.isStringLiteral())) return this.enumType(decl.name.text, type.types.map((t) => (t as ts.StringLiteralType).value), this.doc(decl));
        return this.typeOf(decl.type, decl.name.text);
      }
    }
    throw new Error(`schema: no mapping for the type \`${node.getText()}\` (${nameHint})`);
  }

  private enumType(name: string, values: string[], description: string): SchemaType {
    this.types[this.token(name)] ??= { type: "string", description: description || `One of ${values.join(", ")}.`, enum: values.map((value) => ({ value })) };
    return { $ref: `#/types/${this.token(name)}` };
  }

  private objectType(name: string, members: ts.NodeArray<ts.TypeElement>, description: string): SchemaType {
    const token = this.token(name);
    if (!this.types[token]) {
      this.types[token] = {}; // reserve: recursive references
      const { properties, required } = this.properties(members, name);
      this.types[token] = { type: "object", description: description || `${name}.`, properties, ...(required.length ? { required } : {}) };
    }
    return { $ref: `#/types/${token}` };
  }

  properties(members: readonly ts.TypeElement[], owner: string): { properties: Record<string, SchemaType>; required: string[] } {
    const properties: Record<string, SchemaType> = {};
    const required: string[] = [];
    for (const m of members) {
      if (!ts.isPropertySignature(m) || !m.type) continue;
      const key = m.name.getText();
      const type = this.typeOf(m.type, owner + key[0]!.toUpperCase() + key.slice(1));
      if (!type) continue;
      // A property without its own JSDoc takes its type's (e.g. `logAnalyticsAgent`: LogAnalyticsAgentArgs).
      const ref = typeof type.$ref === "string" ? this.types[type.$ref.slice("#/types/".length)] : undefined;
      properties[key] = { ...type, description: this.doc(m) || String(ref?.description ?? "") };
      if (!m.questionToken) required.push(key);
    }
    return { properties, required };
  }

  /** Public readonly fields whose values other languages can read: Output<T>, strings, string unions. */
  outputs(cls: ts.ClassDeclaration): Record<string, SchemaType> {
    const out: Record<string, SchemaType> = {};
    for (const m of cls.members) {
      if (!ts.isPropertyDeclaration(m) || !m.type || !ts.getCombinedModifierFlags(m) || ts.getCombinedModifierFlags(m) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      const key = m.name.getText();
      const isOutput = ts.isTypeReferenceNode(m.type) && /^(pulumi\.)?Output$/.test(m.type.typeName.getText());
      const plain = !ts.isTypeReferenceNode(m.type) || ["SecurityEventTier", "SecuritySolution", "AgentChoice", "Geography"].includes(m.type.typeName.getText());
      if (!isOutput && !plain) continue;
      try {
        const type = this.typeOf(m.type, cls.name!.text + key[0]!.toUpperCase() + key.slice(1));
        if (type) out[key] = { ...type, description: this.doc(m) };
      } catch {
        // An output of a shape the schema cannot name stays TypeScript-only.
      }
    }
    return out;
  }
}

function findDeclaration<T extends ts.Node>(file: ts.SourceFile, test: (n: ts.Node) => n is T, name: string): T {
  let found: T | undefined;
  file.forEachChild((n) => {
    if (test(n) && (n as unknown as { name?: ts.Identifier }).name?.text === name) found = n;
  });
  if (!found) throw new Error(`schema: ${name} not found in ${file.fileName}`);
  return found;
}

function resource(gen: Generator, program: ts.Program, root: string, entry: ComponentEntry): Resource {
  const file = program.getSourceFile(join(root, entry.file))!;
  const cls = findDeclaration(file, ts.isClassDeclaration, entry.className);
  const members: ts.TypeElement[] = [];
  const requiredSets: string[][] = [];
  for (const argsName of entry.argsInterfaces) {
    const iface = findDeclaration(file, ts.isInterfaceDeclaration, argsName);
    members.push(...iface.members);
    requiredSets.push(iface.members.filter((m) => ts.isPropertySignature(m) && !m.questionToken).map((m) => m.name!.getText()));
  }
  const { properties } = gen.properties(members, entry.className);
  // With several argument shapes (DefaultWorkspace: new or existing), an input is required only if every shape requires it.
  const requiredInputs = requiredSets.reduce((acc, set) => acc.filter((k) => set.includes(k)));
  // The class's JSDoc, else the module's leading comment (the components describe themselves there).
  const classDoc = ts.displayPartsToString(gen.checker.getSymbolAtLocation(cls.name!)!.getDocumentationComment(gen.checker)).trim();
  const moduleDoc = /^\/\*\*([\s\S]*?)\*\//.exec(file.text)?.[1]?.replace(/^\s*\* ?/gm, "").trim() ?? "";
  const description = classDoc || moduleDoc;
  const outputs = gen.outputs(cls);
  return { isComponent: true, description, inputProperties: properties, requiredInputs, properties: outputs, required: [] };
}

/** Generates the package schema from the components' sources under `root`. */
export function generatePackageSchema(root: string, version: string): PackageSchema {
  const program = ts.createProgram(
    COMPONENTS.map((c) => join(root, c.file)),
    { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true, skipLibCheck: true, noEmit: true },
  );
  const gen = new Generator(program);
  const resources: Record<string, Resource> = {};
  for (const entry of COMPONENTS) resources[entry.token] = resource(gen, program, root, entry);
  const types = Object.fromEntries(Object.entries(gen.types).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    name: PACKAGE_NAME,
    displayName: "Azure Security Center auto provisioning",
    version,
    description: "Declarative Azure Security Center (Defender for Cloud) auto provisioning: default workspaces, security events, Deploy-if-not-exists policies and the Azure Monitor Agent, as Pulumi components.",
    license: "MIT",
    resources,
    types,
    language: { nodejs: { packageName: PACKAGE_NAME, respectSchemaVersion: true } },
  };
}
