/** better-sqlite3 built for another Node (a trial: npm's nodedir named the system Node's headers): the error says how to fix it. */
jest.mock("better-sqlite3", () =>
  jest.fn(() => {
    throw new Error(
      "The module '/x/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 137. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).",
    );
  }),
);
import { openDb } from "../../src/emulator/store/db";

test("a native module built for another Node: the message names both versions and the rebuild command", () => {
  expect(() => openDb(":memory:")).toThrow(
    new RegExp(`built for another Node \\(NODE_MODULE_VERSION 115\\) than this one \\(${process.version.replace(/\./g, "\\.")}, NODE_MODULE_VERSION ${process.versions.modules}\\): rebuild it with this Node: npm_config_nodedir=.* npm rebuild better-sqlite3`),
  );
});
