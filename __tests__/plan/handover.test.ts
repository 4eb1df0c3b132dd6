import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { planTrust } from "../../lib/plan";
import { RESOURCES } from "../../lib/plan/members";
import type { PlannedStack, TrustPlan } from "../../lib/plan/model";
import { bucketOf } from "../../lib/plan/naming";
import { objectOf } from "../helpers/deploy-model";
import { configText, type Entry, Session } from "../helpers/deploy-session";

/*
 * Moves between stacks decided from the deploy record (`lib/plan/lock.ts`), played against a
 * model of Terraform states (`helpers/deploy-model.ts`): every test ends with no violation (no
 * import of what does not exist, no object in no state, no variable of the config naming a
 * missing role) unless it says otherwise.
 */

const APPS = "hcp-aws-trust-prod.Apps";
const TOOLS = "hcp-aws-trust-prod.Tools";
const DEV_APPS = "hcp-aws-trust-dev.Apps";
const app: Entry = { name: "app", project: "Apps" };
const other: Entry = { name: "other", project: "Other" };
const role = (account = "prod") => objectOf(RESOURCES.role, "ws_app", account);
const runRoleArn = objectOf(RESOURCES.variable, "ws_app_TFC_AWS_RUN_ROLE_ARN", "hcp");

const stackOf = (plan: TrustPlan | undefined, name: string): PlannedStack => {
  const stack = plan?.stacks.find((s) => s.name === name);
  if (stack === undefined) throw new Error(`no stack ${name}`);
  return stack;
};
const phases = (plan: TrustPlan | undefined) => [
  ...new Set(
    (plan?.relocations ?? []).map(
      (r) => `${r.from} -> ${r.to} ${r.phase}${r.imports ? " import" : ""}`,
    ),
  ),
];

/** A session whose config is deployed in full, with a record. */
function deployed(entries: readonly Entry[]): Session {
  const s = new Session();
  s.synth(entries);
  s.deployAll();
  return s;
}

describe("moves decided from the deploy record", () => {
  it("a workspace moved, the stack it leaves deployed alone, then removed: its role is destroyed, never orphaned", () => {
    const s = deployed([app, other]);
    s.synth([{ ...app, project: "Tools" }, other]);
    s.deploy(APPS);
    s.synth([other]);
    expect(s.plan?.relocations).toEqual([]);
    s.fullDeploy();
    expect(s.world.violations).toEqual([]);
    expect(s.world.objects.has(role())).toBe(false);
    expect(s.settledProblems()).toEqual([]);
  });

  it("a workspace added and moved before any deploy is created where it lands, nothing imported", () => {
    const s = deployed([other]);
    s.synth([app, other]);
    s.synth([{ ...app, project: "Tools" }, other]);
    expect(s.plan?.relocations).toEqual([]);
    s.fullDeploy();
    expect(s.world.violations).toEqual([]);
    expect(s.world.holders(role())).toEqual([TOOLS]);
    expect(s.settledProblems()).toEqual([]);
  });

  it("the stack a workspace leaves keeps it, with the joining stack's values, until the record shows the joining one holds it", () => {
    const s = deployed([app, other]);
    // WHEN app moves to Tools
    s.synth([{ ...app, project: "Tools" }, other]);
    // THEN Apps keeps declaring its role and variables, exactly as Tools declares them, and Tools imports them
    expect(phases(s.plan)).toEqual([`${APPS} -> ${TOOLS} keep import`]);
    const tools = stackOf(s.plan, TOOLS);
    const kept = stackOf(s.plan, APPS).kept;
    expect(kept?.roles).toEqual(tools.roles.filter((r) => r.key === "ws_app"));
    expect(kept?.targets.map((t) => t.variables)).toEqual(
      tools.targets.filter((t) => t.key === "ws_app").map((t) => t.variables),
    );
    // Both stacks deployed, in either order, any number of times: both hold the same objects.
    s.deploy(APPS);
    s.deploy(TOOLS);
    s.deploy(APPS);
    expect(s.world.holders(role()).sort()).toEqual([APPS, TOOLS]);
    // Once the record shows Tools holds them, Apps forgets them (no import any more)...
    s.synth();
    expect(phases(s.plan)).toEqual([`${APPS} -> ${TOOLS} forget`]);
    expect(stackOf(s.plan, APPS).kept).toBeUndefined();
    s.deploy(APPS);
    expect(s.world.holders(role())).toEqual([TOOLS]);
    // ... and once it shows Apps does not hold them any more, nothing is left to carry.
    s.synth();
    expect(s.plan?.relocations).toEqual([]);
    expect(s.world.violations).toEqual([]);
  });

  it("a workspace that moves back before the move is done is forgotten by the stack it went to", () => {
    const s = deployed([app, other]);
    s.synth([{ ...app, project: "Tools" }, other]);
    s.deploy(TOOLS);
    s.synth([app, other]);
    expect(phases(s.plan)).toEqual([`${TOOLS} -> ${APPS} forget`]);
    s.fullDeploy();
    expect(s.world.violations).toEqual([]);
    expect(s.settledProblems()).toEqual([]);
  });

  it("a deploy that failed part way is recorded from the state: what it imported is not imported again", () => {
    const s = deployed([app, other]);
    s.synth([{ ...app, project: "Tools" }, other]);
    expect(s.deploy(TOOLS, { kind: "partial", cut: 1 })).toBe(false);
    expect(s.record?.stacks[TOOLS]?.members).toEqual({
      [RESOURCES.role]: { ws_app: "tfc-acme-app" },
    });
    s.synth();
    const role = s.plan?.relocations.find((r) => r.resource === RESOURCES.role);
    const variable = s.plan?.relocations.find((r) => r.resource === RESOURCES.variable);
    expect([role?.phase, role?.imports, variable?.phase, variable?.imports]).toEqual([
      "keep",
      false,
      "keep",
      true,
    ]);
    s.fullDeploy();
    expect(s.world.violations).toEqual([]);
    expect(s.settledProblems()).toEqual([]);
  });

  it("what one stack destroyed, another that still lists it forgets when the workspace comes back elsewhere", () => {
    // GIVEN app held by both Apps and Tools (a move under way), then removed and destroyed by Tools
    const s = deployed([app, other]);
    s.synth([{ ...app, project: "Tools" }, other]);
    s.deploy(TOOLS);
    s.synth([other]);
    s.deploy(TOOLS);
    expect(s.record?.stacks[APPS]?.gone?.[RESOURCES.role]).toEqual({ ws_app: "tfc-acme-app" });
    // WHEN app comes back in a third project
    s.synth([{ ...app, project: "Data" }, other]);
    // THEN Apps forgets it (a role of that name may exist again by its deploy), and nothing is imported
    expect(phases(s.plan)).toEqual([`${APPS} -> hcp-aws-trust-prod.Data forget`]);
    s.deploy("hcp-aws-trust-prod.Data");
    s.fullDeploy();
    expect(s.world.violations).toEqual([]);
    expect(s.settledProblems()).toEqual([]);
  });

  it("synthesizes a stack the record says holds something, even when the lock has forgotten it", () => {
    const s = deployed([app, other]);
    s.synth([other]);
    const lock = s.lock;
    if (lock === undefined) throw new Error("no lock");
    const { [APPS]: _, ...stacks } = lock.stacks;
    const plan = planTrust(
      parseConfig(configText([other])),
      { ...lock, stacks },
      undefined,
      s.record,
    );
    expect(plan.stacks.map((stack) => stack.name)).toContain(APPS);
  });
});

