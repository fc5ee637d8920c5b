#!/usr/bin/env node
/**
 * The published API contract: checks recorded emulator traffic (the e2e suites' exchanges, see
 * test/e2e/helpers.ts and EmulatorOptions.recordTraffic) against Microsoft's specifications.
 *
 *   node scripts/check-contract.mjs <traffic dir> [--json report.json]
 *
 * Every exchange must be matched, by method, path template and api-version, to one of:
 *  1. an operation of a spec file kept in specs/azure-rest-api-specs (pinned copies, see
 *     specs/README.md): validated with Microsoft's `oav` (TrafficValidator, through its library
 *     API: the `validate-traffic` command needs a report template oav 4.0.3 does not ship, and
 *     exits 0 on unmatched operations), requests and responses against the schemas;
 *  2. otherwise, an operation of the official SDK package generated from the spec (its operation
 *     specs in node_modules/@azure/*: path, method, api-version, the statuses it accepts), for the
 *     specs too large to keep here (Compute, ContainerService, HybridCompute, Resources, ...):
 *     the response status must be one the operation declares;
 *  3. or a long-running operation's status URL that an earlier answer named
 *     (Azure-AsyncOperation / Location): its body must be ARM's operation status.
 * It fails (exit 1) on any oav error or runtime exception, any undefined operation, any status an
 * SDK operation does not declare, and any exchange matched by none of these.
 *
 * oav is found through ASC_OAV_BIN (the directory scripts/oav-tools.sh prints), else the cache.
 */
import { readdirSync, readFileSync, statSync, mkdtempSync, copyFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SPECS = join(ROOT, "specs/azure-rest-api-specs/specification");
const METHODS = ["get", "put", "patch", "post", "delete", "head"];

function* files(dir, test) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path, test);
    else if (test(path)) yield path;
  }
}

/** A path template (`/subscriptions/{subscriptionId}/...`, `/{+resourceUri}/...`) as a regex. */
function templateRegex(template) {
  const path = template.replace(/\{\?[^}]*\}$/, "").replace(/\?.*$/, "");
  const parts = path.split(/(\{\+?[^}]+\})/).map((p) => {
    // `{+x}` (RFC 6570 reserved) and scope-like parameters carry slashes (`{scopeId}`: Microsoft.Security
    // pricings 2024-01-01, a subscription or a resource id, x-ms-skip-url-encoding).
    if (/^\{\+/.test(p) || /^\{(scope|scopeId|resourceUri|resourceId|resourceScope)\}$/i.test(p)) return ".+";
    if (/^\{/.test(p)) return "[^/]+";
    return p.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
  });
  return new RegExp(`^${parts.join("")}/?$`, "i");
}

// ---- 1. the kept spec files -------------------------------------------------------------------
function keptOperations() {
  const out = [];
  if (!existsSync(SPECS)) return out;
  for (const file of files(SPECS, (p) => p.endsWith(".json") && !/[/\\](common|common-types|examples)[/\\]/.test(p))) {
    const doc = JSON.parse(readFileSync(file, "utf8"));
    const version = doc.info?.version;
    for (const [template, item] of Object.entries(doc.paths ?? {})) {
      for (const method of METHODS) {
        if (item[method]) out.push({ file, version, method: method.toUpperCase(), regex: templateRegex(template), template, operationId: item[method].operationId });
      }
    }
  }
  return out;
}

// ---- 2. the SDK packages' operation specs --------------------------------------------------------
function sdkOperations() {
  const out = [];
  const base = join(ROOT, "node_modules/@azure");
  for (const pkg of readdirSync(base).filter((n) => n.startsWith("arm-") || n === "monitor-query-logs")) {
    const dist = join(base, pkg, "dist");
    if (!existsSync(dist)) continue;
    const jsFiles = [...files(dist, (p) => p.endsWith(".js") && !p.endsWith(".min.js") && !/[/\\](browser|esm|react-native)[/\\]/.test(p))];
    const named = new Map();
    for (const f of jsFiles) {
      for (const m of readFileSync(f, "utf8").matchAll(/(?:const|exports\.)\s*(apiVersion\d*)\s*=\s*\{[\s\S]{0,400}?defaultValue:\s*"([^"]+)"/g)) named.set(m[1], m[2]);
    }
    for (const f of jsFiles) {
      const text = readFileSync(f, "utf8");
      // autorest: `path: "...", httpMethod: "GET", responses: { 200: ..., default: ... }, ... queryParameters: [apiVersionN]`
      for (const m of text.matchAll(/path:\s*"([^"]+)",\s*httpMethod:\s*"([A-Z]+)",\s*responses:\s*\{([\s\S]*?)\n\s{4}\},/g)) {
        const statuses = [...m[3].matchAll(/^\s{8}(\d{3}):/gm)].map((s) => s[1]);
        const after = text.slice(m.index, m.index + 2500);
        const ref = /queryParameters:\s*\[[^\]]*?\b(?:Parameters\.)?(apiVersion\d*)\b/.exec(after);
        out.push({ pkg, method: m[2], template: m[1], regex: templateRegex(m[1]), version: ref ? named.get(ref[1]) : null, statuses, hasDefault: /\bdefault:/.test(m[3]) });
      }
      // TypeSpec: `function _xSend(...) { expandUrlTemplate("..."{... "api%2Dversion": ... "V"}) ... .get(` + `_xDeserialize: expectedStatuses = [...]`
      for (const m of text.matchAll(/function (_[\w$]+)Send\([^)]*\)\s*\{([\s\S]*?)\n\}/g)) {
        const body = m[2];
        const tpl = /expandUrlTemplate\)?\(\s*"([^"]+)"/.exec(body);
        const method = /\.(get|put|patch|post|delete|head)\(/.exec(body);
        if (!tpl || !method) continue;
        const version = /"api%2Dversion":\s*(?:context\.apiVersion\s*\?\?\s*)?"([^"]+)"/.exec(body)?.[1] ?? null;
        const de = new RegExp(`function ${m[1].replace(/\$/g, "\\$")}Deserialize\\([^)]*\\)\\s*\\{\\s*const expectedStatuses = \\[([^\\]]*)\\]`).exec(text);
        const statuses = de ? [...de[1].matchAll(/"(\d{3})"/g)].map((s) => s[1]) : [];
        out.push({ pkg, method: method[1].toUpperCase(), template: tpl[1], regex: templateRegex(tpl[1]), version, statuses, hasDefault: true });
      }
    }
  }
  return out;
}

