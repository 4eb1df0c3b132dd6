/** The config file read when `TRUST_CONFIG` is not set. */
export const DEFAULT_CONFIG_PATH = "trust.yaml";

/** The lists whose entries several files of a config directory may contribute. */
export const MERGED_LISTS = ["workspaces", "projects"] as const;
