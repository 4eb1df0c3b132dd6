import { type ParseArgsConfig, parseArgs } from "node:util";

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

/**
 * Ends the process with a status once stdout and stderr are flushed, without waiting for what is
 * still open: a network command that gave up on a host leaves connection attempts behind, which
 * would keep the process alive for seconds after it has said why it stopped.
 */
export function exitWhenFlushed(status: number): void {
  process.exitCode = status;
  process.stdout.write("", () => process.stderr.write("", () => process.exit()));
}

/** Runs a tool with the process's arguments and sets the exit status it returns. */
export function runCli(run: (argv: readonly string[], io: Io) => number): void {
  process.exitCode = run(process.argv.slice(2), consoleIo);
}

/**
 * Parses a command's flags, `--help` included: their values, or the exit status once it has said
 * why (the usage for `--help`, 0; the problem and the usage for a bad flag, 2).
 */
export function parseCommand(
  command: string,
  argv: readonly string[],
  options: NonNullable<ParseArgsConfig["options"]>,
  usage: string,
  io: Io,
): Record<string, unknown> | number {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: "boolean", short: "h", default: false } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    io.err(`${command}: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help === true) {
    io.out(usage);
    return 0;
  }
  return values;
}
