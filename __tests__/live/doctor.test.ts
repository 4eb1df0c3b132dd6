import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDoctor } from "../../lib/live/doctor";
import { deploy } from "./deployed";
import { BASE_SECRET } from "./fake-aws";
import {
  ACCOUNT,
  capture,
  configWith,
  FAST,
  handMadeTrust,
  ORG,
  startWorld,
  stopWorld,
  subOf,
  type World,
} from "./world";

const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await stopWorld(world);
});

async function doctor(config: Record<string, unknown>, ...args: string[]) {
  const path = world.config(config);
  const io = capture();
  const status = await runDoctor(["--config", path, ...args], io, world.env, FAST);
  return { status, stdout: io.stdout(), stderr: io.stderr() };
}

const twoWorkspaces = configWith([
  { name: "app", project: "Default Project", policyArns: [READ_ONLY] },
  {
    name: "net",
    project: "Networking",
    plan: { policyArns: [READ_ONLY] },
    apply: { policyArns: [READ_ONLY] },
  },
]);

describe("doctor on a healthy deploy", () => {
  it("GIVEN everything as deployed WHEN running doctor THEN it finds nothing and exits 0", async () => {
    deploy(world, twoWorkspaces);
    const { status, stdout } = await doctor(twoWorkspaces);
    expect(stdout).toContain("Healthy: what is live is what the config says.");
    expect(stdout).toContain(
      "Checked organization acme (app.terraform.io): 2 workspaces; account default (111122223333): 3 roles.",
    );
    expect(status).toBe(0);
  });

  it("GIVEN --json WHEN running doctor THEN it prints the report for machines", async () => {
    deploy(world, twoWorkspaces);
    const { status, stdout } = await doctor(twoWorkspaces, "--json");
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      healthy: true,
      organization: ORG,
      checked: { accounts: [{ name: "default", accountId: ACCOUNT, roles: 3 }], workspaces: 2 },
      findings: [],
    });
  });
});

