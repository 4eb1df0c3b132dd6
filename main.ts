import { existsSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { Annotations, App, TerraformStack } from "cdktf";
import { withProgress } from "./lib/cli/progress";
import { ConfigError, configPathFromEnv, loadConfig } from "./lib/config/load";
import { deployRecordPathFor, readDeployRecord } from "./lib/deploy-record";
import { AdoptionFileError } from "./lib/live/adoption-file";
import { adoptionImports } from "./lib/live/adoption-imports";
import { lockPathFor, readLock, writeLock } from "./lib/lock-file";
import { OutputFolderError } from "./lib/output-folder";
import { pinsPathFor, readPins } from "./lib/pins-file";
import { lockOf } from "./lib/plan/lock";
import { whyNotImportable } from "./lib/plan/members";
import type { Relocation } from "./lib/plan/model";
import { PRODUCT } from "./lib/product";
import { REPORT_FILE, REPORT_FILES, writeSynthReport } from "./lib/report/write";
import { newRecord, provenanceOf, writeSynthRecord } from "./lib/synth-record";
import { buildApp } from "./stacks/app";

/** From this many workspaces and projects on, each long step is named before it starts. */
const LARGE_CONFIG = 250;

/**
 * The app: reads the config (with its layout lock and adoption file), checks it, writes the
 * stacks, the synth record, the trust report and, when the layout changed, the lock.
 *
 * What it prints goes to stdout, one line each: the cdktf CLI shows an app's stdout as it is, but
 * logs each chunk of its stderr as `[ERROR]` (cut at the terminal's width by its spinner) and then
 * repeats it. A bad config under the CLI is handed over as an error annotation, which the CLI
 * prints once and turns into exit status 1 (`printAnnotations` in @cdktf/cli-core's synth.js).
 */
function main(env: NodeJS.ProcessEnv = process.env): void {
  const configPath = configPathFromEnv(env);
  const outdir = env.CDKTF_OUTDIR ?? "cdktf.out";
  const say = (line: string) => process.stdout.write(`${line}\n`);
  let announce = false;
  const step = <T>(label: string, run: () => T): T =>
    withProgress(label, run, say, undefined, { announce });
  try {
    const { config, locate } = step("reading the config", () => loadConfig(configPath, say));
    const size = (config.workspaces?.length ?? 0) + (config.projects?.length ?? 0);
    announce = size >= LARGE_CONFIG;
    const lockPath = lockPathFor(configPath, env);
    const lock = readLock(lockPath);
    const recordPath = deployRecordPathFor(configPath, env);
    const record = readDeployRecord(recordPath);
    const unverified = Object.entries(record?.stacks ?? {}).filter(([, s]) => s.unverified);
    if (unverified.length > 0) {
      say(
        `Warning: the deploy record does not know for sure what ${unverified.map(([name]) => name).join(", ")} hold${unverified.length === 1 ? "s" : ""} (a deploy failed, and the state could not be read): deploy ${unverified.length === 1 ? "it" : "them"} with "npm run deploy" before moving workspaces between stacks.`,
      );
    }
    const adoption = adoptionImports(config, configPath);
    for (const line of adoption.ignored) say(`Adoption entry ignored: ${line}`);
    const { app, plan, warnings, acknowledged } = step(
      `checking the safety rules and building the stacks of ${size} workspaces and projects`,
      () =>
        buildApp(config, {
          ...(lock === undefined ? {} : { lock }),
          ...(record === undefined ? {} : { record }),
          ...optionalPins(readPins(pinsPathFor(configPath))),
          adopt: adoption.entries,
          environment: env,
          locate,
        }),
    );
    for (const warning of warnings) say(warning);
    // Only a move depends on what was deployed: without a record, say so when there is one.
    if (record === undefined && plan.relocations.length > 0) {
      say(
        `Warning: no deploy record (${recordPath}): moves between stacks are planned as if every synth was deployed, in full. Deploy with "npm run deploy -- --all" to start one.`,
      );
    }
    for (const r of plan.relocations) say(moveLine(r));
    for (const r of plan.recreated) {
      say(
        `Moving ${r.resource}["${r.key}"] without import (${whyNotImportable(r.resource, r.ref)}): deploy ${r.from} first, which destroys it, then ${r.to}, which creates it again`,
      );
    }
    const stacks = app.node.children.length;
    step(`writing ${stacks} stack${stacks === 1 ? "" : "s"} to ${app.outdir}`, () => app.synth());
    writeSynthRecord(app.outdir, newRecord(configPath, { status: "ok", warnings, acknowledged }));
    const { source } = provenanceOf(app.outdir);
    step("writing the trust report", () =>
      writeSynthReport(app.outdir, plan, warnings, { source }, acknowledged),
    );
    if (warnings.length > 0) {
      say(
        `${warnings.length} warning${warnings.length === 1 ? "" : "s"}: listed first in ${join(app.outdir, REPORT_FILE)}`,
      );
    }
    if (writeLock(lockPath, lockOf(plan)))
      say(`The layout changed: commit ${lockPath} with the config.`);
  } catch (error) {
    if (error instanceof OutputFolderError) {
      // Nothing can be written there, not even the CLI's annotation: one line on stderr.
      console.error(error.message);
      process.exitCode = 1;
      return;
    }
    if (!(error instanceof ConfigError || error instanceof AdoptionFileError)) throw error;
    fail(error.message, configPath, outdir, env);
  }
}

/** The pins option of `buildApp`, when the config has a pins file. */
function optionalPins(pins: ReturnType<typeof readPins>) {
  return pins === undefined ? {} : { pins };
}

/** What a synth does for a member on its way between stacks, in one line. */
function moveLine(r: Relocation): string {
  const what = `Moving ${r.resource}["${r.key}"] from ${r.from} to ${r.to}`;
  if (r.phase === "keep")
    return `${what}: ${r.to} imports it; ${r.from} keeps it until the deploy record shows ${r.to} holds it (nothing is destroyed)`;
  if (r.imports) return `${what}: ${r.from} forgets it, ${r.to} imports it (nothing is destroyed)`;
  return `${what}: ${r.to} holds it, ${r.from} forgets it (nothing is destroyed)`;
}

/**
 * A config that cannot be used: one clear message, no stack trace. The previous output, if any,
 * is marked as the output of a failed synth, so `report` and `explain` refuse it.
 */
function fail(message: string, configPath: string, outdir: string, env: NodeJS.ProcessEnv): void {
  // The CLI sets this for the app it runs, and prints the annotations of the stacks written.
  if (env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined) {
    const app = new App({ outdir, stackTraces: false });
    Annotations.of(new TerraformStack(app, PRODUCT)).addError(message);
    app.synth();
  } else {
    console.error(message);
    process.exitCode = 1;
  }
  // Nothing written where nothing was: only an existing output folder is marked.
  if (!existsSync(outdir) || !statSync(outdir).isDirectory()) return;
  for (const file of REPORT_FILES) rmSync(join(outdir, file), { force: true });
  writeSynthRecord(
    outdir,
    newRecord(configPath, { status: "failed", warnings: [], error: message }),
  );
}

main();
