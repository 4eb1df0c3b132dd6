import { readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadConfig, parseConfig } from "../../lib/config/load";
import { effectiveAwsCredentials } from "../../lib/hcp/precedence";
import { evaluateTrust } from "../../lib/iam/simulator";
import {
  oidcProviderArnFor,
  UNKNOWN_ACCOUNT_ID,
  webIdentityRequest,
} from "../../lib/iam/web-identity";
import { planTrust } from "../../lib/plan";
import { effectiveRuns, variableValue } from "../../lib/plan/effective";
import { variableSetName } from "../../lib/plan/members";
import type { PlannedRole, TrustPlan } from "../../lib/plan/model";
import { trustPolicyDocument } from "../../lib/trust-policy";
import { runClaims } from "../helpers/tokens";

const READ = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];
const POWER = ["arn:aws:iam::aws:policy/PowerUserAccess"];

/** The grants of a workspace or project entry in each shape the config allows. */
const SHAPES = {
  single: { policyArns: READ },
  split: { plan: { policyArns: READ }, apply: { policyArns: POWER } },
  tagged: { credentials: [{ tag: "DEV", policyArns: READ }] },
  "single and tagged": {
    policyArns: READ,
    credentials: [{ tag: "DEV", plan: { policyArns: READ }, apply: { policyArns: POWER } }],
  },
} as const;

type WorkspaceShape = keyof typeof SHAPES | "none";
type ProjectShape = "single" | "split" | "none";

function configOf(workspace: WorkspaceShape, project: ProjectShape): string {
  return stringify({
    hcp: { organization: "acme" },
    aws: { region: "us-east-1" },
    ...(project === "none" ? {} : { projects: [{ name: "Apps", ...SHAPES[project] }] }),
    workspaces: [
      // A listed workspace always exists; "none" lists another one so the config is valid.
      workspace === "none"
        ? { name: "other", project: "Other", policyArns: READ }
        : { name: "app", project: "Apps", ...SHAPES[workspace] },
    ],
  });
}

/** The role a run of a workspace should get: its own for the tag, else (untagged) its project's. */
function intendedRole(
  plan: TrustPlan,
  workspace: string,
  project: string | undefined,
  tag: string | undefined,
  phase: "plan" | "apply",
): PlannedRole | undefined {
  const pick = (roles: readonly PlannedRole[]) =>
    roles.find((r) => r.phase === phase) ?? roles.find((r) => r.phase === "run");
  const own = plan.roles.filter(
    (r) => r.owner.kind === "workspace" && r.owner.name === workspace && r.tag === tag,
  );
  if (own.length > 0) return pick(own);
  if (tag !== undefined || project === undefined) return undefined;
  return pick(
    plan.roles.filter(
      (r) => r.owner.kind === "project" && r.owner.name.toLowerCase() === project.toLowerCase(),
    ),
  );
}

/** The configurations a workspace's runs get, as HCP Terraform picks them. */
function runsOf(plan: TrustPlan, workspace: string) {
  const listed = effectiveRuns(plan).find((r) => r.workspace === workspace);
  if (listed !== undefined) return listed.configurations;
  // A workspace the config does not list gets only its project's variable set.
  const set = plan.targets.find((t) => t.owner.kind === "project" && t.owner.name === "Apps");
  return effectiveAwsCredentials({
    workspace: [],
    variableSets:
      set === undefined
        ? []
        : [
            {
              name: variableSetName("Apps"),
              scope: "project",
              variables: set.variables.map((v) => ({ key: v.key, value: variableValue(v) })),
            },
          ],
  });
}

