/** Where a command-line tool writes: its output, and its messages. Tests pass their own. */
export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** The process's stdout and stderr. */
export const consoleIo: Io = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/** Runs a tool with the process's arguments and sets the exit status it returns. */
export function runCli(run: (argv: readonly string[], io: Io) => number): void {
  process.exitCode = run(process.argv.slice(2), consoleIo);
}
