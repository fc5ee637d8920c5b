/**
 * SIGINT/SIGTERM for the commands that change Azure: the first stops the run (no new step starts,
 * every wait is cut, the journal says where it stopped); a second exits at once with 130 (SIGINT)
 * or 143 (SIGTERM), as shells report a process killed by that signal.
 */
export interface StopSignals {
  readonly signal: AbortSignal;
  dispose(): void;
}

const EXIT_ON_SECOND: Readonly<Record<"SIGINT" | "SIGTERM", number>> = { SIGINT: 130, SIGTERM: 143 };

export function onStopSignals(notify: (message: string) => void, exit: (code: number) => void = (code) => process.exit(code)): StopSignals {
  const controller = new AbortController();
  const handler = (name: "SIGINT" | "SIGTERM") => {
    if (controller.signal.aborted) {
      notify(`${name} again: exiting now (the journal has every step that was sent)\n`);
      exit(EXIT_ON_SECOND[name]);
      return;
    }
    notify(`${name}: stopping; no new step starts and waits are cut short (send it again to exit at once)\n`);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  const onInt = () => handler("SIGINT");
  const onTerm = () => handler("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return {
    signal: controller.signal,
    dispose: () => {
      process.removeListener("SIGINT", onInt);
      process.removeListener("SIGTERM", onTerm);
    },
  };
}
