import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runAdopt } from "../../lib/live/adopt";
import { readAdoption } from "../../lib/live/adoption-file";
import { runDoctor } from "../../lib/live/doctor";
import { deploy } from "./deployed";
import { BASE_KEY } from "./fake-aws";
import { READ_ONLY } from "./hand-made";
import {
  ACCOUNT,
  AUDIENCE,
  capture,
  FAST,
  HOST,
  handMadeTrust,
  ORG,
  startWorld,
  stopWorld,
  subOf,
  type World,
} from "./world";

/** A second account, reached only with keys of its own (no assumeRoleArn). */
const OTHER = "444455556666";
const OTHER_KEY = "AKIAFAKEOTHERKEY0002";

let world: World;
beforeEach(async () => {
  world = await startWorld();
  world.aws.keys.set(OTHER_KEY, OTHER);
});
afterEach(async () => {
  await stopWorld(world);
});

/** Two accounts, each deployed with its own credentials: workspace app in main, batch in prod. */
const config = {
  hcp: { organization: ORG },
  accounts: {
    main: { region: "us-east-1", accountId: ACCOUNT },
    prod: { region: "us-east-1", accountId: OTHER },
  },
  workspaces: [
    { name: "app", project: "Default Project", account: "main", policyArns: [READ_ONLY] },
    { name: "batch", project: "Default Project", account: "prod", policyArns: [READ_ONLY] },
  ],
};

/** The credentials a run uses, as AWS_PROFILE would give them: the base keys reach main, these prod. */
function useKeysOf(account: "main" | "prod"): void {
  vi.stubEnv("AWS_ACCESS_KEY_ID", account === "main" ? BASE_KEY : OTHER_KEY);
}

async function adopt(...args: string[]) {
  const path = world.config(config);
  const io = capture();
  const status = await runAdopt(["--config", path, ...args], io, world.env, FAST);
  const file = join(world.dir, "trust.imports.json");
  return { status, stdout: io.stdout(), stderr: io.stderr(), file };
}

async function doctor(...args: string[]) {
  const path = world.config(config);
  const io = capture();
  const status = await runDoctor(["--config", path, ...args], io, world.env, FAST);
  return { status, stdout: io.stdout(), stderr: io.stderr() };
}

/** What a hand-made setup left in both accounts: a provider and a role each, and the variables. */
function handMadeInBoth() {
  for (const [id, workspace] of [
    [ACCOUNT, "app"],
    [OTHER, "batch"],
  ] as const) {
    world.aws.provider(id, HOST, [AUDIENCE]);
    const trust = handMadeTrust(subOf(workspace));
    const statement = trust.Statement[0];
    if (statement !== undefined)
      statement.Principal.Federated = `arn:aws:iam::${id}:oidc-provider/${HOST}`;
    world.aws.role(id, { name: `tfc-${ORG}-${workspace}`, trust, attached: [READ_ONLY] });
    const ws = world.hcp.workspace(workspace);
    ws.vars.push(
      world.hcp.variable("TFC_AWS_PROVIDER_AUTH", "true"),
      world.hcp.variable("TFC_AWS_RUN_ROLE_ARN", `arn:aws:iam::${id}:role/tfc-${ORG}-${workspace}`),
    );
  }
}

