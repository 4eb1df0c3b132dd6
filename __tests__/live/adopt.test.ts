import { existsSync, readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { readAdoption } from "../../lib/live/adoption-file";
import { matchAdoption } from "../../lib/live/adoption-imports";
import { expectedState } from "../../lib/live/expected";
import { adoptIn, appEntry, HAND_MADE_ROLE, READ_ONLY, handMadeSetup as setUp } from "./hand-made";
import {
  ACCOUNT,
  configWith,
  HOST,
  handMadeTrust,
  ORG,
  PROVIDER_ARN,
  startWorld,
  stopWorld,
  subOf,
  type World,
} from "./world";

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await stopWorld(world);
});

const adopt = (config: Record<string, unknown>, ...args: string[]) =>
  adoptIn(world, config, ...args);
const handMadeSetup = () => setUp(world);

describe("adopt in a clean organization", () => {
  it("GIVEN nothing exists yet WHEN adopting THEN it writes a file without imports, says what the deploy creates, and exits 0", async () => {
    world.hcp.workspace("app");
    const { status, stdout, file } = await adopt(
      configWith([{ name: "app", policyArns: [READ_ONLY] }]),
    );
    expect(status).toBe(0);
    expect(stdout).toContain("0 imports");
    expect(stdout).toContain(
      "the deploy creates them: 1 OIDC provider, 1 role, 1 policy attachment, 2 variables",
    );
    expect(readAdoption(file)).toEqual({ version: 1, organization: ORG, hostname: HOST });
  });
});

describe("adopt of the seeds' hand-made setup", () => {
  it("GIVEN a console-made provider, role and workspace variables WHEN adopting THEN every one is imported, with the providers' import IDs", async () => {
    const ws = handMadeSetup();
    const { status, stdout, file } = await adopt(configWith([appEntry]));
    expect(status).toBe(0);
    expect(stdout).toContain("5 imports");
    // Each workspace is looked up by name; the organization's workspaces are never listed.
    expect(world.hcp.requests).toContain("/api/v2/organizations/acme/workspaces/app");
    expect(world.hcp.count(/\/workspaces\?/)).toBe(0);
    const [auth, run] = ws.vars;
    expect(readAdoption(file)).toEqual({
      version: 1,
      organization: ORG,
      hostname: HOST,
      accounts: {
        default: {
          accountId: ACCOUNT,
          oidcProviders: { [HOST]: PROVIDER_ARN },
          roles: {
            [HAND_MADE_ROLE]: {
              id: HAND_MADE_ROLE,
              policyAttachments: { [READ_ONLY]: `${HAND_MADE_ROLE}/${READ_ONLY}` },
            },
          },
        },
      },
      workspaces: {
        app: {
          variables: {
            TFC_AWS_PROVIDER_AUTH: `${ORG}/app/${auth?.id}`,
            TFC_AWS_RUN_ROLE_ARN: `${ORG}/app/${run?.id}`,
          },
        },
      },
    });
  });

  it("GIVEN the written file WHEN matched against the config THEN each entry names its resource by logical identity", async () => {
    handMadeSetup();
    const { file, path } = await adopt(configWith([appEntry]));
    const state = expectedState(parseConfig(readFileSync(path, "utf8")));
    const { entries, ignored } = matchAdoption(readAdoption(file), state);
    expect(ignored).toEqual([]);
    expect(entries.map((e) => e.type).sort()).toEqual([
      "aws_iam_openid_connect_provider",
      "aws_iam_role",
      "aws_iam_role_policy_attachment",
      "tfe_variable",
      "tfe_variable",
    ]);
    expect(entries).toContainEqual({
      type: "aws_iam_role",
      account: "default",
      roleName: HAND_MADE_ROLE,
      id: HAND_MADE_ROLE,
    });
  });
});

