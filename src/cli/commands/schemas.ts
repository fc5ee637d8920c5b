/** `asc-autoprovision schemas --out DIR`: writes the JSON Schemas of the spec and the inventory. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { SCHEMA_FILES } from "../../inventory";
import { makeDirs } from "../../spec";
import type { CliContext } from "../context";

export function registerSchemasCommand(program: Command, ctx: CliContext): void {
  program
    .command("schemas")
    .description("Write the JSON Schemas of the spec and the inventory (for editors and CI validation).")
    .option("--out <dir>", "directory to write into", "schemas")
    .action((opts: { out: string }) => {
      makeDirs(opts.out);
      for (const [file, make] of Object.entries(SCHEMA_FILES)) {
        writeFileSync(join(opts.out, file), JSON.stringify(make(), null, 2) + "\n");
        ctx.stdout(`wrote ${join(opts.out, file)}\n`);
      }
    });
}
