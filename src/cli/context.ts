/** What a command's action gets: where to write, and where to leave its exit code. */
export type ExitCode = 0 | 1 | 2;

export interface CliContext {
  /** Set by a command's action; read after parsing. */
  exitCode: ExitCode;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}
