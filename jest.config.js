/** Tests run from TypeScript sources through swc (type checking is `npm run typecheck`). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/components"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }],
  },
  testTimeout: 60000,
  // A temporary root per run, removed at its end (test/setup/globalSetup.js).
  globalSetup: "<rootDir>/test/setup/globalSetup.js",
  globalTeardown: "<rootDir>/test/setup/globalTeardown.js",
  // Two workers on two cores: most suites wait on child processes and HTTPS, not on the CPU.
  maxWorkers: 2,
};
