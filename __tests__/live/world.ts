import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { vi } from "vitest";
import { stringify } from "yaml";
import type { Io } from "../../lib/cli/io";
import type { LiveOptions } from "../../lib/live/session";
import { BASE_KEY, BASE_SECRET, FakeAws } from "./fake-aws";
import { FakeHcp } from "./fake-hcp";

export const ORG = "acme";
export const ACCOUNT = "111122223333";
export const HOST = "app.terraform.io";
export const AUDIENCE = "aws.workload.identity";
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${HOST}`;

/** Retries and rate limits scaled down, so tests of 429s and failures take milliseconds. */
export const FAST: LiveOptions = {
  hcp: { minRetryDelayMs: 2, requestsPerSecond: 100_000, concurrency: 8, retries: 6 },
  aws: { maxAttempts: 1 },
};

/** Both fakes, a folder for the config, and the environment the commands read. */
export interface World {
  readonly hcp: FakeHcp;
  readonly aws: FakeAws;
  readonly dir: string;
  /** The environment for HCP Terraform (the AWS part is stubbed into process.env, where the SDK reads it). */
  readonly env: NodeJS.ProcessEnv;
  /** Writes the config as `trust.yaml` in the folder; returns its path. */
  config(config: Record<string, unknown>): string;
}

export async function startWorld(): Promise<World> {
  const hcp = new FakeHcp(ORG);
  const aws = new FakeAws(ACCOUNT);
  await Promise.all([hcp.start(), aws.start()]);
  for (const [name, value] of Object.entries(awsEnv(aws))) vi.stubEnv(name, value);
  const dir = mkdtempSync(join(process.env.TMPDIR ?? ".tmp", "live-"));
  return {
    hcp,
    aws,
    dir,
    env: { TFE_TOKEN: hcp.token, TFE_ADDRESS: hcp.address },
    config(config) {
      const path = join(dir, "trust.yaml");
      writeFileSync(path, stringify(config));
      return path;
    },
  };
}

/** The AWS environment of a test: the fake's endpoints, base keys, nothing read from the home folder. */
export function awsEnv(aws: FakeAws): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_IAM: aws.endpoint,
    AWS_ENDPOINT_URL_STS: aws.endpoint,
    AWS_ACCESS_KEY_ID: BASE_KEY,
    AWS_SECRET_ACCESS_KEY: BASE_SECRET,
    AWS_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

export async function stopWorld(world: World): Promise<void> {
  vi.unstubAllEnvs();
  await Promise.all([world.hcp.stop(), world.aws.stop()]);
}

/** Captures what a command prints. */
export function capture(): Io & { stdout(): string; stderr(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stdout: () => out.join("\n"),
    stderr: () => err.join("\n"),
  };
}

/** A trust policy as the console's "Web identity" wizard writes it for one `sub` pattern. */
export function handMadeTrust(sub: string | string[], extra: Record<string, unknown> = {}) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: PROVIDER_ARN },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { [`${HOST}:aud`]: AUDIENCE },
          StringLike: { [`${HOST}:sub`]: sub },
        },
        ...extra,
      },
    ],
  };
}

/** The `sub` pattern of a workspace's run role. */
export const subOf = (workspace: string, project = "Default Project", phase = "*") =>
  `organization:${ORG}:project:${project}:workspace:${workspace}:run_phase:${phase}`;

/** A one-account config with the given workspaces. */
export function configWith(
  workspaces: Array<Record<string, unknown>>,
  extra: Record<string, unknown> = {},
) {
  return {
    hcp: { organization: ORG },
    aws: { region: "us-east-1", accountId: ACCOUNT },
    workspaces,
    ...extra,
  };
}
