/**
 * Full garbage collections at the points where a command drops much of its heap: `plan` once the
 * inventory file is parsed (its text is garbage) and once it is planned (the inventory is).
 *
 * Why: V8 sets the heap's next limit at up to 4x what its last full collection kept. At 1M machines
 * the first one ran mid-parse, and the heap then grew to ~1.5 GB of mostly dead file text (330 MB),
 * inventory and planning temporaries before the next, which came during the writing anyway. Peak
 * RSS at 1M (bench/commands.ts) went from 1,590-1,910 MiB to 1,250-1,380 MiB in every format.
 *
 * `gc` is V8's, reached without starting node with --expose-gc: the flag, set for a moment, gives
 * the function to a context made then (a fresh vm context), not to the program's own global.
 */
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Below this much heap in use, a collection saves less memory than it costs time (10k machines use ~100 MB). */
const WORTH_IT = 256 * 2 ** 20;

let collect: (() => void) | undefined;

/** Collects now when the heap in use is large enough for it to matter; true when it did. */
export function collectGarbage(minimum = WORTH_IT): boolean {
  if (getHeapStatistics().used_heap_size < minimum) return false;
  if (!collect) {
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as () => void;
    setFlagsFromString("--no-expose-gc");
  }
  collect();
  return true;
}
