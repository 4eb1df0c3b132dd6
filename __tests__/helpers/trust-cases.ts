import type { TrustConfig } from "../../lib/config/schema";
import type { TokenClaims } from "../../lib/iam/web-identity";
import { planTrust } from "../../lib/plan";
import { moduleTestClaims, type RunPhase, runClaims } from "./tokens";

/** Which runs a role is meant to admit. */
export interface TrustScope {
  readonly host: string;
  readonly audience: string;
  readonly organization: string;
  /** Undefined: any project. */
  readonly project?: string;
  /** Undefined: every workspace of the project (a project-wide role). */
  readonly workspace?: string;
  readonly phases: readonly RunPhase[];
}

export interface TrustCase {
  readonly name: string;
  readonly claims: TokenClaims;
  readonly allowed: boolean;
}

const ALL_PHASES: readonly RunPhase[] = ["plan", "apply"];

/** Near misses of a name: a suffix, a prefix, one character less. */
function nearMisses(name: string, suffix: string): string[] {
  const misses = [`${name}${suffix}`, `x${name}`];
  if (name.length > 1) misses.push(name.slice(0, -1));
  return misses;
}

/**
 * Compliance and noncompliance cases for a role: the tokens it must admit, and near misses of
 * them (another organization, project, workspace, phase, audience or issuer) it must refuse.
 */
export function trustCases(scope: TrustScope): TrustCase[] {
  const project = scope.project ?? "Default Project";
  const workspace = scope.workspace ?? "any-workspace";
  const base = {
    host: scope.host,
    audience: scope.audience,
    organization: scope.organization,
    project,
    workspace,
  };
  const cases: TrustCase[] = [];
  const denied = (name: string, claims: TokenClaims) =>
    cases.push({ name, claims, allowed: false });
  const owner = scope.workspace === undefined ? "a workspace of its project" : "its own";

  for (const phase of ALL_PHASES) {
    const allowed = scope.phases.includes(phase);
    cases.push({
      name: `${allowed ? "allows" : "denies"} ${owner} ${phase} token`,
      claims: runClaims({ ...base, phase }),
      allowed,
    });
  }
  const phase = scope.phases[0] ?? "plan";
  if (scope.project === undefined) {
    cases.push({
      name: "allows its workspace in any project",
      claims: runClaims({ ...base, project: "Other Project", phase }),
      allowed: true,
    });
  }
  if (scope.workspace === undefined) {
    cases.push({
      name: "allows another workspace of the project",
      claims: runClaims({ ...base, workspace: "another-ws", phase }),
      allowed: true,
    });
  }
  for (const organization of nearMisses(scope.organization, "2")) {
    denied(
      `denies organization ${JSON.stringify(organization)}`,
      runClaims({ ...base, organization, phase }),
    );
  }
  if (scope.project !== undefined) {
    for (const other of [...nearMisses(scope.project, " 2"), "Other Project"]) {
      if (other !== scope.project)
        denied(
          `denies project ${JSON.stringify(other)}`,
          runClaims({ ...base, project: other, phase }),
        );
    }
  }
  if (scope.workspace !== undefined) {
    for (const other of nearMisses(scope.workspace, "-2")) {
      denied(
        `denies workspace ${JSON.stringify(other)}`,
        runClaims({ ...base, workspace: other, phase }),
      );
    }
  }
  denied("denies another audience", runClaims({ ...base, audience: `${scope.audience}x`, phase }));
  denied(
    "denies the STS default audience",
    runClaims({ ...base, audience: "sts.amazonaws.com", phase }),
  );
  denied("denies another issuer", runClaims({ ...base, host: "tfe.attacker.example", phase }));
  denied(
    "denies an issuer that extends the hostname",
    runClaims({ ...base, host: `${scope.host}.attacker.example`, phase }),
  );
  denied("denies a module test run", moduleTestClaims(scope.organization, workspace, scope.host));
  return cases;
}

/** The runs each role of a config is meant to admit, by `STACK aws_iam_role.roles["KEY"]`. */
export function scopesOf(config: TrustConfig): Map<string, TrustScope> {
  const { hostname: host, audience, organization } = config.hcp;
  return new Map(
    planTrust(config).stacks.flatMap((stack) =>
      stack.roles.map((role) => {
        const { owner } = role;
        const scope: TrustScope = {
          host,
          audience,
          organization,
          ...(owner.kind === "workspace"
            ? { project: owner.project, workspace: owner.name }
            : { project: owner.name }),
          phases: role.phase === "run" ? ["plan", "apply"] : [role.phase],
        };
        return [`${stack.name} aws_iam_role.roles["${role.key}"]`, scope] as const;
      }),
    ),
  );
}
