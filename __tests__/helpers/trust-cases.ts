import type { TrustConfig } from "../../lib/config/schema";
import type { TokenClaims } from "../../lib/iam/web-identity";
import { planTrust } from "../../lib/plan";
import { hyokClaims, moduleTestClaims, type RunPhase, runClaims, stackClaims } from "./tokens";

interface Issuer {
  readonly host: string;
  readonly audience: string;
  readonly organization: string;
}

/** Which workspace runs a role is meant to admit. */
export interface RunScope extends Issuer {
  readonly kind: "run";
  /** Undefined: any project. */
  readonly project?: string;
  /** Undefined: every workspace of the project (a project-wide role). */
  readonly workspace?: string;
  readonly phases: readonly RunPhase[];
}

/** Which Stack deployments a role is meant to admit (both operations). */
export interface StackScope extends Issuer {
  readonly kind: "stack";
  readonly project: string;
  readonly stack: string;
  /** Undefined: every deployment of the Stack. */
  readonly deployment?: string;
}

/** Which module's test runs a role is meant to admit, by the name their tokens carry. */
export interface ModuleScope extends Issuer {
  readonly kind: "module";
  readonly module: string;
}

/** Which HYOK configuration's tokens a role is meant to admit. */
export interface HyokScope extends Issuer {
  readonly kind: "hyok";
  readonly hyok: string;
}

export type TrustScope = RunScope | StackScope | ModuleScope | HyokScope;

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
 * them (another organization, project, workspace, Stack, deployment, module, phase, audience or
 * issuer, and tokens of the other kinds of run with the same names) it must refuse.
 */
export function trustCases(scope: TrustScope): TrustCase[] {
  switch (scope.kind) {
    case "run":
      return runCases(scope);
    case "stack":
      return stackCases(scope);
    case "module":
      return moduleCases(scope);
    case "hyok":
      return hyokCases(scope);
  }
}

/**
 * A HYOK role admits its configuration's tokens only: not another configuration's (near misses of
 * its name), not another organization's, and no token of another kind built from the same names.
 */
function hyokCases(scope: HyokScope): TrustCase[] {
  const claims = (change: Partial<Issuer> & { hyok?: string }) =>
    hyokClaims(
      change.organization ?? scope.organization,
      change.hyok ?? scope.hyok,
      change.host ?? scope.host,
      change.audience ?? scope.audience,
    );
  const cases: TrustCase[] = [
    { name: "allows its configuration's tokens", claims: claims({}), allowed: true },
  ];
  const denied = (name: string, c: TokenClaims) => cases.push({ name, claims: c, allowed: false });
  for (const other of [...nearMisses(scope.hyok, "-2"), scope.hyok.toUpperCase()]) {
    if (other !== scope.hyok)
      denied(`denies HYOK configuration ${JSON.stringify(other)}`, claims({ hyok: other }));
  }
  cases.push(...issuerCases(claims, scope));
  const names = {
    host: scope.host,
    audience: scope.audience,
    organization: scope.organization,
    project: scope.hyok,
  };
  denied(
    "denies a workspace run named like the configuration",
    runClaims({ ...names, workspace: scope.hyok, phase: "plan" }),
  );
  denied(
    "denies a Stack deployment named like the configuration",
    stackClaims({ ...names, stack: scope.hyok, deployment: scope.hyok, operation: "apply" }),
  );
  denied(
    "denies a module test run named like the configuration",
    moduleTestClaims(scope.organization, scope.hyok, scope.host, scope.audience),
  );
  return cases;
}

/** The cases every kind shares: another audience, the STS default audience, another issuer. */
function issuerCases(make: (change: Partial<Issuer>) => TokenClaims, scope: Issuer): TrustCase[] {
  const denied = (name: string, claims: TokenClaims) => ({ name, claims, allowed: false });
  return [
    ...nearMisses(scope.organization, "2").map((organization) =>
      denied(`denies organization ${JSON.stringify(organization)}`, make({ organization })),
    ),
    denied("denies another audience", make({ audience: `${scope.audience}x` })),
    denied("denies the STS default audience", make({ audience: "sts.amazonaws.com" })),
    denied("denies another issuer", make({ host: "tfe.attacker.example" })),
    denied(
      "denies an issuer that extends the hostname",
      make({ host: `${scope.host}.attacker.example` }),
    ),
  ];
}

