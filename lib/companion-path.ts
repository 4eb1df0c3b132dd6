import { existsSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * The kinds of file that belong to a config and are committed with it: `lock`, the layout lock;
 * `imports`, the adoption file; `pins`, the pinned HCP Terraform IDs; `deployed`, the deploy
 * record. Whatever moves a config moves these with it.
 */
export const COMPANION_KINDS = ["lock", "imports", "pins", "deployed"] as const;

/** One of {@link COMPANION_KINDS}. */
export type CompanionKind = (typeof COMPANION_KINDS)[number];

/** The name of a companion file inside a config directory: `trust.KIND.json`. */
export function companionFileName(kind: CompanionKind): string {
  return `trust.${kind}.json`;
}

/**
 * The path of a file that belongs to a config and is committed with it (see
 * {@link COMPANION_KINDS}): inside a config directory `trust.KIND.json`, beside a config file
 * named after it (`trust.yaml` → `trust.KIND.json`, `prod.yaml` → `prod.KIND.json`), so configs
 * that share a folder never share one.
 */
export function companionPath(configPath: string, kind: CompanionKind): string {
  if (existsSync(configPath) && statSync(configPath).isDirectory())
    return join(configPath, companionFileName(kind));
  return join(dirname(configPath), `${basename(configPath).replace(/\.ya?ml$/i, "")}.${kind}.json`);
}