describe("a move to another account", () => {
  it("keeps the old role, named by the variables the old stack keeps, until the new stack has written them after the old one's last deploy", () => {
    const s = deployed([app, other]);
    // WHEN app moves to dev, whose account ID the config does not give
    s.synth([{ ...app, account: "dev" }, other]);
    // THEN the variables move; prod.Apps keeps its own role, and its kept variable names that one
    expect(phases(s.plan)).toEqual([`${APPS} -> ${DEV_APPS} keep import`]);
    const kept = stackOf(s.plan, APPS).kept;
    expect(kept?.roles.map((r) => [r.key, r.account, r.arn])).toEqual([
      ["ws_app", "prod", "arn:aws:iam::111122223333:role/tfc-acme-app"],
    ]);
    const runRole = kept?.targets[0]?.variables.find((v) => v.key === "TFC_AWS_RUN_ROLE_ARN");
    expect(runRole?.value).toEqual({
      kind: "role-arn",
      role: "ws_app",
      arn: "arn:aws:iam::111122223333:role/tfc-acme-app",
    });
    // The new stack writes them first, then the old one again: the old role is still named.
    s.deploy(DEV_APPS);
    s.deploy(APPS);
    expect(s.world.objects.get(runRoleArn)?.value).toBe(role("prod"));
    s.synth();
    expect(phases(s.plan)).toEqual([`${APPS} -> ${DEV_APPS} keep`]);
    expect(stackOf(s.plan, DEV_APPS).awaited).toBe(true);
    // Once the new stack is deployed after it, the old one forgets the variables and destroys its role.
    s.deploy(DEV_APPS);
    s.synth();
    expect(phases(s.plan)).toEqual([`${APPS} -> ${DEV_APPS} forget`]);
    s.deploy(APPS);
    expect(s.world.objects.has(role("prod"))).toBe(false);
    expect(s.world.objects.get(runRoleArn)?.value).toBe(role("dev"));
    expect(s.world.violations).toEqual([]);
    s.fullDeploy();
    expect(s.world.violations).toEqual([]);
    expect(s.settledProblems()).toEqual([]);
  });

  it("finishes in one full deploy", () => {
    const s = deployed([app, other]);
    s.synth([{ ...app, account: "dev" }, other]);
    s.fullDeploy();
    expect(s.world.violations).toEqual([]);
    expect(s.settledProblems()).toEqual([]);
  });
});

