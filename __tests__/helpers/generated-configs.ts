/**
 * Generated configs for the trust properties, with the runs each role should admit: random
 * organizations, hosts, audiences, workspace and project names, split phases, project-wide roles,
 * Stacks (some deployments, or any), registry modules, HYOK configurations (on app.terraform.io
 * with the default audience, the only place HCP Terraform issues their tokens) and reused providers.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { workspaceNameProblem } from "../../lib/config/names";
import type { TokenClaims } from "../../lib/iam/web-identity";
import { checkRules } from "../../lib/rules/engine";
import { LABEL_WORDS } from "./cross-kind";
import { synthRoles } from "./synth";
import { hyokClaims, moduleTestClaims, runClaims, stackClaims } from "./tokens";
import { scopesOf, type TrustScope } from "./trust-cases";

/** Generated configs per property; raise it for a longer search: PROPERTY_RUNS=5000 npm test */
export const RUNS = Number(process.env.PROPERTY_RUNS ?? 500);
const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
/**
 * Bounded by the number of configs, not by the clock: on a loaded machine a run takes longer,
 * never fails for it. The limit only stops a run that hangs.
 */
export const TIMEOUT_MS = 10 * 60_000;

/**
 * A name of up to `max` characters; one in four is a word of the `sub` forms (`workspace`,
 * `deployment`, ...), which an attacker may give to lead a wildcard across fields.
 */