describe("partial adoption", () => {
  it("GIVEN the workspace sits in another project than the config's WHEN adopting THEN a note says its runs will be refused", async () => {
    handMadeSetup();
    const { status, stdout } = await adopt(configWith([{ ...appEntry, project: "Apps" }]));
    expect(stdout).toContain(
      'workspace app is in project "Default Project", the config says "Apps": its runs will be refused',
    );
    // And a conflict: the hand-made role trusts project Default Project, beyond the config's.
    expect(status).toBe(1);
  });

  it("GIVEN the role exists but only one of its variables WHEN adopting THEN it imports what exists and leaves the rest to be created", async () => {
    world.aws.role(ACCOUNT, { name: HAND_MADE_ROLE, trust: handMadeTrust(subOf("app")) });
    const ws = world.hcp.workspace("app");
    ws.vars.push(world.hcp.variable("TFC_AWS_PROVIDER_AUTH", "true"));
    const { status, stdout, file } = await adopt(configWith([appEntry]));
    expect(status).toBe(0);
    const adoption = readAdoption(file);
    expect(Object.keys(adoption.accounts?.default?.roles ?? {})).toEqual([HAND_MADE_ROLE]);
    expect(adoption.accounts?.default?.oidcProviders).toBeUndefined();
    expect(Object.keys(adoption.workspaces?.app?.variables ?? {})).toEqual([
      "TFC_AWS_PROVIDER_AUTH",
    ]);
    expect(stdout).toContain("1 OIDC provider, 1 policy attachment, 1 variable");
  });

  it("GIVEN a hand-made role with a narrower trust (plan runs only) WHEN adopting THEN it is adopted, and the summary says its trust is rewritten", async () => {
    world.aws.role(ACCOUNT, {
      name: HAND_MADE_ROLE,
      trust: handMadeTrust(subOf("app", "Default Project", "plan")),
    });
    world.hcp.workspace("app");
    const { status, stdout } = await adopt(configWith([appEntry]));
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /role terraform-cloud-sts-assumption-role .*: its trust policy is rewritten/,
    );
  });
});

describe("adopt that cannot check", () => {
  it("GIVEN a bad token WHEN adopting THEN it exits 2 naming TFE_TOKEN, and writes no file", async () => {
    handMadeSetup();
    world.hcp.token = "another-token";
    const { status, stderr, file } = await adopt(configWith([appEntry]));
    expect(status).toBe(2);
    expect(stderr).toContain("refused the token (HTTP 401)");
    expect(stderr).toContain("TFE_TOKEN");
    expect(existsSync(file)).toBe(false);
  });

  it("GIVEN an unreachable HCP Terraform WHEN adopting THEN it exits 2 naming the address", async () => {
    const address = world.hcp.address;
    await world.hcp.stop();
    const { status, stderr } = await adopt(configWith([appEntry]));
    expect(status).toBe(2);
    expect(stderr).toContain(`cannot reach HCP Terraform at ${address} (ECONNREFUSED)`);
    await world.hcp.start();
  });

  it("GIVEN invalid AWS credentials WHEN adopting THEN it exits 2 saying they are invalid", async () => {
    world.aws.keys.clear();
    const { status, stderr } = await adopt(configWith([appEntry]));
    expect(status).toBe(2);
    expect(stderr).toContain(
      "AWS refused the credentials for account default (111122223333) (InvalidClientTokenId)",
    );
  });

  it("GIVEN credentials of another account than the config's WHEN adopting THEN it exits 2 naming both", async () => {
    const config = configWith([appEntry]);
    const { status, stderr } = await adopt({
      ...config,
      aws: { region: "us-east-1", accountId: "444455556666" },
    });
    expect(status).toBe(2);
    expect(stderr).toContain("reach AWS account 111122223333, but the config says 444455556666");
  });

  it("GIVEN bursts of HTTP 429 WHEN adopting THEN it waits them out and finishes", async () => {
    handMadeSetup();
    world.hcp.rateLimitNext = 3;
    const { status } = await adopt(configWith([appEntry]));
    expect(status).toBe(0);
    expect(world.hcp.rateLimitNext).toBe(0);
  });
});

describe("adopt with several accounts", () => {
  it("GIVEN an account reached through assumeRoleArn WHEN adopting THEN its role is read with the assumed credentials", async () => {
    const other = "444455556666";
    const deployer = `arn:aws:iam::${other}:role/deployer`;
    world.aws.assumable.add(deployer);
    const trust = handMadeTrust(subOf("batch"));
    const statement = trust.Statement[0];
    if (statement !== undefined)
      statement.Principal.Federated = `arn:aws:iam::${other}:oidc-provider/${HOST}`;
    world.aws.role(other, { name: "tfc-acme-batch", trust });
    world.hcp.workspace("batch");
    const config = {
      hcp: { organization: ORG },
      accounts: {
        main: { region: "us-east-1", accountId: ACCOUNT },
        prod: { region: "us-east-1", accountId: other, assumeRoleArn: deployer },
      },
      workspaces: [
        { name: "batch", project: "Default Project", account: "prod", policyArns: [READ_ONLY] },
      ],
    };
    const { status, file } = await adopt(config);
    expect(status).toBe(0);
    expect(world.aws.requests).toContainEqual({ action: "GetRole", account: other });
    expect(readAdoption(file).accounts?.prod).toEqual({
      accountId: other,
      roles: { "tfc-acme-batch": { id: "tfc-acme-batch" } },
    });
  });

  it("GIVEN an assumeRoleArn the credentials may not assume WHEN adopting THEN it exits 2 naming the role", async () => {
    const deployer = "arn:aws:iam::444455556666:role/deployer";
    const config = {
      hcp: { organization: ORG },
      accounts: { prod: { region: "us-east-1", assumeRoleArn: deployer } },
      workspaces: [{ name: "batch", policyArns: [READ_ONLY] }],
    };
    const { status, stderr } = await adopt(config);
    expect(status).toBe(2);
    expect(stderr).toContain(`the credentials may not assume ${deployer} for account prod`);
  });
});

