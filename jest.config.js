/** Tests run from TypeScript sources through swc (type checking is `npm run typecheck`). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/components"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }],
  },
  testTimeout: 60000,
  // Two workers on two cores: most suites wait on child processes and HTTPS, not on the CPU.
  maxWorkers: 2,
};