const name = (max: number) =>
  fc.oneof(
    { arbitrary: fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{1,${max}}$`)), weight: 3 },
    { arbitrary: fc.constantFrom(...LABEL_WORDS), weight: 1 },
  );
/** Workspace names the config accepts (the ones it refuses are tested in config-names.test.ts). */
const workspaceName = name(90).filter((n) => workspaceNameProblem(n) === undefined);
const projectName = fc.oneof(
  {
    arbitrary: fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_ -]{1,38}[A-Za-z0-9_-]$/),
    weight: 3,
  },
  { arbitrary: fc.constantFrom(...LABEL_WORDS), weight: 1 },
);
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const hostname = fc.oneof(
  fc.constant("app.terraform.io"),
  label.map((l) => `tfe.${l}.example.com`),
);
const audience = fc.oneof(
  fc.constant("aws.workload.identity"),
  fc.stringMatching(/^[a-z0-9][a-z0-9.:/_-]{0,40}$/),
);

/** A config as YAML, and the runs each of its roles should admit, by `STACK ADDRESS`. */
export const generatedConfig = fc
  .record({
    organization: name(60),
    hostname,
    audience,
    reuseProvider: fc.boolean(),
    workspaces: fc.uniqueArray(
      fc.record({
        name: workspaceName,
        project: fc.option(projectName, { nil: undefined }),
        split: fc.boolean(),
      }),
      { minLength: 1, maxLength: 3, selector: (ws) => ws.name.toLowerCase() },
    ),
    projectRole: fc.option(fc.record({ name: projectName, split: fc.boolean() }), {
      nil: undefined,
    }),
    stack: fc.option(
      fc.record({
        name: name(40),
        project: projectName,
        deployments: fc.option(fc.uniqueArray(name(30), { minLength: 1, maxLength: 2 }), {
          nil: undefined,
        }),
      }),
      { nil: undefined },
    ),
    module: fc.option(
      fc.record({ name: name(40), provider: fc.stringMatching(/^[a-z0-9]{1,10}$/) }),
      { nil: undefined },
    ),
    hyok: fc.option(name(64), { nil: undefined }),
  })
  .map((c) => {
    // HCP Terraform issues HYOK tokens only as app.terraform.io, with the AWS default audience.
    const hyok =
      c.hostname === "app.terraform.io" && c.audience === "aws.workload.identity"
        ? c.hyok
        : undefined;
    const grant = (split: boolean) =>
      split
        ? {
            plan: { policyArns: [READ_ONLY] },
            apply: { policyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] },
          }
        : { policyArns: [READ_ONLY] };
    const yaml = stringify({
      hcp: { organization: c.organization, hostname: c.hostname, audience: c.audience },
      aws: {
        region: "us-east-1",
        ...(c.reuseProvider
          ? { oidcProviderArn: `arn:aws:iam::111122223333:oidc-provider/${c.hostname}` }
          : {}),
      },
      workspaces: c.workspaces.map((ws) => ({
        name: ws.name,
        ...(ws.project === undefined ? {} : { project: ws.project }),
        ...grant(ws.split),
      })),
      ...(c.projectRole === undefined
        ? {}
        : { projects: [{ name: c.projectRole.name, ...grant(c.projectRole.split) }] }),
      ...(c.stack === undefined
        ? {}
        : {
            stacks: [
              {
                name: c.stack.name,
                project: c.stack.project,
                deployments: c.stack.deployments ?? "any",
                policyArns: [READ_ONLY],
              },
            ],
          }),
      ...(c.module === undefined ? {} : { modules: [{ ...c.module, policyArns: [READ_ONLY] }] }),
      ...(hyok === undefined
        ? {}
        : {
            hyok: [
              {
                name: hyok,
                kmsKey:
                  "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                agentPool: "hyok-agents",
              },
            ],
          }),
    });
    const config = parseConfig(yaml);
    // The runs each role should admit, from the plan of the config (split roles, project roles).
    return { yaml, config, scopes: scopesOf(config) };
  })
  // Names drawn from the labels can collide (a workspace `project` and a project role `plan`
  // both want the role name tfc-ORG-project-plan): the rules refuse such a config, as they should.
  .filter(({ config }) => checkRules(config).errors.length === 0)
  .map(({ yaml, scopes }) => ({ yaml, scopes }));

/**
 * One claim of an in-scope token replaced by a different value. `name` is the owner's own name:
 * the workspace, the Stack or the module.
 */
export const mutation = fc.record({
  field: fc.constantFrom("organization", "project", "name", "deployment", "audience", "host"),
  value: fc.oneof(name(20), projectName, hostname),
});

/** A token of the role's scope with one claim changed; undefined when the change stays in scope. */
export function mutate(scope: TrustScope, field: string, value: string): TokenClaims | undefined {
  const issuer = { host: scope.host, audience: scope.audience, organization: scope.organization };
  const changed = <T extends object>(token: T, key: keyof T) =>
    (token as Record<keyof T, unknown>)[key] === value ? undefined : { ...token, [key]: value };
  const issuerKey = (["organization", "audience", "host"] as const).find((k) => k === field);
  if (scope.kind === "stack") {
    const token = {
      ...issuer,
      project: scope.project,
      stack: scope.stack,
      deployment: scope.deployment ?? "any-deployment",
      operation: "plan" as const,
    };
    if (field === "deployment" && scope.deployment === undefined) return undefined; // any deployment
    const key =
      issuerKey ??
      (field === "name"
        ? "stack"
        : field === "project"
          ? "project"
          : field === "deployment"
            ? "deployment"
            : undefined);
    const next = key === undefined ? undefined : changed(token, key);
    return next === undefined ? undefined : stackClaims(next);
  }
  if (scope.kind === "hyok") {
    const token = { ...issuer, hyok: scope.hyok };
    const key = issuerKey ?? (field === "name" ? "hyok" : undefined);
    const next = key === undefined ? undefined : changed(token, key);
    return next === undefined
      ? undefined
      : hyokClaims(next.organization, next.hyok, next.host, next.audience);
  }
  if (scope.kind === "module") {
    const token = { ...issuer, module: scope.module };
    const key = issuerKey ?? (field === "name" ? "module" : undefined);
    const next = key === undefined ? undefined : changed(token, key);
    return next === undefined
      ? undefined
      : moduleTestClaims(next.organization, next.module, next.host, next.audience);
  }
  if (field === "deployment") return undefined;
  const run = {
    host: scope.host,
    audience: scope.audience,
    organization: scope.organization,
    project: scope.project ?? "Default Project",
    workspace: scope.workspace ?? "any-workspace",
    phase: scope.phases[0] ?? "plan",
  };
  if (field === "project" && scope.project === undefined) return undefined; // any project is in scope
  if (field === "name" && scope.workspace === undefined) return undefined; // a project-wide role
  const key = field === "name" ? "workspace" : field;
  if ((run as Record<string, string>)[key] === value) return undefined;
  return runClaims({ ...run, [key]: value });
}

/** Each role the synth wrote, with the runs it should admit; fails if the two sets differ. */
export function rolesWithScopes(yaml: string, scopes: Map<string, TrustScope>) {
  const roles = synthRoles(yaml);
  expect(roles.map((r) => `${r.stack} ${r.address}`).sort()).toEqual([...scopes.keys()].sort());
  return roles.map((role) => {
    const scope = scopes.get(`${role.stack} ${role.address}`);
    if (scope === undefined) throw new Error(`no scope for ${role.stack} ${role.address}`);
    return { role, scope };
  });
}