describe("secrets", () => {
  it("GIVEN marker values in the token, keys, session and a sensitive variable WHEN adopting THEN none appears in output or file", async () => {
    const ws = handMadeSetup();
    world.hcp.leakSensitiveValues = true;
    ws.vars.push(
      world.hcp.variable("TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE", "secret-MARKER-aa11", {
        sensitive: true,
      }),
    );
    const { stdout, stderr, file } = await adopt(
      configWith([appEntry], { hcp: { organization: ORG, audience: "custom.audience" } }),
    );
    const everything = `${stdout}\n${stderr}\n${readFileSync(file, "utf8")}`;
    expect(everything).not.toMatch(/MARKER/);
    expect(stringify(world.hcp.requests)).not.toMatch(/MARKER/);
  });
});

describe("adopt of a HYOK configuration made in HCP Terraform", () => {
  const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/tfc-acme-hyok-primary`;
  const config = configWith([{ name: "app", policyArns: [READ_ONLY] }], {
    hyok: [{ name: "primary", kmsKey: KEY, agentPool: "hyok-agents" }],
  });
  const made = (extra: Record<string, unknown> = {}, roleArn = ROLE_ARN) =>
    world.hcp.hyok(
      "primary",
      { kekId: KEY, keyRegion: "us-east-1", roleArn, agentPool: "hyok-agents" },
      extra,
    );

  it("GIVEN it as the config says WHEN adopting THEN it and its OIDC configuration are imported by ID", async () => {
    world.hcp.workspace("app");
    const hyok = made();
    const { status, file, path } = await adopt(config);
    expect(status).toBe(0);
    expect(readAdoption(file).hyokConfigurations).toEqual({
      primary: { id: hyok.id, oidcConfiguration: hyok.oidcConfigurationId },
    });
    const state = expectedState(parseConfig(readFileSync(path, "utf8")));
    const { entries } = matchAdoption(readAdoption(file), state);
    expect(
      entries.filter(
        (e) => e.type.startsWith("tfe_hyok") || e.type === "tfe_aws_oidc_configuration",
      ),
    ).toEqual([
      { type: "tfe_hyok_configuration", hyok: "primary", id: hyok.id },
      { type: "tfe_aws_oidc_configuration", hyok: "primary", id: hyok.oidcConfigurationId },
    ]);
  });

  it("GIVEN it names another role WHEN adopting THEN it is a conflict, adopted with --overwrite", async () => {
    world.hcp.workspace("app");
    made({}, `arn:aws:iam::${ACCOUNT}:role/hand-made`);
    const first = await adopt(config);
    expect(first.status).toBe(1);
    expect(first.stdout).toContain(
      `HYOK configuration primary: exists with role arn:aws:iam::${ACCOUNT}:role/hand-made; the deploy would change it in place to the config's`,
    );
    expect(readAdoption(first.file).hyokConfigurations).toBeUndefined();
    const second = await adopt(config, "--overwrite");
    expect(second.status).toBe(0);
    expect(Object.keys(readAdoption(second.file).hyokConfigurations ?? {})).toEqual(["primary"]);
  });

  it("GIVEN it is revoked WHEN adopting THEN it is never adopted, even with --overwrite", async () => {
    world.hcp.workspace("app");
    made({ status: "revoked" });
    const { status, stdout, file } = await adopt(config, "--overwrite");
    expect(status).toBe(1);
    expect(stdout).toContain("HYOK configuration primary: is revoked in HCP Terraform");
    expect(readAdoption(file).hyokConfigurations).toBeUndefined();
  });
});
