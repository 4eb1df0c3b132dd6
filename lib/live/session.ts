import { ConfigError, configPathFromEnv, loadConfig } from "../config/load";
import type { TrustConfig } from "../config/schema";
import { AdoptionFileError } from "./adoption-file";
import { AwsAccountReader, type AwsOptions } from "./aws-read";
import { CannotCheckError } from "./errors";
import { type ExpectedState, expectedState } from "./expected";
import { HcpClient, type HcpClientOptions } from "./hcp-client";
import { HcpReader } from "./hcp-read";

/** Settings tests give; a real run uses the defaults. */
export interface LiveOptions {
  readonly hcp?: Partial<Omit<HcpClientOptions, "address" | "token">>;
  readonly aws?: AwsOptions;
}

/** Everything a live command works with: the config, what it expects, and readers for each side. */
export interface Session {
  readonly configPath: string;
  readonly config: TrustConfig;
  readonly state: ExpectedState;
  readonly hcp: HcpReader;
  readonly aws: ReadonlyMap<string, AwsAccountReader>;
}

/**
 * Opens a session: loads the config (`--config`, else `TRUST_CONFIG`, else `trust.yaml`) and
 * sets up the clients. HCP Terraform is reached at `TFE_ADDRESS` (as go-tfe and the tfe provider
 * read it), by default `https://HOSTNAME`, with `TFE_TOKEN`.
 */
export function openSession(
  configPath: string | undefined,
  env: NodeJS.ProcessEnv,
  options: LiveOptions = {},
): Session {
  const path = configPath ?? configPathFromEnv(env);
  const { config } = loadConfig(path);
  const state = expectedState(config);
  const token = env.TFE_TOKEN?.trim();
  if (token === undefined || token === "") {
    throw new CannotCheckError(
      `TFE_TOKEN is not set: give a team or user token of organization ${state.organization} that may read its workspaces, variables and variable sets`,
    );
  }
  const address = env.TFE_ADDRESS?.trim() || `https://${state.hostname}`;
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(address)) {
    throw new CannotCheckError(
      `TFE_ADDRESS ${JSON.stringify(address)} is not an http(s) URL; expected e.g. https://tfe.example.com`,
    );
  }
  const client = new HcpClient({ ...options.hcp, address, token });
  const aws = new Map(
    state.accounts.map((account) => [account.name, new AwsAccountReader(account, options.aws)]),
  );
  return { configPath: path, config, state, hcp: new HcpReader(client, state.organization), aws };
}

/**
 * The message and exit status of an error a live command stops on: 2 for anything that keeps
 * it from checking (config, adoption file, credentials, network); other errors are bugs and
 * are thrown on.
 */
export function stopReason(error: unknown): string {
  if (
    error instanceof CannotCheckError ||
    error instanceof ConfigError ||
    error instanceof AdoptionFileError
  ) {
    return error.message;
  }
  throw error;
}