function stackCases(scope: StackScope): TrustCase[] {
  const deployment = scope.deployment ?? "any-deployment";
  const base = { ...scope, deployment, operation: "plan" as RunPhase };
  const cases: TrustCase[] = (["plan", "apply"] as const).map((operation) => ({
    name: `allows its deployment's ${operation} operation`,
    claims: stackClaims({ ...base, operation }),
    allowed: true,
  }));
  const denied = (name: string, claims: TokenClaims) =>
    cases.push({ name, claims, allowed: false });
  if (scope.deployment === undefined) {
    cases.push({
      name: "allows another deployment of its Stack",
      claims: stackClaims({ ...base, deployment: "another-deployment" }),
      allowed: true,
    });
  } else {
    for (const other of nearMisses(scope.deployment, "-2"))
      denied(
        `denies deployment ${JSON.stringify(other)}`,
        stackClaims({ ...base, deployment: other }),
      );
  }
  for (const other of nearMisses(scope.stack, "-2"))
    denied(`denies Stack ${JSON.stringify(other)}`, stackClaims({ ...base, stack: other }));
  for (const other of [...nearMisses(scope.project, " 2"), "Other Project"]) {
    if (other !== scope.project)
      denied(`denies project ${JSON.stringify(other)}`, stackClaims({ ...base, project: other }));
  }
  cases.push(...issuerCases((change) => stackClaims({ ...base, ...change }), scope));
  denied(
    "denies a workspace run with the Stack's names",
    runClaims({ ...base, workspace: scope.stack, phase: "plan" }),
  );
  denied(
    "denies a module test run named like the Stack",
    moduleTestClaims(scope.organization, scope.stack, scope.host, scope.audience),
  );
  denied(
    "denies a HYOK configuration named like the Stack",
    hyokClaims(scope.organization, scope.stack, scope.host, scope.audience),
  );
  return cases;
}

function moduleCases(scope: ModuleScope): TrustCase[] {
  const claims = (change: Partial<Issuer> & { module?: string }) =>
    moduleTestClaims(
      change.organization ?? scope.organization,
      change.module ?? scope.module,
      change.host ?? scope.host,
      change.audience ?? scope.audience,
    );
  const cases: TrustCase[] = [{ name: "allows its test runs", claims: claims({}), allowed: true }];
  // The other form a module's name could take in `sub` (`vpc` for `terraform-aws-vpc`) is another module.
  const bare = /^terraform-[a-z0-9]+-(.+)$/.exec(scope.module)?.[1];
  for (const other of [...nearMisses(scope.module, "-2"), ...(bare === undefined ? [] : [bare])])
    cases.push({
      name: `denies module ${JSON.stringify(other)}`,
      claims: claims({ module: other }),
      allowed: false,
    });
  cases.push(...issuerCases(claims, scope));
  const names = {
    host: scope.host,
    audience: scope.audience,
    organization: scope.organization,
    project: "Default Project",
  };
  cases.push(
    {
      name: "denies a workspace run named like the module",
      claims: runClaims({ ...names, workspace: scope.module, phase: "plan" }),
      allowed: false,
    },
    {
      name: "denies a HYOK configuration named like the module",
      claims: hyokClaims(scope.organization, scope.module, scope.host, scope.audience),
      allowed: false,
    },
    {
      name: "denies a Stack deployment named like the module",
      claims: stackClaims({
        ...names,
        stack: scope.module,
        deployment: scope.module,
        operation: "plan",
      }),
      allowed: false,
    },
  );
  return cases;
}

function runCases(scope: RunScope): TrustCase[] {
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
  denied(
    "denies a HYOK configuration named like the workspace",
    hyokClaims(scope.organization, workspace, scope.host, scope.audience),
  );
  denied(
    "denies a Stack deployment with the workspace's names",
    stackClaims({ ...base, stack: workspace, deployment: workspace, operation: phase }),
  );
  return cases;
}

/** The runs each role of a config is meant to admit, by `STACK aws_iam_role.roles["KEY"]`. */
export function scopesOf(config: TrustConfig): Map<string, TrustScope> {
  const { hostname: host, audience, organization } = config.hcp;
  return new Map(
    planTrust(config).stacks.flatMap((stack) =>
      stack.roles.map((role) => {
        const { owner } = role;
        const issuer = { host, audience, organization };
        const phases: RunPhase[] = role.phase === "run" ? ["plan", "apply"] : [role.phase];
        let scope: TrustScope;
        switch (owner.kind) {
          case "workspace":
            scope = {
              kind: "run",
              ...issuer,
              project: owner.project,
              workspace: owner.name,
              phases,
            };
            break;
          case "project":
            scope = { kind: "run", ...issuer, project: owner.name, phases };
            break;
          case "stack":
            scope = {
              kind: "stack",
              ...issuer,
              project: owner.project,
              stack: owner.name,
              ...(owner.deployment === undefined ? {} : { deployment: owner.deployment }),
            };
            break;
          case "module":
            scope = { kind: "module", ...issuer, module: owner.subjectName };
            break;
          case "hyok":
            scope = { kind: "hyok", ...issuer, hyok: owner.name };
            break;
        }
        return [`${stack.name} aws_iam_role.roles["${role.key}"]`, scope] as const;
      }),
    ),
  );
}
