"use strict";
// Removes the run's temporary root (globalSetup.js); ASC_KEEP_TMP=1 keeps it to look into a failure.
const { rmSync } = require("node:fs");

module.exports = async function globalTeardown() {
  const root = process.env.ASC_TEST_TMP_ROOT;
  if (!root || process.env.ASC_KEEP_TMP === "1") return;
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
};
