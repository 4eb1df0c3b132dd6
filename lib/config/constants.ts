/** The config file read when `TRUST_CONFIG` is not set. */
export const DEFAULT_CONFIG_PATH = "trust.yaml";

/** The config directory read when `TRUST_CONFIG` is not set and there is no `trust.yaml`. */
export const DEFAULT_CONFIG_DIR = "trust.d";

/** The lists whose entries several files of a config directory may contribute. */
export const MERGED_LISTS = ["workspaces", "projects"] as const;
