import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PLAN_FILE, writePlanFile } from "../plan/plan-file";
import type { PlanSummary } from "../plan/summary";
import { readSynthRecord } from "../synth-record";
import { REPORT_JSON_FILE, reportMarkdown } from "./markdown";
import { buildReport, type ReportProvenance, type TrustReport } from "./model";

/** The report's file name inside the output folder. */
export const REPORT_FILE = "trust-report.md";

/**
 * Every file a synth writes for `report` and `explain`: the Markdown for people, the JSON with
 * every role beside it, and the plan they are made from. Only a synth that succeeded leaves them.
 */
export const REPORT_FILES = [REPORT_FILE, REPORT_JSON_FILE, PLAN_FILE] as const;

/** Writes `trust-report.md` and `trust-report.json` of a plan into `outdir`; returns the report. */
export function writeReport(
  outdir: string,
  plan: PlanSummary,
  warnings: readonly string[],
  provenance?: ReportProvenance,
  acknowledged: readonly string[] = [],
): TrustReport {
  const report = buildReport(plan, warnings, provenance, acknowledged);
  writeFileSync(join(outdir, REPORT_FILE), reportMarkdown(report));
  writeFileSync(join(outdir, REPORT_JSON_FILE), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/**
 * At the end of a synth (after its record): the plan file, tied to the synth record's time, and
 * the report of the plan.
 */
export function writeSynthReport(
  outdir: string,
  plan: PlanSummary,
  warnings: readonly string[],
  provenance?: ReportProvenance,
  acknowledged: readonly string[] = [],
): TrustReport {
  writePlanFile(outdir, plan, readSynthRecord(outdir)?.synthesizedAt);
  return writeReport(outdir, plan, warnings, provenance, acknowledged);
}
