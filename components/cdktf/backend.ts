/**
 * The stack's state when the user configures no backend. cdktf's default local backend writes
 * `path.join(process.cwd(), "terraform.<stack>.tfstate")` into the synthesized JSON: an absolute
 * path of the machine that synthesized, which a team commits (user trial 18a). Terraform resolves a
 * local backend's relative path from its working directory, the stack's (`<outdir>/stacks/<id>`,
 * where `cdktf deploy` and the README's pipeline run it), so the same file is named relatively.
 */
import { posix, relative, resolve, sep } from "node:path";
import { App, LocalBackend, TerraformBackend, type TerraformStack } from "cdktf";

/** cdktf's `Manifest.stacksFolder` (not exported; cdktf is pinned at its last release, 0.21.0). */
const STACKS_FOLDER = "stacks";

/** cdktf's default state file, relative to the stack's directory under `outdir`. */
export function localStatePath(outdir: string, stackId: string, projectDir: string = process.cwd()): string {
  const stackDir = resolve(projectDir, outdir, STACKS_FOLDER, stackId);
  const up = relative(stackDir, projectDir).split(sep).join(posix.sep);
  return posix.join(up, `terraform.${stackId}.tfstate`);
}

/** Adds the local backend at the relative path unless the stack has a backend of the user's. */
export function ensureRelativeLocalBackend(stack: TerraformStack): void {
  if (stack.node.findAll().some((c) => TerraformBackend.isBackend(c))) return;
  new LocalBackend(stack, { path: localStatePath(App.of(stack).outdir, stack.node.id) });
}
