#!/usr/bin/env node
/**
 * Derives the api-versions the emulator accepts for each type it serves from the SDK packages
 * generated from Microsoft's published specifications, and writes
 * src/emulator/arm/apiVersionTable.json (committed; src/emulator/arm/apiVersions.ts reads it).
 *
 *   node scripts/derive-api-versions.mjs [--check]
 *
 * Sources, each a package generated from azure-rest-api-specs:
 *  - the Azure CLI's Python SDK packages (azure-mgmt-*, in the venv scripts/azure-cli-tools.sh
 *    caches): the multi-API ones keep one folder per published api-version (v2019_07_01, ...);
 *  - the Azure CLI's AAZ command modules (azure/cli/command_modules/<m>/aaz: code generated from
 *    the specs, each operation with its URL template and api-version);
 *  - the JavaScript SDK packages this project installs (node_modules/@azure/arm-*);
 *  - Pulumi's azure-native SDK package (node_modules/@pulumi/azure-native, generated from every
 *    version of the specs): each resource names its default version, the other available ones
 *    and, as aliases, every version it was ever generated for;
 *  - the spec files kept in specs/azure-rest-api-specs (their info.version).
 * A version counts for a type when an operation of that version has a URL template of that type
 * (its collection, an instance, or an action on an instance). Run it after changing an SDK package
 * or the Azure CLI version; `--check` exits 1 when the committed table misses a version found.
 */
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "src/emulator/arm/apiVersionTable.json");
const VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** ARM path segments after /providers/NS of a nested type, as a URL-template regex. */
function typeRegex(type) {
  const [ns, ...parts] = type.split("/");
  const name = "/\\{[^}/]+\\}";
  const body = parts.map((p, i) => (i === 0 ? `/${p}` : `${name}/${p}`)).join("");
  // Its collection, an instance, or one action on an instance; then the end of the template.
  return new RegExp(`/providers/${ns.replace(/\./g, "\\.")}${body}(${name}(/[A-Za-z]+)?)?(["'{?]|$)`, "i");
}

