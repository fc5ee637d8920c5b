#!/usr/bin/env node
"use strict";
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
// Start-up (issue 15 item 8): Node >= 22.1 keeps the compiled code of the modules between runs;
// Node 20 has no compile cache and starts as before.
const nodeModule = require("node:module");
if (typeof nodeModule.enableCompileCache === "function") {
  try {
    nodeModule.enableCompileCache();
  } catch {
    // A cache directory that cannot be written only costs speed.
  }
}
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // What commander prints for --version, without loading the commands.
  process.stdout.write(`${require("../package.json").version}\n`);
} else {
  require("../dist/src/cli/main.js").main(args).then(
    (code) => { process.exitCode = code; },
    (err) => { process.stderr.write(`asc-autoprovision: ${err && err.message ? err.message : String(err)}\n`); process.exitCode = 1; },
  );
}
