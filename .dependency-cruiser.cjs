/**
 * Import rules, checked in CI (`npm run depcheck`, .ci/run): no cycles, dependencies point down
 * the layers of docs/architecture.md, the planning graph never loads the Azure SDK, and front
 * ends use each layer's index.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "No module reaches itself through its imports (type-only imports count too).",
      from: {},
      to: { circular: true },
    },
    {
      name: "spec-is-the-bottom",
      severity: "error",
      comment: "src/spec (the desired state and the seed's catalogs) depends on nothing of ours.",
      from: { path: "^src/spec/" },
      to: { path: "^(src/(inventory|core|capabilities|azure|cli|report|emulator)|components)/" },
    },
    {
      name: "inventory-above-spec-only",
      severity: "error",
      from: { path: "^src/inventory/" },
      to: { path: "^(src/(core|capabilities|azure|cli|report|emulator)|components)/" },
    },
    {
      name: "kernel-knows-no-capability",
      severity: "error",
      comment: "src/core/kernel is what capabilities build on: it knows none of them, nor the adapter.",
      from: { path: "^src/core/kernel/" },
      to: { path: "^(src/(core/(?!kernel/)|capabilities|azure|cli|report|emulator)|components)" },
    },
    {
      name: "core-below-the-adapter",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: "^(src/(azure|cli|report|emulator)|components)/" },
    },
    {
      name: "capabilities-use-the-kernel",
      severity: "error",
      comment: "A capability builds on src/core/kernel (its index), never on the composition that registers it.",
      from: { path: "^src/capabilities/" },
      to: { path: "^src/core/", pathNot: "^src/core/kernel/index\\.ts$" },
    },
    {
      name: "capabilities-meet-at-their-index",
      severity: "error",
      comment: "A capability uses another through that one's index.ts only.",
      from: { path: "^src/capabilities/([^/]+)/" },
      to: { path: "^src/capabilities/[^/]+/", pathNot: ["^src/capabilities/$1/", "^src/capabilities/[^/]+/index\\.ts$"] },
    },
    {
      name: "arm-handlers-load-lazily",
      severity: "error",
      comment: "A capability's arm.ts (with the Azure SDK) is loaded only by a dynamic import, when a plan is applied.",
      from: {},
      to: { path: "^src/capabilities/[^/]+/arm\\.ts$", dependencyTypesNot: ["dynamic-import"] },
    },
    {
      name: "planning-never-loads-azure",
      severity: "error",
      comment: "plan --inventory runs without the Azure SDK: the planning graph imports no adapter module and no @azure package.",
      from: { path: "^src/(core|capabilities|spec|inventory)/", pathNot: "^src/capabilities/[^/]+/arm\\.ts$" },
      to: { path: "^(src/azure/|node_modules/@azure/)" },
    },
    {
      name: "cli-loads-the-adapter-lazily",
      severity: "error",
      comment:
        "The CLI loads the Azure SDK, the adapter and the emulator only in the commands that talk to ARM (dynamic imports): `plan --inventory` never does. round.ts is itself loaded that way.",
      from: { path: "^src/cli/", pathNot: "^src/cli/round\\.ts$" },
      to: {
        path: "^(src/azure/|src/emulator/index\\.ts$|node_modules/@azure/)",
        pathNot: "^src/azure/(endpoint|emulatorEndpoint|options|state/location)\\.ts$",
        dependencyTypesNot: ["dynamic-import", "type-only"],
      },
    },
    {
      name: "cli-uses-layer-indexes",
      severity: "error",
      comment:
        "The CLI imports other layers through their index, except the adapter's light modules it needs before (or instead of) loading the adapter: endpoint, options, the --state check (state/location), and the modules it loads on demand.",
      from: { path: "^src/cli/" },
      to: {
        path: "^src/(?!cli/)",
        pathNot: [
          "^src/(core|azure|spec|inventory|report|emulator)/index\\.ts$",
          "^src/azure/(endpoint|options|connection|inventory|executor|retryTally|state/location)\\.ts$",
          "^src/emulator/goClients\\.ts$",
        ],
      },
    },
    {
      name: "front-ends-use-layer-indexes",
      severity: "error",
      comment:
        "Front ends (every module of components/) import src/ only through a layer's index (src/core, src/azure, src/spec, src/inventory, src/capabilities) or the index of the capability whose declarations a component presents.",
      from: { path: "^components/" },
      to: { path: "^src/", pathNot: ["^src/(core|azure|spec|inventory|capabilities)/index\\.ts$", "^src/capabilities/[^/]+/index\\.ts$"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