describe("doctor on a drifted organization", () => {
  it("GIVEN a renamed workspace WHEN running doctor THEN it says the role still trusts the old name, which anyone may re-create", async () => {
    deploy(world, twoWorkspaces);
    const ws = world.hcp.workspaces.find((w) => w.name === "app");
    if (ws !== undefined) ws.name = "app-renamed";
    const { status, stdout } = await doctor(twoWorkspaces);
    expect(status).toBe(1);
    expect(stdout).toContain(
      'workspace app [workspace-missing]: not found in organization acme (renamed or deleted?); role tfc-acme-app still trusts that name: whoever creates a workspace named app in project "Default Project" can assume it',
    );
  });

  it("GIVEN a deleted workspace WHEN running doctor --json THEN the finding is an error with its code", async () => {
    deploy(world, twoWorkspaces);
    world.hcp.workspaces = world.hcp.workspaces.filter((w) => w.name !== "net");
    const { status, stdout } = await doctor(twoWorkspaces, "--json");
    expect(status).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.healthy).toBe(false);
    expect(report.findings).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "workspace-missing",
        subject: "workspace net",
      }),
    ]);
  });

  it("GIVEN a workspace the config creates, not deployed yet WHEN running doctor THEN it is a warning: no role trusts its name yet", async () => {
    const config = configWith([
      { name: "new-app", project: "Apps", create: true, policyArns: [READ_ONLY] },
    ]);
    const { status, stdout } = await doctor(config);
    expect(status).toBe(1);
    expect(stdout).toContain("Warnings (1):");
    expect(stdout).toContain(
      "workspace new-app [workspace-missing]: not found in organization acme, and no role trusts it yet",
    );
    expect(stdout).toContain(
      "role tfc-acme-new-app in account default (111122223333) [role-missing]",
    );
  });

  it("GIVEN a workspace moved to another project WHEN running doctor THEN it says its runs are refused", async () => {
    deploy(world, twoWorkspaces);
    const ws = world.hcp.workspaces.find((w) => w.name === "net");
    if (ws !== undefined) ws.projectId = world.hcp.project("Sandbox").id;
    const { status, stdout } = await doctor(twoWorkspaces);
    expect(status).toBe(1);
    expect(stdout).toContain(
      'workspace net [workspace-moved]: is in project "Sandbox", the config says "Networking"',
    );
  });

  it("GIVEN a priority variable set made elsewhere WHEN running doctor THEN it names the set that overrides the role", async () => {
    deploy(world, twoWorkspaces);
    const set = world.hcp.varset("org-wide-aws", { global: true, priority: true });
    set.vars.push(
      world.hcp.variable("TFC_AWS_RUN_ROLE_ARN", "arn:aws:iam::999988887777:role/shared"),
    );
    const { status, stdout } = await doctor(twoWorkspaces);
    expect(status).toBe(1);
    expect(stdout).toContain(
      'workspace app [credentials-differ]: plan and apply runs assume arn:aws:iam::999988887777:role/shared (TFC_AWS_RUN_ROLE_ARN, priority variable set "org-wide-aws" (global)), not arn:aws:iam::111122223333:role/tfc-acme-app',
    );
    expect(stdout).toContain("remove that key from the variable set");
    // net has its own plan and apply roles, which a run role does not override.
    expect(stdout).not.toContain("workspace net [credentials-differ]");
  });

  it("GIVEN a variable edited by hand WHEN running doctor THEN it says which role the runs really assume", async () => {
    deploy(world, twoWorkspaces);
    const run = world.hcp.workspaces
      .find((w) => w.name === "app")
      ?.vars.find((v) => v.key === "TFC_AWS_RUN_ROLE_ARN");
    if (run !== undefined) run.value = "arn:aws:iam::111122223333:role/old";
    const { stdout } = await doctor(twoWorkspaces);
    expect(stdout).toContain(
      "apply runs assume arn:aws:iam::111122223333:role/old (TFC_AWS_RUN_ROLE_ARN, workspace variable)",
    );
  });

  it("GIVEN a role whose trust was widened in the console WHEN running doctor THEN it says what it admits beyond the config", async () => {
    deploy(world, twoWorkspaces);
    const role = world.aws.accounts.get(ACCOUNT)?.roles.find((r) => r.name === "tfc-acme-app");
    if (role !== undefined) role.trust = handMadeTrust([subOf("app"), subOf("intruder")]);
    const { status, stdout } = await doctor(twoWorkspaces);
    expect(status).toBe(1);
    expect(stdout).toContain(
      `role tfc-acme-app in account default (111122223333) [role-trust]: its trust policy is not the synthesized one: it also admits subject ${subOf("intruder")}`,
    );
  });

  it("GIVEN the same trust with its values reordered and single values as lists WHEN running doctor THEN it is not a finding", async () => {
    deploy(world, twoWorkspaces);
    const role = world.aws.accounts.get(ACCOUNT)?.roles.find((r) => r.name === "tfc-acme-app");
    if (role !== undefined) {
      const trust = role.trust as { Statement: Array<Record<string, unknown>> };
      const statement = trust.Statement[0] as Record<string, unknown>;
      role.trust = {
        Statement: [{ ...statement, Action: ["sts:AssumeRoleWithWebIdentity"] }],
        Version: "2012-10-17",
      };
    }
    const { status } = await doctor(twoWorkspaces);
    expect(status).toBe(0);
  });

  it("GIVEN a role whose trust has no field-count guard WHEN running doctor THEN it is an error: tokens of other kinds line up with its wildcards", async () => {
    deploy(world, twoWorkspaces);
    const role = world.aws.accounts.get(ACCOUNT)?.roles.find((r) => r.name === "tfc-acme-app");
    if (role === undefined) throw new Error("no role tfc-acme-app");
    role.trust = handMadeTrust([subOf("app")]);
    const { status, stdout } = await doctor(twoWorkspaces);
    expect(status).not.toBe(0);
    expect(stdout).toContain(
      `[role-trust]: its trust policy is not the synthesized one: it also admits tokens of other kinds whose sub lines up with the wildcards of ${subOf("app")} (no StringNotLike on app.terraform.io:sub limits its fields)`,
    );
  });

  it("GIVEN a policy attached by hand WHEN running doctor THEN it is an error: permissions nobody reviewed", async () => {
    deploy(world, twoWorkspaces);
    world.aws.accounts
      .get(ACCOUNT)
      ?.roles[0]?.attached.push("arn:aws:iam::aws:policy/AdministratorAccess");
    const { stdout } = await doctor(twoWorkspaces);
    expect(stdout).toContain(
      "[role-policies-extra]: has policies the config does not attach: arn:aws:iam::aws:policy/AdministratorAccess",
    );
  });

  it("GIVEN a provider without the audience WHEN running doctor THEN every run's token is refused", async () => {
    deploy(world, twoWorkspaces);
    const provider = world.aws.accounts.get(ACCOUNT)?.providers[0];
    if (provider !== undefined) provider.clientIds = ["sts.amazonaws.com"];
    const { stdout } = await doctor(twoWorkspaces);
    expect(stdout).toContain("[provider-audience]");
  });
});

