#!/usr/bin/env node
"use strict";
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
require("../dist/src/cli/main.js").main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`asc-autoprovision: ${err && err.message ? err.message : String(err)}\n`); process.exitCode = 1; },
);