/** What the emulator serves: table key → the URL-template patterns that count for it. */
const SERVED = {
  "microsoft.resources/subscriptions": [/^["']?\/subscriptions(\/\{subscriptionId\})?(\/locations)?(["'{?]|$)/i, /^["']?\/tenants(["'{?]|$)/i],
  "microsoft.resources/resourcegroups": [/\/subscriptions\/\{subscriptionId\}\/resourcegroups(\/\{[^}/]+\})?(\/resources)?(["'{?]|$)/i, /\/subscriptions\/\{subscriptionId\}\/resources(["'{?]|$)/i, /\/providers\/Microsoft\.Resources\/tags\/default/i, /\/providers\/\{resourceProviderNamespace\}(\/register)?(["'{?]|$)/i],
  "microsoft.management/managementgroups": [typeRegex("Microsoft.Management/managementGroups"), /\/providers\/Microsoft\.Management\/managementGroups\/\{[^}/]+\}\/(subscriptions|descendants)/i],
  "microsoft.compute/virtualmachines": [typeRegex("Microsoft.Compute/virtualMachines")],
  "microsoft.compute/virtualmachines/extensions": [typeRegex("Microsoft.Compute/virtualMachines/extensions")],
  "microsoft.compute/virtualmachinescalesets": [typeRegex("Microsoft.Compute/virtualMachineScaleSets")],
  "microsoft.compute/virtualmachinescalesets/extensions": [typeRegex("Microsoft.Compute/virtualMachineScaleSets/extensions")],
  "microsoft.compute/virtualmachinescalesets/virtualmachines": [typeRegex("Microsoft.Compute/virtualMachineScaleSets/virtualMachines")],
  "microsoft.compute/locations/publishers": [/\/locations\/\{location\}\/publishers\/\{publisherName\}\/artifacttypes\/vmextension/i],
  "microsoft.hybridcompute/machines": [typeRegex("Microsoft.HybridCompute/machines")],
  "microsoft.hybridcompute/machines/extensions": [typeRegex("Microsoft.HybridCompute/machines/extensions")],
  "microsoft.containerservice/managedclusters": [typeRegex("Microsoft.ContainerService/managedClusters")],
  "microsoft.operationalinsights/workspaces": [typeRegex("Microsoft.OperationalInsights/workspaces")],
  "microsoft.operationalinsights/workspaces/datasources": [typeRegex("Microsoft.OperationalInsights/workspaces/dataSources")],
  "microsoft.operationalinsights/deletedworkspaces": [typeRegex("Microsoft.OperationalInsights/deletedWorkspaces")],
  "microsoft.operationsmanagement/solutions": [typeRegex("Microsoft.OperationsManagement/solutions")],
  "microsoft.security/autoprovisioningsettings": [typeRegex("Microsoft.Security/autoProvisioningSettings")],
  "microsoft.security/workspacesettings": [typeRegex("Microsoft.Security/workspaceSettings")],
  "microsoft.security/pricings": [typeRegex("Microsoft.Security/pricings")],
  "microsoft.security/settings": [typeRegex("Microsoft.Security/settings")],
  "microsoft.security/servervulnerabilityassessmentssettings": [typeRegex("Microsoft.Security/serverVulnerabilityAssessmentsSettings")],
  "microsoft.security/servervulnerabilityassessments": [typeRegex("Microsoft.Security/serverVulnerabilityAssessments")],
  "microsoft.authorization/policydefinitions": [typeRegex("Microsoft.Authorization/policyDefinitions")],
  "microsoft.authorization/policyassignments": [typeRegex("Microsoft.Authorization/policyAssignments")],
  "microsoft.authorization/policysetdefinitions": [typeRegex("Microsoft.Authorization/policySetDefinitions")],
  "microsoft.authorization/roledefinitions": [typeRegex("Microsoft.Authorization/roleDefinitions")],
  "microsoft.authorization/roleassignments": [typeRegex("Microsoft.Authorization/roleAssignments")],
  "microsoft.policyinsights/remediations": [typeRegex("Microsoft.PolicyInsights/remediations")],
  "microsoft.insights/datacollectionrules": [typeRegex("Microsoft.Insights/dataCollectionRules")],
  "microsoft.insights/datacollectionruleassociations": [typeRegex("Microsoft.Insights/dataCollectionRuleAssociations")],
  "microsoft.resourcegraph/resources": [/\/providers\/Microsoft\.ResourceGraph\/resources(["'{?]|$)/i],
  "microsoft.network/networkinterfaces": [typeRegex("Microsoft.Network/networkInterfaces")],
};

const table = Object.fromEntries(Object.keys(SERVED).map((k) => [k, new Set()]));
const sources = {};

function note(source, template, version) {
  if (!VERSION.test(version)) return;
  const t = template.replace(/^["']/, "");
  for (const [key, patterns] of Object.entries(SERVED)) {
    if (patterns.some((p) => p.test(t) || p.test(`"${t}`))) {
      if (!table[key].has(version)) (sources[key] ??= new Set()).add(source);
      table[key].add(version);
    }
  }
}

function* files(dir, test) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) yield* files(path, test);
    else if (test(path)) yield path;
  }
}

const TEMPLATE = /["'](\/(?:subscriptions|providers|tenants|\{\+?[a-zA-Z]+\})[^"'\s]*)["']/g;

// ---- JavaScript SDK packages -------------------------------------------------------------
function jsPackages() {
  const base = join(ROOT, "node_modules/@azure");
  for (const pkg of readdirSync(base).filter((n) => n.startsWith("arm-"))) {
    const dist = join(base, pkg, "dist");
    if (!existsSync(dist)) continue;
    const jsFiles = [...files(dist, (p) => p.endsWith(".js") && !p.endsWith(".min.js") && !p.includes(`${join("dist", "browser")}`) && !p.includes(`${join("dist", "esm")}`) && !p.includes("react-native"))];
    // Named api-version parameters of autorest-generated packages: `const apiVersion3 = {... defaultValue: "2022-03-01"`.
    const named = new Map();
    for (const f of jsFiles) {
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(/(?:const|exports\.)\s*(apiVersion\d*)\s*=\s*\{[\s\S]{0,400}?defaultValue:\s*"([^"]+)"/g)) named.set(m[1], m[2]);
    }
    for (const f of jsFiles) {
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(TEMPLATE)) {
        // Only an operation's own URL: `path: "..."` (autorest) or `expandUrlTemplate("...")` (TypeSpec).
        if (!/(path:\s*|expandUrlTemplate\)?\(\s*)$/.test(text.slice(Math.max(0, m.index - 60), m.index))) continue;
        const after = text.slice(m.index, m.index + 1500);
        const literal = /"api%2Dversion":\s*(?:context\.apiVersion\s*\?\?\s*)?"([^"]+)"|apiVersion:\s*"([^"]+)"/.exec(after);
        const ref = /queryParameters:\s*\[[^\]]*?\b(?:Parameters\.)?(apiVersion\d*)\b/.exec(after);
        const version = literal ? (literal[1] ?? literal[2]) : ref ? named.get(ref[1]) : undefined;
        if (version) note(`npm ${pkg}`, m[1], version);
      }
    }
  }
}

// ---- the Azure CLI's Python SDK packages ---------------------------------------------------
function pythonPackages() {
  const found = spawnSync("bash", [join(ROOT, "scripts/azure-cli-tools.sh"), "--check"], { encoding: "utf8" });
  if (found.status !== 0) {
    console.error("derive-api-versions: no Azure CLI venv (run scripts/azure-cli-tools.sh): Python SDK packages skipped");
    return false;
  }
  const venv = dirname(found.stdout.trim());
  const lib = join(venv, "lib");
  const site = readdirSync(lib).map((p) => join(lib, p, "site-packages")).find(existsSync);
  const mgmt = join(site, "azure/mgmt");
  const modules = join(site, "azure/cli/command_modules");
  for (const mod of readdirSync(modules)) {
    const aaz = join(modules, mod, "aaz");
    if (!existsSync(aaz)) continue;
    for (const f of files(aaz, (p) => p.endsWith(".py"))) {
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(TEMPLATE)) {
        const version = /"api-version",\s*"([^"]+)"/.exec(text.slice(m.index, m.index + 2500));
        if (version) note(`azure-cli ${mod} (aaz)`, m[1], version[1]);
      }
    }
  }
  for (const pkg of readdirSync(mgmt)) {
    for (const f of files(join(mgmt, pkg), (p) => p.endsWith(".py") && /[/\\]operations[/\\]/.test(p))) {
      const text = readFileSync(f, "utf8");
      const folder = /[/\\]v(\d{4}_\d{2}_\d{2}(?:_preview)?)[/\\]/.exec(f);
      const folderVersion = folder ? folder[1].replace(/_/g, "-").replace(/-preview$/, "-preview") : undefined;
      for (const m of text.matchAll(TEMPLATE)) {
        const after = text.slice(m.index, m.index + 2500);
        const literal = /api_version\s*[:=][^\n]*?"(\d{4}-\d{2}-\d{2}(?:-preview)?)"/.exec(text.slice(Math.max(0, m.index - 1500), m.index + 1500)) ?? /"(\d{4}-\d{2}-\d{2}(?:-preview)?)"/.exec(after);
        const version = folderVersion ?? literal?.[1];
        if (version) note(`pypi azure-mgmt-${pkg}`, m[1], version);
      }
    }
  }
  return true;
}