describe("a created workspace on the move", () => {
  const web: Entry = { name: "web", project: "Apps", create: true };

  it("is kept by the stack it leaves, in its new project, and both stacks guard it", () => {
    const s = deployed([web, other]);
    s.synth([{ ...web, project: "Tools" }, other]);
    const kept = stackOf(s.plan, APPS).kept?.targets[0]?.owner;
    expect(kept).toMatchObject({ kind: "workspace", name: "web", create: true, project: "Tools" });
    expect(stackOf(s.plan, APPS).guardsCreated).toBe(true);
    expect(stackOf(s.plan, TOOLS).guardsCreated).toBe(true);
    s.fullDeploy();
    expect(s.world.violations).toEqual([]);
    expect(s.settledProblems()).toEqual([]);
  });

  it("removed while on the move, is declared by neither stack, and both still guard it", () => {
    const s = deployed([web, other]);
    s.synth([{ ...web, project: "Tools" }, other]);
    s.deploy(TOOLS);
    s.synth([other]);
    for (const name of [APPS, TOOLS]) {
      expect(stackOf(s.plan, name).guardsCreated).toBe(true);
      expect(s.configOf(name).declared.has(`${RESOURCES.workspace}["web"]`)).toBe(false);
    }
    // The deploy stops at prevent_destroy, in whichever stack is deployed: the documented retirement.
    expect(s.deploy(APPS)).toBe(false);
    expect(s.world.violations).toEqual([
      `${APPS}: Instance cannot be destroyed (${RESOURCES.workspace}["web"])`,
    ]);
  });
});

describe("a project's variable set on the move", () => {
  it("moves with its variables and role when the project changes bucket, and is kept whole by the stack it leaves", () => {
    // Apps is split into buckets; its project role and variable set live in the bucket of its name.
    const text = (shards: number) =>
      stringify({
        hcp: { organization: "acme" },
        aws: { region: "us-east-1", accountId: "111122223333" },
        shards: { Apps: shards },
        projects: [{ name: "Apps", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }],
        workspaces: [
          { name: "app", project: "Apps", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
        ],
      });
    const [from, to] = [2, 3].map((n) => bucketOf("Apps", n));
    expect(from).not.toBe(to);
    const s = new Session();
    let shards = 2;
    s.text = () => text(shards);
    s.synth();
    s.deployAll();
    shards = 3;
    s.synth();
    const moving = new Set(s.plan?.relocations.map((r) => r.resource));
    expect(moving).toEqual(
      new Set([
        RESOURCES.role,
        RESOURCES.attachment,
        RESOURCES.variable,
        RESOURCES.variableSet,
        RESOURCES.projectVariableSet,
      ]),
    );
    const leaving = stackOf(s.plan, `hcp-aws-trust-default.Apps.b${from}`);
    expect(leaving.kept?.targets.map((t) => t.owner.kind)).toContain("project");
    expect(phases(s.plan).every((p) => p.endsWith("keep import"))).toBe(true);
    s.fullDeploy();
    expect(s.world.violations).toEqual([]);
    expect(s.settledProblems()).toEqual([]);
  });
});

describe("a workspace with credentials in two accounts (tagged)", () => {
  it("moves to another project with both roles, each in its own account, the variables naming both", () => {
    const text = (project: string) =>
      stringify({
        hcp: { organization: "acme" },
        accounts: {
          prod: { region: "us-east-1", accountId: "111122223333" },
          shared: { region: "eu-west-1", accountId: "444455556666" },
        },
        workspaces: [
          {
            name: "multi",
            project,
            credentials: [
              {
                tag: "PROD",
                account: "prod",
                policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
              },
              {
                tag: "SHARED",
                account: "shared",
                policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
              },
            ],
          },
        ],
      });
    const s = new Session();
    let project = "Platform";
    s.text = () => text(project);
    s.synth();
    s.deployAll();
    project = "Tools";
    s.synth();
    expect(phases(s.plan).sort()).toEqual([
      "hcp-aws-trust-prod.Platform -> hcp-aws-trust-prod.Tools keep import",
      "hcp-aws-trust-shared.Platform -> hcp-aws-trust-shared.Tools keep import",
    ]);
    // The stack that keeps the variables names the other account's role by its ARN, as the new one does.
    const kept = stackOf(s.plan, "hcp-aws-trust-prod.Platform").kept?.targets[0]?.variables;
    const joining = stackOf(s.plan, "hcp-aws-trust-prod.Tools").targets[0]?.variables;
    expect(kept).toEqual(joining);
    s.deploy("hcp-aws-trust-shared.Tools");
    s.deploy("hcp-aws-trust-prod.Platform");
    s.fullDeploy();
    expect(s.world.violations).toEqual([]);
    expect(s.settledProblems()).toEqual([]);
  });
});

describe("without a deploy record", () => {
  it("plans as before: the stack a member leaves forgets it and the joining one imports it in the same synth", () => {
    const s = new Session();
    s.synth([app, other]);
    s.world.deploy(s.configOf(APPS), { kind: "ok" });
    s.synth([{ ...app, project: "Tools" }, other]);
    expect(phases(s.plan)).toEqual([`${APPS} -> ${TOOLS} forget import`]);
  });
});
