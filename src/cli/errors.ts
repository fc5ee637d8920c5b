/** An error whose message is meant for the person at the terminal (no stack trace). */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}