describe("roles the config no longer names", () => {
  const withOld = configWith([
    { name: "app", project: "Default Project", policyArns: [READ_ONLY] },
    { name: "old", project: "Default Project", policyArns: [READ_ONLY] },
  ]);
  const withoutOld = configWith([
    { name: "app", project: "Default Project", policyArns: [READ_ONLY] },
  ]);

  it("GIVEN a role left behind whose workspace exists WHEN running doctor THEN it is a warning", async () => {
    deploy(world, withOld);
    const { status, stdout } = await doctor(withoutOld);
    expect(status).toBe(1);
    expect(stdout).toContain("Warnings (1):");
    expect(stdout).toContain(
      "role tfc-acme-old in account default (111122223333) [role-left-behind]",
    );
  });

  it("GIVEN a role left behind whose workspace is gone WHEN running doctor THEN it is an error: the name can be reclaimed", async () => {
    deploy(world, withOld);
    world.hcp.workspaces = world.hcp.workspaces.filter((w) => w.name !== "old");
    world.aws.listRolesPage = 1; // ListRoles read page by page
    const { stdout } = await doctor(withoutOld);
    expect(stdout).toContain(
      "[role-reclaimable]: is left behind (tagged ManagedBy = hcp-aws-trust, not in the config), and the workspace old it trusts no longer exists",
    );
    expect(world.aws.requests.filter((r) => r.action === "ListRoles").length).toBe(2);
  });
});

describe("doctor at scale and under rate limits", () => {
  const projectConfig = configWith(
    [{ name: "app", project: "Default Project", policyArns: [READ_ONLY] }],
    {
      projects: [{ name: "Big Project", policyArns: [READ_ONLY] }],
    },
  );

  it("GIVEN a project of 260 workspaces WHEN running doctor THEN it reads them in pages of 100 and checks each, with requests linear in them", async () => {
    deploy(world, projectConfig);
    for (let i = 0; i < 260; i++) world.hcp.workspace(`big-${i}`, "Big Project");
    const bad = world.hcp.workspaces.find((w) => w.name === "big-259");
    bad?.vars.push(
      world.hcp.variable("TFC_AWS_RUN_ROLE_ARN", "arn:aws:iam::111122223333:role/own"),
    );
    const { status, stdout } = await doctor(projectConfig);
    expect(stdout).toContain("the 260 other workspaces of their projects");
    expect(stdout).toContain("workspace big-259 [credentials-differ]");
    expect(status).toBe(1);
    const pages = world.hcp.requests.filter((r) =>
      r.startsWith("/api/v2/organizations/acme/workspaces?"),
    );
    expect(pages).toHaveLength(3);
    expect(world.hcp.count(/^\/api\/v2\/workspaces\/[^/]+\/vars\?/)).toBe(261);
    // The project's set is read once, not once per workspace.
    expect(world.hcp.count(/^\/api\/v2\/varsets\//)).toBe(1);
    expect(world.hcp.requests.length).toBeLessThan(261 * 2 + 20);
  });

  it("GIVEN bursts of HTTP 429 WHEN running doctor THEN it retries and still reports healthy", async () => {
    deploy(world, twoWorkspaces);
    world.hcp.rateLimitNext = 5;
    const { status } = await doctor(twoWorkspaces);
    expect(status).toBe(0);
    expect(world.hcp.rateLimitNext).toBe(0);
  });

  it("GIVEN HTTP 429 that never ends WHEN running doctor THEN it gives up with exit 2 and says so", async () => {
    deploy(world, twoWorkspaces);
    world.hcp.rateLimitNext = 1_000;
    const { status, stderr } = await doctor(twoWorkspaces);
    expect(status).toBe(2);
    expect(stderr).toContain("kept answering HTTP 429 (rate limited)");
  });
});

describe("doctor that cannot check", () => {
  it("GIVEN a bad token WHEN running doctor --json THEN it exits 2 with the reason", async () => {
    deploy(world, twoWorkspaces);
    world.hcp.token = "revoked";
    const { status, stdout, stderr } = await doctor(twoWorkspaces, "--json");
    expect(status).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ healthy: false });
    expect(stderr).toContain("refused the token (HTTP 401)");
  });

  it("GIVEN an unreachable AWS endpoint WHEN running doctor THEN it exits 2 naming the account", async () => {
    deploy(world, twoWorkspaces);
    await world.aws.stop();
    const { status, stderr } = await doctor(twoWorkspaces);
    expect(status).toBe(2);
    expect(stderr).toContain("cannot reach AWS for account default (111122223333) (ECONNREFUSED)");
    await world.aws.start();
  });

  it("GIVEN no TFE_TOKEN WHEN running doctor THEN it exits 2 saying what token it needs", async () => {
    const path = world.config(twoWorkspaces);
    const io = capture();
    const status = await runDoctor(["--config", path], io, {}, FAST);
    expect(status).toBe(2);
    expect(io.stderr()).toContain("TFE_TOKEN is not set");
  });

  it("GIVEN an unknown option WHEN running doctor THEN it exits 2 with the usage", async () => {
    const io = capture();
    expect(await runDoctor(["--jsn"], io, {}, FAST)).toBe(2);
    expect(io.stderr()).toContain("Usage: npm run doctor");
  });
});