// ---- the spec files kept in the repository -------------------------------------------------
function specFiles() {
  const dir = join(ROOT, "specs/azure-rest-api-specs/specification");
  if (!existsSync(dir)) return;
  for (const f of files(dir, (p) => p.endsWith(".json") && !p.includes("examples"))) {
    const doc = JSON.parse(readFileSync(f, "utf8"));
    const version = doc?.info?.version;
    if (typeof version !== "string") continue;
    for (const path of Object.keys(doc.paths ?? {})) note(`spec ${relative(ROOT, f)}`, path, version);
  }
}

// ---- Pulumi's azure-native package ------------------------------------------------------------
/** Served type → the azure-native resource module generated from its spec. */
const PULUMI = {
  "microsoft.compute/virtualmachines": "compute/virtualMachine",
  "microsoft.compute/virtualmachines/extensions": "compute/virtualMachineExtension",
  "microsoft.compute/virtualmachinescalesets": "compute/virtualMachineScaleSet",
  "microsoft.compute/virtualmachinescalesets/extensions": "compute/virtualMachineScaleSetExtension",
  "microsoft.hybridcompute/machines": "hybridcompute/machine",
  "microsoft.hybridcompute/machines/extensions": "hybridcompute/machineExtension",
  "microsoft.containerservice/managedclusters": "containerservice/managedCluster",
  "microsoft.operationalinsights/workspaces": "operationalinsights/workspace",
  "microsoft.operationalinsights/workspaces/datasources": "operationalinsights/dataSource",
  "microsoft.operationsmanagement/solutions": "operationsmanagement/solution",
  "microsoft.security/workspacesettings": "security/workspaceSetting",
  "microsoft.security/pricings": "security/pricing",
  "microsoft.security/servervulnerabilityassessmentssettings": "security/azureServersSetting",
  "microsoft.security/servervulnerabilityassessments": "security/serverVulnerabilityAssessment",
  "microsoft.authorization/policyassignments": "authorization/policyAssignment",
  "microsoft.authorization/policydefinitions": "authorization/policyDefinition",
  "microsoft.authorization/policysetdefinitions": "authorization/policySetDefinition",
  "microsoft.authorization/roleassignments": "authorization/roleAssignment",
  "microsoft.authorization/roledefinitions": "authorization/roleDefinition",
  "microsoft.policyinsights/remediations": "policyinsights/remediationAtSubscription",
  "microsoft.insights/datacollectionrules": "monitor/dataCollectionRule",
  "microsoft.insights/datacollectionruleassociations": "monitor/dataCollectionRuleAssociation",
  "microsoft.resources/resourcegroups": "resources/resourceGroup",
  "microsoft.management/managementgroups": "management/managementGroup",
  "microsoft.network/networkinterfaces": "network/networkInterface",
};

