/**
 * The AgentReconciliation dynamic provider: the object Pulumi serializes into the resource's
 * `__provider` and the dynamic-provider host (`pulumi-resource-pulumi-nodejs`) revives to serve
 * Check, Diff, Create, Read, Update and Delete.
 *
 * Kept small on purpose (reference/pulumi-and-cdktf-notes.md §2.3): one module-level instance (the
 * SDK caches its serialization per object), no import used at run time, and every method
 * `require`s the implementation (reconciler.ts) when called. The closure therefore captures only
 * strings: no Azure SDK, no credential, no emulator, no secret. Credentials are read from the
 * environment by the implementation when a method runs.
 *
 * Where the implementation is found, in order: the absolute path of reconciler.js when the program
 * ran (the usual case: same checkout); `dist/components/pulumi/reconcile/reconciler.js` under the
 * engine's working directory (the program's directory; a checkout at another path, e.g. another CI
 * runner, refreshing state written elsewhere); the installed package `asc-autoprovision`.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as Reconciler from "./reconciler";

/** reconciler.ts/.js next to this module, resolved when the program runs. */
const RECONCILER_PATH: string = require.resolve("./reconciler");

/** Loads the implementation inside the host. Serialized with the provider (it captures RECONCILER_PATH only). */
function reconciler(): typeof Reconciler {
  // Required here, not imported: the closure must not capture modules (notes §2.3).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy require inside the serialized provider
  const path = require("node:path") as typeof import("node:path");
  const candidates = [
    RECONCILER_PATH,
    path.join(process.cwd(), "dist", "components", "pulumi", "reconcile", "reconciler.js"),
    "asc-autoprovision/dist/components/pulumi/reconcile/reconciler",
  ];
  const errors: string[] = [];
  for (const candidate of candidates) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the implementation is loaded by path when a method runs
      return require(candidate) as typeof Reconciler;
    } catch (err) {
      // Only this candidate missing moves on; a module it needs that is missing is a real error.
      const e = err as { code?: string; message?: string };
      if (e.code !== "MODULE_NOT_FOUND" || !e.message?.includes(candidate)) throw err;
      errors.push(candidate);
    }
  }
  throw new Error(`AgentReconciliation: cannot load its implementation (tried ${errors.join(", ")}); run \`npm run build\` in the project`);
}

/** The one provider instance every AgentReconciliation uses. */
export const agentReconciliationProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    return reconciler().check(olds, news);
  },
  async diff(id, olds, news) {
    return reconciler().diff(id, olds, news);
  },
  async create(inputs) {
    return reconciler().create(inputs);
  },
  async read(id, props) {
    return reconciler().read(id, props ?? {});
  },
  async update(id, olds, news) {
    return reconciler().update(id, olds, news);
  },
  async delete(id, props) {
    return reconciler().remove(id, props);
  },
};