describe("secrets in doctor's output", () => {
  it("GIVEN marker values in the token, keys and a sensitive variable WHEN running doctor THEN none appears", async () => {
    deploy(world, twoWorkspaces);
    world.hcp.leakSensitiveValues = true;
    const run = world.hcp.workspaces
      .find((w) => w.name === "app")
      ?.vars.find((v) => v.key === "TFC_AWS_RUN_ROLE_ARN");
    if (run !== undefined) {
      run.sensitive = true;
      run.value = "sensitive-MARKER-3e3e";
    }
    const text = await doctor(twoWorkspaces);
    const json = await doctor(twoWorkspaces, "--json");
    const everything = [text.stdout, text.stderr, json.stdout, json.stderr].join("\n");
    expect(everything).toContain("credentials-unreadable");
    expect(everything).not.toMatch(/MARKER/);
    expect(everything).not.toContain(BASE_SECRET);
  });
});

describe("doctor on HYOK configurations", () => {
  const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const withHyok = configWith(
    [{ name: "app", project: "Default Project", policyArns: [READ_ONLY] }],
    {
      hyok: [{ name: "primary", kmsKey: KEY, agentPool: "hyok-agents" }],
    },
  );
  const hyokOf = () => {
    const found = world.hcp.hyokConfigurations.find((h) => h.name === "primary");
    if (found === undefined) throw new Error("no HYOK configuration");
    return found;
  };

  it("GIVEN the HYOK configuration as deployed WHEN running doctor THEN it finds nothing", async () => {
    deploy(world, withHyok);
    const { status, stdout } = await doctor(withHyok);
    expect(stdout).toContain("Healthy: what is live is what the config says.");
    expect(status).toBe(0);
  });

  it.each<[string, () => void, string]>([
    [
      "a deleted configuration",
      () => {
        world.hcp.hyokConfigurations = [];
      },
      "HYOK configuration primary [hyok-missing]: not found in organization acme",
    ],
    [
      "another key",
      () => {
        hyokOf().kekId = "alias/other";
      },
      'HYOK configuration primary [hyok-key]: uses key "alias/other" in "us-east-1"',
    ],
    [
      "an OIDC configuration naming another role",
      () => {
        const oidc = world.hcp.awsOidcConfigurations.find(
          (c) => c.id === hyokOf().oidcConfigurationId,
        );
        if (oidc !== undefined) oidc.roleArn = `arn:aws:iam::${ACCOUNT}:role/other`;
      },
      `HYOK configuration primary [hyok-role]: has an AWS OIDC configuration naming arn:aws:iam::${ACCOUNT}:role/other, not arn:aws:iam::${ACCOUNT}:role/tfc-acme-hyok-primary`,
    ],
    [
      "another agent pool",
      () => {
        hyokOf().agentPoolId = world.hcp.agentPool("other-pool").id;
      },
      'HYOK configuration primary [hyok-agent-pool]: uses agent pool "other-pool", the config says "hyok-agents"',
    ],
    [
      "a failed test",
      () => {
        Object.assign(hyokOf(), { status: "test_failed", error: "AccessDeniedException" });
      },
      "HYOK configuration primary [hyok-status]: is test_failed in HCP Terraform: AccessDeniedException",
    ],
  ])("GIVEN %s WHEN running doctor THEN it is an error", async (_, change, expected) => {
    deploy(world, withHyok);
    change();
    const { status, stdout } = await doctor(withHyok);
    expect(stdout).toContain(expected);
    expect(status).toBe(1);
  });

  it("GIVEN a revoked configuration and no primary WHEN running doctor THEN it warns with what to do", async () => {
    deploy(world, withHyok);
    Object.assign(hyokOf(), { status: "revoked", primary: false });
    const { status, stdout } = await doctor(withHyok);
    expect(stdout).toContain(
      "HYOK configuration primary [hyok-revoked]: is revoked in HCP Terraform",
    );
    expect(stdout).toContain("set retired: true on its entry and deploy");
    expect(stdout).toContain(
      "organization acme [hyok-no-primary]: has HYOK configurations but none is primary",
    );
    expect(status).toBe(1);
  });
});
