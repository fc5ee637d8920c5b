/**
 * `node -r` hook for the spawned dynamic-provider host in tests: compiles required .ts files with
 * swc, as jest does. Needed only because the `__provider` taken from the program under jest points
 * at components/pulumi/reconcile/reconciler.ts; a deployed program points at the built .js.
 */
const { transformSync } = require("@swc/core");
const fs = require("node:fs");

const options = { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" }, sourceMaps: "inline" };

require.extensions[".ts"] = function compileTs(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, "utf8"), { ...options, filename });
  module._compile(code, filename);
};
// (Registering the extension also makes extension-less requires such as "../../src/azure/apply" find .ts files.)
