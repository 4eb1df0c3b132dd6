import { existsSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * The path of a file that belongs to a config and is committed with it (`lock`: the layout lock;
 * `imports`: the adoption file; `deployed`: the deploy record): inside a config directory
 * `trust.KIND.json`, beside a config
 * file named after it (`trust.yaml` → `trust.KIND.json`, `prod.yaml` → `prod.KIND.json`), so
 * configs that share a folder never share one.
 */
export function companionPath(configPath: string, kind: "lock" | "imports" | "deployed"): string {
  if (existsSync(configPath) && statSync(configPath).isDirectory())
    return join(configPath, `trust.${kind}.json`);
  return join(dirname(configPath), `${basename(configPath).replace(/\.ya?ml$/i, "")}.${kind}.json`);
}