function pulumiPackage() {
  const base = join(ROOT, "node_modules/@pulumi/azure-native");
  for (const [key, module] of Object.entries(PULUMI)) {
    const js = readFileSync(join(base, `${module}.js`), "utf8");
    const dts = readFileSync(join(base, `${module}.d.ts`), "utf8");
    const versions = new Set();
    for (const m of js.matchAll(/\/v(\d{4})(\d{2})(\d{2})(preview)?:/g)) versions.add(`${m[1]}-${m[2]}-${m[3]}${m[4] ? "-preview" : ""}`);
    const current = /Uses Azure REST API version (\S+?)\.?\s/.exec(dts);
    if (current) versions.add(current[1]);
    const others = /Other available API versions: ([^.]+(?:\.\d+)*)\. /.exec(dts);
    if (others) for (const v of others[1].split(/,\s*/)) versions.add(v.trim());
    for (const v of versions) {
      if (!VERSION.test(v)) continue;
      if (!table[key].has(v)) (sources[key] ??= new Set()).add("npm @pulumi/azure-native");
      table[key].add(v);
    }
  }
}

jsPackages();
pulumiPackage();
const withPython = pythonPackages();
specFiles();

const derived = Object.fromEntries(
  Object.entries(table).map(([k, v]) => [k, [...v].sort()]),
);
const empty = Object.entries(derived).filter(([, v]) => v.length === 0).map(([k]) => k);

if (process.argv.includes("--check")) {
  const committed = JSON.parse(readFileSync(OUT, "utf8")).types;
  const missing = Object.entries(derived).flatMap(([k, v]) => v.filter((x) => !(committed[k] ?? []).includes(x)).map((x) => `${k} ${x}`));
  if (missing.length > 0) {
    console.error(`derive-api-versions: the committed table lacks ${missing.length} version(s):\n  ${missing.join("\n  ")}\nRun node scripts/derive-api-versions.mjs`);
    process.exit(1);
  }
  console.log("derive-api-versions: the committed table has every derived version");
  process.exit(0);
}
if (!withPython) {
  console.error("derive-api-versions: refusing to write a table without the Azure CLI's SDK packages");
  process.exit(1);
}
if (empty.length > 0) {
  console.error(`derive-api-versions: no version found for ${empty.join(", ")}`);
  process.exit(1);
}
const out = {
  comment: "Generated by scripts/derive-api-versions.mjs from the SDK packages and specs named in sources; do not edit.",
  sources: Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, [...v].sort()])),
  types: derived,
};
writeFileSync(OUT, JSON.stringify(out, null, 1) + "\n");
console.log(`derive-api-versions: ${Object.keys(derived).length} types, ${Object.values(derived).reduce((n, v) => n + v.length, 0)} versions → ${relative(ROOT, OUT)}`);
