import { ConfigError, configPathFromEnv, loadConfig } from "../config/load";
import type { TrustConfig } from "../config/schema";
import { AdoptionFileError } from "./adoption-file";
import { AwsAccountReader, type AwsOptions } from "./aws-read";
import { CannotCheckError } from "./errors";
import { type ExpectedState, expectedState, scopedTo } from "./expected";
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
  /**
   * What the command checks: the whole config, or with `--account` what that account's
   * credentials reach (see {@link scopedTo}).
   */
  readonly state: ExpectedState;
  readonly hcp: HcpReader;
  /** A reader per account checked: every account, or the one of `--account`. */
  readonly aws: ReadonlyMap<string, AwsAccountReader>;
  /** The account of `--account`, when the command checks that one alone. */
  readonly account?: string;
}

/**
 * Opens a session: loads the config (`--config`, else `TRUST_CONFIG`, else `trust.yaml`) and
 * sets up the clients. HCP Terraform is reached at `TFE_ADDRESS` (as go-tfe and the tfe provider
 * read it), by default `https://HOSTNAME`, with `TFE_TOKEN`. With `account` (`--account`), only
 * that account of the config is read in AWS, and only the workspaces and variable sets whose
 * variables its stacks write in HCP Terraform; an account the config lacks is refused, naming those
 * it has.
 */
export function openSession(
  configPath: string | undefined,
  env: NodeJS.ProcessEnv,
  options: LiveOptions = {},
  account?: string,
): Session {
  const path = configPath ?? configPathFromEnv(env);
  const { config } = loadConfig(path);
  const whole = expectedState(config);
  if (account !== undefined && !whole.accounts.some((a) => a.name === account)) {
    throw new CannotCheckError(
      `--account ${account}: the config has no account ${JSON.stringify(account)}; its accounts are ${whole.accounts.map((a) => a.name).join(", ")}`,
    );
  }
  const state = account === undefined ? whole : scopedTo(whole, account);
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
    state.accounts
      .filter((a) => account === undefined || a.name === account)
      .map((a) => [a.name, new AwsAccountReader(a, options.aws)]),
  );
  return {
    configPath: path,
    config,
    state,
    hcp: new HcpReader(client, state.organization),
    aws,
    ...(account === undefined ? {} : { account }),
  };
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
