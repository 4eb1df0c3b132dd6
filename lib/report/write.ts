import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readSynthesizedStacks } from "../synth-output";
import { reportMarkdown } from "./markdown";
import { buildReport, type TrustReport } from "./model";

/** The report's file name inside the output folder. */
export const REPORT_FILE = "trust-report.md";

/** Reads the stacks under `outdir` and writes `outdir/trust-report.md`; returns the report. */
export function writeReport(outdir: string, warnings: readonly string[]): TrustReport {
  const report = buildReport(readSynthesizedStacks(outdir), warnings);
  writeFileSync(join(outdir, REPORT_FILE), reportMarkdown(report));
  return report;
}