// ---- traffic -----------------------------------------------------------------------------------
function exchanges(dir) {
  return [...files(dir, (p) => p.endsWith(".json"))].sort().map((file) => {
    const x = JSON.parse(readFileSync(file, "utf8"));
    const url = new URL(x.liveRequest.url);
    return { file, x, method: x.liveRequest.method.toUpperCase(), path: decodeURIComponent(url.pathname), url: `${url.pathname}${url.search}`, apiVersion: url.searchParams.get("api-version"), status: String(x.liveResponse.statusCode) };
  });
}

const OPERATION_STATUSES = ["InProgress", "Succeeded", "Failed", "Canceled", "Accepted", "Running"];

function oavPackage() {
  let bin = process.env.ASC_OAV_BIN?.trim();
  if (!bin) {
    const r = spawnSync("bash", [join(ROOT, "scripts/oav-tools.sh"), "--check"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error("oav is not installed: run scripts/oav-tools.sh (or set ASC_OAV_BIN)");
    bin = r.stdout.trim();
  }
  return createRequire(join(bin, "..", "oav", "package.json"))("oav/dist/lib/swaggerValidator/trafficValidator.js");
}

/**
 * A Resource Graph answer with at most ROWS_CHECKED rows of its `data`: the spec types `data` as a
 * free `object` (QueryResponse), so oav checks nothing in a row, yet it walks every one: 237 pages
 * of up to 1,000 machines took 55 s more. The envelope (totalRecords, count, resultTruncated,
 * $skipToken, facets) and the request are checked whole.
 */
const ROWS_CHECKED = 20;
function withFewRows(x) {
  const data = x.liveResponse?.body?.data;
  if (!Array.isArray(data) || data.length <= ROWS_CHECKED) return x;
  return { ...x, liveResponse: { ...x.liveResponse, body: { ...x.liveResponse.body, data: data.slice(0, ROWS_CHECKED) } } };
}

async function runOav(batch) {
  if (batch.length === 0) return { results: [], undefinedOperations: 0 };
  const dir = mkdtempSync(join(tmpdir(), "asc-oav-"));
  try {
    for (const e of batch) {
      const to = join(dir, relative(dirname(e.file), e.file));
      if (e.spec.operationId === "Resources" && e.spec.file.includes("Microsoft.ResourceGraph")) writeFileSync(to, JSON.stringify(withFewRows(e.x)));
      else copyFileSync(e.file, to);
    }
    const { TrafficValidator } = oavPackage();
    const validator = new TrafficValidator(SPECS, dir);
    // oav prints its own progress on the console; keep our summary readable.
    const log = console.log;
    console.log = () => {};
    try {
      await validator.initialize();
      const results = await validator.validate();
      return { results, undefinedOperations: validator.operationUndefinedResult, coverage: validator.operationCoverageResult };
    } finally {
      console.log = log;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const [dir] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const jsonIndex = process.argv.indexOf("--json");
  if (!dir || !existsSync(dir)) {
    console.error("usage: node scripts/check-contract.mjs <traffic dir> [--json report.json]");
    process.exit(1);
  }
  const kept = keptOperations();
  const sdk = sdkOperations();
  const traffic = exchanges(dir);
  const pollUrls = new Set();
  const violations = [];
  const unmatched = [];
  const toOav = [];
  const bySdk = new Map();
  let polls = 0;
  for (const e of traffic) {
    const headers = e.x.liveResponse.headers ?? {};
    if (pollUrls.has(e.url)) {
      polls++;
      const body = e.x.liveResponse.body;
      if (e.status === "200" && body && !OPERATION_STATUSES.includes(body.status)) violations.push(`${e.method} ${e.url}: operation status '${body?.status}' is not one of ${OPERATION_STATUSES.join(", ")}`);
    } else {
      const spec = kept.find((o) => o.method === e.method && o.version === e.apiVersion && o.regex.test(e.path));
      if (spec) toOav.push({ ...e, spec });
      else {
        const op = sdk.find((o) => o.method === e.method && (o.version === e.apiVersion || (o.version === null && !e.apiVersion)) && o.regex.test(e.path));
        if (!op) unmatched.push(`${e.method} ${e.path} api-version=${e.apiVersion ?? "none"} → ${e.status}`);
        else {
          const key = `${op.pkg} ${op.method} ${op.template}`;
          bySdk.set(key, (bySdk.get(key) ?? 0) + 1);
          const ok = op.statuses.includes(e.status) || (Number(e.status) >= 400 && op.hasDefault && e.x.liveResponse.body?.error?.code);
          if (!ok) violations.push(`${e.method} ${e.path} api-version=${e.apiVersion}: status ${e.status} is not one ${op.pkg} declares (${op.statuses.join(", ")})`);
        }
      }
    }
    for (const name of ["azure-asyncoperation", "location"]) {
      if (headers[name]) {
        const u = new URL(headers[name]);
        pollUrls.add(`${u.pathname}${u.search}`);
      }
    }
  }
  const oav = await runOav(toOav);
  for (const r of oav.results) {
    const spec = r.specFilePath ? relative(ROOT, r.specFilePath) : "";
    for (const err of r.errors ?? []) violations.push(`oav ${r.operationInfo?.operationId ?? "?"} (${spec}) ${err.issueSource}: ${err.code} ${err.message} [${relative(ROOT, r.payloadFilePath ?? "")}]`);
    for (const ex of r.runtimeExceptions ?? []) violations.push(`oav runtime exception ${ex.code}: ${ex.message}`);
  }
  if (oav.undefinedOperations > 0) violations.push(`oav could not match ${oav.undefinedOperations} exchange(s) to an operation of the kept specs`);
  const byOav = new Map();
  for (const e of toOav) {
    const key = `${relative(SPECS, e.spec.file)} ${e.spec.operationId}`;
    byOav.set(key, (byOav.get(key) ?? 0) + 1);
  }
  const report = {
    exchanges: traffic.length,
    validatedByOav: toOav.length,
    checkedAgainstSdkOperationSpecs: [...bySdk.values()].reduce((a, b) => a + b, 0),
    longRunningOperationPolls: polls,
    unmatched: unmatched.length,
    violations: violations.length,
    oavOperations: Object.fromEntries([...byOav].sort()),
    sdkOperations: Object.fromEntries([...bySdk].sort()),
    violationList: violations,
    unmatchedList: unmatched,
  };
  if (jsonIndex > 0) writeFileSync(process.argv[jsonIndex + 1], JSON.stringify(report, null, 1));
  console.log(`contract: ${traffic.length} exchanges: ${toOav.length} validated by oav against kept specs (${byOav.size} operations), ` +
    `${report.checkedAgainstSdkOperationSpecs} checked against SDK operation specs (${bySdk.size} operations), ${polls} operation-status polls; ` +
    `${violations.length} violation(s), ${unmatched.length} unmatched`);
  for (const v of violations.slice(0, 50)) console.log(`  violation: ${v}`);
  for (const u of [...new Set(unmatched)].slice(0, 50)) console.log(`  unmatched: ${u}`);
  process.exit(violations.length > 0 || unmatched.length > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(`check-contract: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
