/** `npm run bench`: every benchmark in turn; each prints its own figures. */
import { benchPlan } from "./plan";

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === "plan") await benchPlan();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
