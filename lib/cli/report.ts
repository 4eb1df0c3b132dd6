import { parseArgs } from "node:util";
import { ConfigError, configPathFromEnv, loadConfig, locatePath } from "../config/load";
import { buildReport } from "../report/model";
import { REPORT_FILE, writeReport } from "../report/write";
import { checkRules, formatFinding } from "../rules/engine";
import { readSynthesizedStacks, SynthOutputError } from "../synth-output";
import { type Io, runCli } from "./io";
import { withProgress } from "./progress";

const USAGE = `Usage: npm run report -- [--out DIR] [--json]

Writes DIR/${REPORT_FILE} (default DIR: cdktf.out): who can reach which AWS account, from the
synthesized stacks, with the config's warnings on top. --json prints the same as JSON instead.`;

/** Runs `report` with command-line arguments; returns the exit status. */
export function runReport(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): number {
  let values: { out: string; json: boolean; help: boolean };
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        out: { type: "string", default: "cdktf.out" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }).values as typeof values;
  } catch (error) {
    io.err(`report: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  try {
    const config = loadConfig(configPathFromEnv(env));
    const warnings = checkRules(config).warnings.map(
      (f) => `Warning: ${formatFinding(f, (path) => locatePath(config, path))}`,
    );
    return withProgress(
      "report",
      () => {
        if (values.json) {
          io.out(JSON.stringify(buildReport(readSynthesizedStacks(values.out), warnings), null, 2));
          return 0;
        }
        writeReport(values.out, warnings);
        io.out(`wrote ${values.out}/${REPORT_FILE}`);
        return 0;
      },
      io.err,
    );
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SynthOutputError) {
      io.err(`report: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) runCli(runReport);
