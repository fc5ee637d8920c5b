"use strict";
// One temporary root per test run (globalTeardown.js removes it): the suites, the CLI processes
// they start and libraries (cdktf's synth outdirs) take their temporary directories from
// os.tmpdir(), i.e. TMPDIR; before, each run left ~1,500 directories in /tmp.
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

module.exports = async function globalSetup() {
  const root = mkdtempSync(join(tmpdir(), "asc-test-"));
  process.env.ASC_TEST_TMP_ROOT = root;
  // Set before the workers start, so they and every process they spawn inherit it.
  process.env.TMPDIR = root;
};
