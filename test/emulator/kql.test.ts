/** The KQL subset, evaluated over in-memory tables (no server). */
import { parseQuery } from "../../src/emulator/kql/parser";
import { runQuery, type Row, type Table } from "../../src/emulator/kql/eval";
import { KqlError } from "../../src/emulator/kql/lexer";

const rows: Row[] = [
  { id: "/s/1/vm/a", name: "a", type: "microsoft.compute/virtualmachines", location: "eastus", properties: { os: "Windows", exts: [{ n: "x" }, { n: "y" }], n: 3 } },
  { id: "/s/1/vm/b", name: "b", type: "microsoft.compute/virtualmachines", location: "westeurope", properties: { os: "Linux", exts: [], n: 1 } },
  { id: "/s/2/ws/c", name: "c", type: "microsoft.operationalinsights/workspaces", location: "eastus", properties: { os: null, n: 2 } },
];
const table: Table = { columns: ["id", "name", "type", "location", "properties"], rows };
const run = (q: string) => runQuery(parseQuery(q), (t) => (t === "resources" ? table : undefined), { now: Date.parse("2026-01-01T00:00:00Z") });

test("where with =~, in~, ==, and/or, not()", () => {
  expect(run("resources | where type =~ 'Microsoft.Compute/VirtualMachines' | project name").rows).toEqual([{ name: "a" }, { name: "b" }]);
  expect(run("resources | where location in~ ('EASTUS', 'northeurope') | project name").rows.map((r) => r.name)).toEqual(["a", "c"]);
  expect(run("resources | where type == 'Microsoft.Compute/VirtualMachines'").rows).toHaveLength(0);
  expect(run("resources | where properties.os == 'Linux' or name == 'c' | project name").rows.map((r) => r.name)).toEqual(["b", "c"]);
  expect(run("resources | where not(name startswith 'a') and location !~ 'eastus' | project name").rows.map((r) => r.name)).toEqual(["b"]);
  expect(run("resources | where name !in ('a', 'b') | project name").rows.map((r) => r.name)).toEqual(["c"]);
});

test("project of dotted paths names columns as Kusto does; extend adds columns", () => {
  const t = run("resources | extend os = properties.os | project name, os, properties.n");
  expect(t.columns).toEqual(["name", "os", "properties_n"]);
  expect(t.rows[0]).toEqual({ name: "a", os: "Windows", properties_n: 3 });
});

test("order by defaults to descending; asc, take and top", () => {
  expect(run("resources | order by name | project name").rows.map((r) => r.name)).toEqual(["c", "b", "a"]);
  expect(run("resources | order by id asc | take 2 | project name").rows.map((r) => r.name)).toEqual(["a", "b"]);
  expect(run("resources | top 1 by properties.n desc | project name").rows).toEqual([{ name: "a" }]);
});

test("mv-expand: one row per element, empty arrays dropped, nulls kept", () => {
  const t = run("resources | mv-expand ext = properties.exts | project name, ext");
  expect(t.rows).toEqual([{ name: "a", ext: { n: "x" } }, { name: "a", ext: { n: "y" } }, { name: "c", ext: null }]);
});

test("summarize: count, arg_max(*, ...) with the by columns first", () => {
  expect(run("resources | summarize count() by type").rows).toEqual([
    { type: "microsoft.compute/virtualmachines", count_: 2 },
    { type: "microsoft.operationalinsights/workspaces", count_: 1 },
  ]);
  const t = run("resources | summarize arg_max(properties.n, *) by location");
  expect(t.columns.slice(0, 2)).toEqual(["location", "properties_n"]);
  expect(t.rows.find((r) => r.location === "eastus")).toMatchObject({ name: "a", properties_n: 3 });
  expect(run("resources | count").rows).toEqual([{ Count: 3 }]);
  expect(run("resources | summarize make_set(location), dcount(type)").rows).toEqual([{ set_location: ["eastus", "westeurope"], dcount_type: 2 }]);
});

test("functions: tolower, strcat, iff, isnotempty, array_length, ago", () => {
  const t = run("resources | where isnotempty(properties.os) | extend k = strcat(tolower(properties.os), '-', name), m = iff(array_length(properties.exts) > 0, 'has', 'none') | project k, m");
  expect(t.rows).toEqual([{ k: "windows-a", m: "has" }, { k: "linux-b", m: "none" }]);
  expect(run("resources | extend t = ago(1h) | project t | take 1").rows[0]!.t).toBe("2025-12-31T23:00:00.000Z");
});

test("unknown columns, operators and tables are errors naming what is supported", () => {
  expect(() => run("resources | where nope == 1")).toThrow(new KqlError("Failed to resolve scalar expression named 'nope'."));
  expect(() => run("resources | join (resources) on id")).toThrow(/Operator 'join' is not supported by the emulator\. Supported operators: where, project/);
  expect(() => run("resources | where name matches regex '^a' | project name | union x")).toThrow(/union/);
  expect(() => run("nosuchtable")).toThrow(KqlError);
  expect(() => run("resources | where name == 'a")).toThrow(/Unterminated string/);
  expect(() => run("resources | extend x = frobnicate(name)")).toThrow(/Function 'frobnicate\(\)' is not supported/);
});
