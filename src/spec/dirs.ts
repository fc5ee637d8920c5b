/**
 * Creating a directory a user named (`--out`, `--record`, a state directory).
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * mkdir -p without Node's recursive mkdir, which spins forever under /proc (it retries ENOENT): the
 * missing directories are made one by one, so /proc's refusal surfaces as an error.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) mkdirSync(d);
}