describe("adopt --account, one account's credentials at a time", () => {
  it("GIVEN two accounts without assumeRoleArn WHEN adopting without --account THEN it exits 2 and suggests --account", async () => {
    handMadeInBoth();
    useKeysOf("main");
    const { status, stderr } = await adopt();
    expect(status).toBe(2);
    expect(stderr).toContain(
      `the credentials for account prod reach AWS account ${ACCOUNT}, but the config says ${OTHER}`,
    );
    expect(stderr).toContain("--account prod");
  });

  it("GIVEN adopt run for each account with its own credentials WHEN both are done THEN the file holds both accounts' imports", async () => {
    handMadeInBoth();
    useKeysOf("main");
    const first = await adopt("--account", "main");
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    // Only main's AWS side was read, and only the workspace whose variables main's stacks write.
    expect(new Set(world.aws.requests.map((r) => r.account))).toEqual(new Set([ACCOUNT]));
    expect(world.hcp.requests).toContain("/api/v2/organizations/acme/workspaces/app");
    expect(world.hcp.requests).not.toContain("/api/v2/organizations/acme/workspaces/batch");
    expect(first.stdout).toContain("5 imports for account main (5 in the file)");
    expect(Object.keys(readAdoption(first.file).accounts ?? {})).toEqual(["main"]);
    expect(Object.keys(readAdoption(first.file).workspaces ?? {})).toEqual(["app"]);

    useKeysOf("prod");
    world.aws.requests.length = 0;
    const second = await adopt("--account", "prod");
    expect(second.stderr).toBe("");
    expect(second.status).toBe(0);
    expect(new Set(world.aws.requests.map((r) => r.account))).toEqual(new Set([OTHER]));
    expect(second.stdout).toContain("5 imports for account prod (10 in the file)");
    const adoption = readAdoption(second.file);
    expect(adoption.accounts?.main?.roles?.["tfc-acme-app"]?.id).toBe("tfc-acme-app");
    expect(adoption.accounts?.prod).toEqual({
      accountId: OTHER,
      oidcProviders: { [HOST]: `arn:aws:iam::${OTHER}:oidc-provider/${HOST}` },
      roles: {
        "tfc-acme-batch": {
          id: "tfc-acme-batch",
          policyAttachments: { [READ_ONLY]: `tfc-acme-batch/${READ_ONLY}` },
        },
      },
    });
    expect(Object.keys(adoption.workspaces ?? {}).sort()).toEqual(["app", "batch"]);
    expect(Object.keys(adoption.workspaces?.batch?.variables ?? {}).sort()).toEqual([
      "TFC_AWS_PROVIDER_AUTH",
      "TFC_AWS_RUN_ROLE_ARN",
    ]);
  });

  it("GIVEN a file with both accounts WHEN one account is adopted again THEN only its entries are replaced", async () => {
    handMadeInBoth();
    useKeysOf("main");
    await adopt("--account", "main");
    useKeysOf("prod");
    const both = readAdoption((await adopt("--account", "prod")).file);
    // prod's role and batch's variables are gone since; main is untouched.
    const prod = world.aws.accounts.get(OTHER);
    if (prod !== undefined) prod.roles = [];
    const batch = world.hcp.workspaces.find((w) => w.name === "batch");
    if (batch !== undefined) batch.vars = [];
    const again = await adopt("--account", "prod");
    expect(again.status).toBe(0);
    const after = readAdoption(again.file);
    expect(after.accounts?.main).toEqual(both.accounts?.main);
    expect(after.workspaces?.app).toEqual(both.workspaces?.app);
    expect(after.accounts?.prod).toEqual({
      accountId: OTHER,
      oidcProviders: { [HOST]: `arn:aws:iam::${OTHER}:oidc-provider/${HOST}` },
    });
    expect(after.workspaces?.batch).toBeUndefined();
  });

  it("GIVEN an account the config does not have WHEN adopting THEN it exits 2 listing the config's accounts, reading and writing nothing", async () => {
    const { status, stderr, file } = await adopt("--account", "staging");
    expect(status).toBe(2);
    expect(stderr).toBe(
      'adopt: --account staging: the config has no account "staging"; its accounts are main, prod',
    );
    expect(world.aws.requests).toEqual([]);
    expect(world.hcp.requests).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });

  it("GIVEN an adoption file that cannot be read WHEN adopting one account THEN it exits 2, says why, and leaves the file as it was", async () => {
    handMadeInBoth();
    const file = join(world.dir, "trust.imports.json");
    writeFileSync(file, "{ not json");
    useKeysOf("main");
    const { status, stderr } = await adopt("--account", "main");
    expect(status).toBe(2);
    expect(stderr).toContain("is not valid JSON");
    expect(stderr).toContain("run adopt without --account to write it anew");
    expect(readFileSync(file, "utf8")).toBe("{ not json");
    expect(world.aws.requests).toEqual([]);
  });

  it("GIVEN an adoption file of another organization WHEN adopting one account THEN it exits 2 rather than mix them", async () => {
    handMadeInBoth();
    const file = join(world.dir, "trust.imports.json");
    const other =
      '{\n  "version": 1,\n  "organization": "globex",\n  "hostname": "app.terraform.io"\n}\n';
    writeFileSync(file, other);
    useKeysOf("main");
    const { status, stderr } = await adopt("--account", "main");
    expect(status).toBe(2);
    expect(stderr).toContain(
      "is for organization globex at app.terraform.io, the config for acme at app.terraform.io",
    );
    expect(readFileSync(file, "utf8")).toBe(other);
    expect(world.aws.requests).toEqual([]);
    expect(world.hcp.requests).toEqual([]);
  });
});

describe("doctor --account, one account's credentials at a time", () => {
  it("GIVEN two deployed accounts WHEN checking each with its own credentials THEN each reads only its account and its workspaces", async () => {
    deploy(world, config);
    useKeysOf("prod");
    const prod = await doctor("--account", "prod");
    expect(prod.stderr).toBe("");
    expect(prod.stdout).toContain(
      `Checked organization acme (app.terraform.io), account prod only: 1 workspace; account prod (${OTHER}): 1 role.`,
    );
    expect(prod.status).toBe(0);
    expect(new Set(world.aws.requests.map((r) => r.account))).toEqual(new Set([OTHER]));
    expect(world.hcp.requests).not.toContain("/api/v2/organizations/acme/workspaces/app");
  });

  it("GIVEN drift in one account's workspace WHEN checking the other account THEN it is not reported there, but is for its own", async () => {
    deploy(world, config);
    const run = world.hcp.workspaces
      .find((w) => w.name === "app")
      ?.vars.find((v) => v.key === "TFC_AWS_RUN_ROLE_ARN");
    if (run !== undefined) run.value = `arn:aws:iam::${ACCOUNT}:role/legacy`;
    useKeysOf("prod");
    expect((await doctor("--account", "prod")).status).toBe(0);
    useKeysOf("main");
    const main = await doctor("--account", "main", "--json");
    expect(main.status).toBe(1);
    const report = JSON.parse(main.stdout);
    expect(report.checked.account).toBe("main");
    expect(report.checked.accounts).toEqual([{ name: "main", accountId: ACCOUNT, roles: 1 }]);
    expect(report.findings.map((f: { subject: string }) => f.subject)).toEqual(["workspace app"]);
  });

  it("GIVEN an account the config does not have WHEN running doctor --json THEN it exits 2 listing the config's accounts", async () => {
    const { status, stdout, stderr } = await doctor("--account", "Prod", "--json");
    expect(status).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ healthy: false });
    expect(stderr).toBe(
      'doctor: --account Prod: the config has no account "Prod"; its accounts are main, prod',
    );
  });
});
