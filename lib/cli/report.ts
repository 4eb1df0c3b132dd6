import { PLAN_FILE, readPlanFile } from "../plan/plan-file";
import { REPORT_JSON_FILE } from "../report/markdown";
import { buildReport } from "../report/model";
import { REPORT_FILE, writeReport } from "../report/write";
import { SynthOutputError } from "../synth-output";
import { provenanceOf, RECORD_FILE } from "../synth-record";
import { type Io, parseCommand, runCli } from "./io";
import { withProgress } from "./progress";

const USAGE = `Usage: npm run report -- [--out DIR] [--json]

Writes DIR/${REPORT_FILE} (default DIR: cdktf.out) and DIR/${REPORT_JSON_FILE} beside it: who can
reach which AWS account, from the plan of the synth (DIR/${PLAN_FILE}), with the safety rules'
warnings of that synth on top, then what its config acknowledged (both kept in DIR/${RECORD_FILE}).
--json prints the same as JSON instead, and writes nothing; for a pipe, run npm run --silent report
-- --json (without --silent, npm prints its banner on stdout first).`;

/** Runs `report` with command-line arguments; returns the exit status. */
export function runReport(argv: readonly string[], io: Io): number {
  const parsed = parseCommand(
    "report",
    argv,
    { out: { type: "string", default: "cdktf.out" }, json: { type: "boolean", default: false } },
    USAGE,
    io,
  );
  if (typeof parsed === "number") return parsed;
  const values = parsed as { out: string; json: boolean };
  try {
    // The warnings are the synth's own, kept beside its stacks: the config may have changed since.
    const provenance = provenanceOf(values.out);
    if (provenance.failed !== undefined) throw new SynthOutputError(provenance.failed);
    if (provenance.record === undefined) {
      throw new SynthOutputError(
        `${values.out} has no ${RECORD_FILE}, so the warnings of its synth are unknown: run "npx cdktf synth" first, or point --out at its output folder`,
      );
    }
    if (provenance.stale !== undefined) io.err(`report: ${provenance.stale}`);
    const { warnings, acknowledged = [], synthesizedAt } = provenance.record;
    const plan = readPlanFile(values.out, synthesizedAt);
    const { source, stale } = provenance;
    const fields = { source, ...(stale === undefined ? {} : { stale }) };
    return withProgress(
      "report",
      () => {
        if (values.json) {
          io.out(JSON.stringify(buildReport(plan, warnings, fields, acknowledged), null, 2));
          return 0;
        }
        writeReport(values.out, plan, warnings, fields, acknowledged);
        io.out(`wrote ${values.out}/${REPORT_FILE} and ${values.out}/${REPORT_JSON_FILE}`);
        return 0;
      },
      io.err,
    );
  } catch (error) {
    if (error instanceof SynthOutputError) {
      io.err(`report: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) runCli(runReport);
