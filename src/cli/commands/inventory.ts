/** `asc-autoprovision inventory --spec FILE --cloud local|azure [--out FILE]`: the actual state as Inventory JSON. */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { loadSpecFile, parseSpec } from "../../spec";
import { addCloudOptions, connectionFor, type CloudOptions } from "../cloud";
import { CliError } from "../errors";
import { choice } from "../format";
import type { CliContext } from "../context";
import { checkWritable } from "../output";
import { createProgress } from "../progress";

export function registerInventoryCommand(program: Command, ctx: CliContext): void {
  addCloudOptions(
    program
      .command("inventory")
      .description("Read the actual state (machines, agents, workspaces, policies) from Azure or the emulator as Inventory JSON.")
      .option("--spec <file>", "take the subscriptions from this spec")
      .option("--subscription <id...>", "subscriptions to read (instead of --spec)")
      .option("--out <file>", "write the inventory here instead of stdout")
      .option("--format <format>", "output format: json (the only one: an inventory is JSON)", "json")
      .option("--quiet", "no progress output"),
  ).action(async (opts: CloudOptions & { spec?: string; subscription?: string[]; out?: string; format: string; quiet?: boolean }) => {
    choice("--format", opts.format, ["json"] as const);
    // A spec's whole scope (management groups, exclusions, its central workspace), or the subscriptions named.
    const spec = opts.spec ? loadSpecFile(opts.spec) : opts.subscription ? parseSpec({ subscriptions: opts.subscription }) : undefined;
    if (!spec) throw new CliError("--spec <file> or --subscription <id...> is required");
    // Before the fleet is read (minutes at scale), as plan --out: not after, as a raw ENOENT.
    if (opts.out) checkWritable(opts.out, "--out");
    const progress = createProgress(ctx.stderr, { quiet: opts.quiet });
    const { readInventoryFor } = await import("../../azure/inventory");
    const inventory = await readInventoryFor(await connectionFor(opts), spec, { onProgress: (m) => progress.note(m) });
    const json = JSON.stringify(inventory, null, 2) + "\n";
    if (opts.out) {
      writeFileSync(opts.out, json);
      progress.note(`wrote ${opts.out}: ${inventory.machines.length} machine(s), ${inventory.workspaces.length} workspace(s)`);
    } else {
      ctx.stdout(json);
    }
  });
}
