import { buildApp } from "./lib/app";
import { ConfigError, configPathFromEnv, loadConfig } from "./lib/config/load";
import { OutputFolderError } from "./lib/output-folder";
import { writeReport } from "./lib/report/write";

function main(): void {
  try {
    const config = loadConfig(configPathFromEnv(), (note) => console.warn(note));
    const { app, warnings } = buildApp(config);
    for (const warning of warnings) console.warn(warning);
    app.synth();
    writeReport(app.outdir, warnings);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof OutputFolderError) {
      // One clear message, no stack trace, nothing written.
      console.error(error.message);
      // Not process.exit: it could cut a long message still being written to a pipe.
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

main();