/** Checks every configuration and phase of a workspace against the intended role, and that AWS admits the run. */
function expectIntended(plan: TrustPlan, workspace: string, project: string | undefined): number {
  const configurations = runsOf(plan, workspace);
  const tags = new Set<string | undefined>([
    undefined,
    ...plan.roles.flatMap((r) => (r.tag === undefined ? [] : [r.tag])),
  ]);
  let checked = 0;
  for (const tag of tags) {
    const configuration = configurations.find((c) => c.tag === tag);
    for (const phase of ["plan", "apply"] as const) {
      const intended = intendedRole(plan, workspace, project, tag, phase);
      const got = configuration?.[phase];
      const where = `workspace ${workspace}, tag ${tag ?? "(none)"}, ${phase}`;
      if (intended === undefined) {
        expect(got?.authenticates ?? false, where).toBe(false);
        continue;
      }
      expect(got?.roleArn, where).toBe(`role:${intended.key}`);
      expect(got?.audience, where).toBe(plan.hcp.audience);
      // And AWS admits that run's token on that role.
      const claims = runClaims({
        host: plan.hcp.hostname,
        audience: plan.hcp.audience,
        organization: plan.hcp.organization,
        project: project ?? "Default Project",
        workspace,
        phase,
      });
      const account = plan.accounts.find((a) => a.name === intended.account);
      const accountId = account?.accountId ?? UNKNOWN_ACCOUNT_ID;
      const providerArn =
        account?.oidcProviderArn ??
        oidcProviderArnFor(plan.hcp.hostname, account?.partition ?? "aws", accountId);
      const decision = evaluateTrust(
        trustPolicyDocument({
          hostname: plan.hcp.hostname,
          audience: plan.hcp.audience,
          providerArn,
          subject: intended.subject,
        }),
        webIdentityRequest(claims, {
          roleArn: `arn:aws:iam::${accountId}:role/${intended.roleName}`,
          partition: account?.partition ?? "aws",
          accountId,
        }),
      );
      expect(decision, where).toBe("Allowed");
      checked++;
    }
  }
  return checked;
}

describe("effective credentials", () => {
  const workspaceShapes: WorkspaceShape[] = [
    "single",
    "split",
    "tagged",
    "single and tagged",
    "none",
  ];
  const projectShapes: ProjectShape[] = ["single", "split", "none"];
  const combinations = workspaceShapes.flatMap((w) => projectShapes.map((p) => [w, p] as const));

  it.each(combinations)(
    "give every run of a workspace with %s roles in a project with %s roles exactly its intended role",
    (workspace, project) => {
      // GIVEN a workspace of one shape in a project of another
      const plan = planTrust(parseConfig(configOf(workspace, project)));
      // WHEN HCP Terraform resolves the variables the app writes
      // THEN each phase and tag uses the intended role, and AWS admits the run
      expectIntended(plan, "app", "Apps");
    },
  );

  it("give a workspace with one role in a project with split roles its own role for plan and apply", () => {
    // The case that read the project's pair before: TFC_AWS_PLAN/APPLY_ROLE_ARN beat a lone run role.
    const plan = planTrust(parseConfig(configOf("single", "split")));
    const own = plan.targets.find((t) => t.owner.kind === "workspace" && t.owner.name === "app");
    const keys = own?.variables.map((v) => `${v.key}=${variableValue(v)}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        "TFC_AWS_RUN_ROLE_ARN=role:ws_app",
        "TFC_AWS_PLAN_ROLE_ARN=role:ws_app",
        "TFC_AWS_APPLY_ROLE_ARN=role:ws_app",
      ]),
    );
  });

  it("hold for every example config", () => {
    const dir = join(__dirname, "..", "..", "examples");
    const configs = [
      join(__dirname, "..", "..", "trust.yaml"),
      ...readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .map((f) => join(dir, f)),
      join(dir, "bootstrap"),
    ];
    let checked = 0;
    for (const path of configs) {
      const plan = planTrust(loadConfig(path).config);
      for (const run of effectiveRuns(plan))
        checked += expectIntended(plan, run.workspace, run.project);
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("hold for generated configs (500)", { timeout: 600_000 }, () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    const shape = fc.constantFrom<Exclude<WorkspaceShape, "none">>(
      "single",
      "split",
      "tagged",
      "single and tagged",
    );
    const projectShape = fc.constantFrom<ProjectShape>("single", "split", "none");
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, shape, fc.constantFrom("Apps", "Data Platform")), {
          minLength: 1,
          maxLength: 6,
          selector: ([n]) => n,
        }),
        projectShape,
        projectShape,
        (workspaces, apps, data) => {
          const projects = (
            [
              ["Apps", apps],
              ["Data Platform", data],
            ] as const
          ).flatMap(([p, s]) => (s === "none" ? [] : [{ name: p, ...SHAPES[s] }]));
          const plan = planTrust(
            parseConfig(
              stringify({
                hcp: { organization: "acme" },
                aws: { region: "us-east-1" },
                ...(projects.length > 0 ? { projects } : {}),
                workspaces: workspaces.map(([n, s, p]) => ({ name: n, project: p, ...SHAPES[s] })),
              }),
            ),
          );
          for (const [n, , p] of workspaces) expectIntended(plan, n, p);
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 500) },
    );
  });
});
