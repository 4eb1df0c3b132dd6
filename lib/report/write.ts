import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readSynthesizedStacks } from "../synth-output";
import { REPORT_JSON_FILE, reportMarkdown } from "./markdown";
import { buildReport, type ReportProvenance, type TrustReport } from "./model";

/** The report's file name inside the output folder. */
export const REPORT_FILE = "trust-report.md";

/** Every file the report writes: the Markdown for people, the JSON with every role beside it. */
export const REPORT_FILES = [REPORT_FILE, REPORT_JSON_FILE] as const;

/**
 * Reads the stacks under `outdir` and writes `trust-report.md` and `trust-report.json` there;
 * returns the report.
 */
export function writeReport(
  outdir: string,
  warnings: readonly string[],
  provenance?: ReportProvenance,
): TrustReport {
  const report = buildReport(readSynthesizedStacks(outdir), warnings, provenance);
  writeFileSync(join(outdir, REPORT_FILE), reportMarkdown(report));
  writeFileSync(join(outdir, REPORT_JSON_FILE), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
