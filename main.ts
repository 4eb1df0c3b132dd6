import { buildApp } from "./lib/app";
import { ConfigError, configPathFromEnv, loadConfig } from "./lib/config/load";

function main(): void {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(configPathFromEnv());
  } catch (error) {
    if (error instanceof ConfigError) {
      // One clear message, no stack trace, nothing written.
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  buildApp(config).synth();
}

main();
