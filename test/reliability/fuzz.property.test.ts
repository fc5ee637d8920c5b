/**
 * Bad input (issue "Reliability and security"): every malformed spec or inventory gives an error
 * naming a path, never a crash or a stack trace. Property-based with fast-check.
 */
import fc from "fast-check";
import { parseInventory } from "../../src/inventory/load";
import { DocumentError, parseDocument } from "../../src/spec/files";
import { ValidationError } from "../../src/spec/errors";
import { parseSpec } from "../../src/spec/validate";
import { machine, SUB } from "../helpers/fixtures";

/** Either a value, or a ValidationError whose every issue names a path (or the top level) and says something. */
function acceptsOrNamesPath(parse: () => unknown): void {
  try {
    parse();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    const e = err as ValidationError;
    expect(e.issues.length).toBeGreaterThan(0);
    for (const issue of e.issues) {
      expect(typeof issue.path).toBe("string");
      expect(issue.message.length).toBeGreaterThan(0);
      expect(issue.message).not.toMatch(/\n\s+at /);
    }
  }
}

const anyJson = fc.jsonValue({ maxDepth: 4 });

/** A valid spec with one field replaced by anything. */
const mutatedSpec = fc
  .record({
    path: fc.constantFrom(
      ["subscriptions"],
      ["subscriptions", 0],
      ["logAnalyticsAgent"],
      ["logAnalyticsAgent", "securityEvents"],
      ["logAnalyticsAgent", "workspace"],
      ["logAnalyticsAgent", "workspace", "id"],
      ["logAnalyticsAgent", "agent"],
      ["extensions", "dependencyAgent"],
      ["extensions", "dependencyAgent", "linux"],
      ["extensions", "kubernetesPolicyAddon"],
      ["unexpected"],
    ),
    value: anyJson,
  })
  .map(({ path, value }) => {
    const spec: Record<string, unknown> = {
      subscriptions: [SUB],
      logAnalyticsAgent: { autoProvision: true, workspace: { id: `/subscriptions/${SUB}/resourceGroups/r/providers/Microsoft.OperationalInsights/workspaces/w` } },
      extensions: { dependencyAgent: { windows: true, linux: false } },
    };
    let cur = spec as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) {
      if (typeof cur[key] !== "object" || cur[key] === null) cur[key] = {};
      cur = cur[key] as Record<string | number, unknown>;
    }
    cur[path[path.length - 1]!] = value;
    return spec;
  });

describe("spec loading never crashes", () => {
  it("on arbitrary JSON", () => fc.assert(fc.property(anyJson, (v) => acceptsOrNamesPath(() => parseSpec(v))), { numRuns: 500, seed: 1 }));
  it("on a valid spec with one field replaced by anything", () => fc.assert(fc.property(mutatedSpec, (v) => acceptsOrNamesPath(() => parseSpec(v))), { numRuns: 800, seed: 2 }));
  it("on arbitrary text as YAML: a DocumentError with the file and line, or a spec error", () =>
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        let doc: unknown;
        try {
          doc = parseDocument(text, "spec.yaml");
        } catch (err) {
          expect(err).toBeInstanceOf(DocumentError);
          expect((err as Error).message).toMatch(/^spec\.yaml(:\d+:\d+)? is not valid YAML/);
          return;
        }
        acceptsOrNamesPath(() => parseSpec(doc));
      }),
      { numRuns: 500, seed: 3 },
    ));
});

const mutatedInventory = fc
  .record({
    where: fc.constantFrom("version", "subscriptions", "machines", "machine", "extension", "settings", "workspaces", "agents"),
    value: anyJson,
  })
  .map(({ where, value }) => {
    const m = { ...machine("vm1"), extensions: [{ publisher: "p", type: "t", version: "1" }], agents: [] as unknown[] } as Record<string, unknown>;
    const inv: Record<string, unknown> = { version: 1, subscriptions: [{ id: SUB }], machines: [m], workspaces: [], settings: {} };
    if (where === "machine") m[["osType", "kind", "powerState", "vmAgent", "location", "id"][Math.abs(JSON.stringify(value).length) % 6]!] = value;
    else if (where === "extension") (m.extensions as Record<string, unknown>[])[0]!.version = value;
    else if (where === "agents") m.agents = value;
    else inv[where] = value;
    return inv;
  });

describe("inventory loading never crashes", () => {
  it("on arbitrary JSON", () => fc.assert(fc.property(anyJson, (v) => acceptsOrNamesPath(() => parseInventory(v))), { numRuns: 500, seed: 4 }));
  it("on a valid inventory with one part replaced by anything", () =>
    fc.assert(fc.property(mutatedInventory, (v) => acceptsOrNamesPath(() => parseInventory(v))), { numRuns: 800, seed: 5 }));
});
