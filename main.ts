import { ConfigError, configPathFromEnv, loadConfig } from "./lib/config/load";
import { deployEnvironmentProblems } from "./lib/deploy-environment";
import { AdoptionFileError } from "./lib/live/adoption-file";
import { adoptionImports } from "./lib/live/adoption-imports";
import { lockPathFor, readLock, writeLock } from "./lib/lock-file";
import { lockOf } from "./lib/plan/lock";
import { writeReport } from "./lib/report/write";
import { buildApp } from "./stacks/app";

function main(): void {
  try {
    const configPath = configPathFromEnv();
    const config = loadConfig(configPath);
    const lockPath = lockPathFor(configPath);
    const adoption = adoptionImports(config, configPath);
    for (const line of adoption.ignored) console.warn(`Adoption entry ignored: ${line}`);
    const { app, plan, warnings } = buildApp(config, {
      lock: readLock(lockPath),
      adopt: adoption.entries,
    });
    const problems = deployEnvironmentProblems(plan, process.env);
    if (problems.length > 0) throw new ConfigError(problems.join("\n"), problems);
    for (const warning of warnings) console.warn(warning);
    for (const r of plan.relocations) {
      console.warn(
        `Moving ${r.resource}["${r.key}"]: ${r.from} forgets it, ${r.to} imports it (nothing is destroyed)`,
      );
    }
    app.synth();
    writeReport(app.outdir, warnings);
    if (writeLock(lockPath, lockOf(plan))) {
      console.warn(`The layout changed: commit ${lockPath} with the config.`);
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof AdoptionFileError) {
      // One clear message, no stack trace, nothing written.
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

main();
