/**
 * A suite of engine tests: the CLI and its `describe`. Without a CLI, describe.skip and a skipped
 * test that says how to get one (or a failure with ASC_REQUIRE_PULUMI=1). Kept apart from
 * pulumiCli.ts, which the benchmarks also compile, outside jest.
 */
import { ENGINE_SKIP_MESSAGE, pulumiOrSkip, type PulumiCli } from "./pulumiCli";

export function engineSuite(): { cli: PulumiCli | undefined; describeEngine: jest.Describe } {
  const cli = pulumiOrSkip();
  if (!cli) test.skip(ENGINE_SKIP_MESSAGE, () => undefined);
  return { cli, describeEngine: cli ? describe : describe.skip };
}
