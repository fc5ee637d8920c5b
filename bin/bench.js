#!/usr/bin/env node
"use strict";
// Benchmarks run from the compiled output (npm ci builds it): `npm run bench [-- plan|emulator|...]`.
require("../dist/bench/index.js");
