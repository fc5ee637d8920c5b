/** What a command's action gets: where to write, and where to leave its exit code. */
export type ExitCode = 0 | 1 | 2;

export interface CliContext {
  /** Set by a command's action; read after parsing. */
  exitCode: ExitCode;
  /** Standard output; a promise asks the writer to wait (the reader is slower than the plan). */
  stdout: (text: string) => unknown;
  stderr: (text: string) => void;
}
