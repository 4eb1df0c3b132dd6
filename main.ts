import { buildApp } from "./stacks/app";
import { ConfigError, configPathFromEnv, loadConfig } from "./lib/config/load";
import { writeReport } from "./lib/report/write";

function main(): void {
  try {
    const { app, warnings } = buildApp(loadConfig(configPathFromEnv()));
    for (const warning of warnings) console.warn(warning);
    app.synth();
    writeReport(app.outdir, warnings);
  } catch (error) {
    if (error instanceof ConfigError) {
      // One clear message, no stack trace, nothing written.
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

main();
