/**
 * The rules that relate fields to each other: within a workspace, across the lists of a config,
 * and between entries and the accounts they name.
 */
import {
  bareManagedPolicyProblem,
  knownAccountId,
  parseOidcProviderArn,
  parsePolicyArn,
  parseRoleArn,
  partitionOfRegion,
} from "./arns";
import { DEFAULT_AUDIENCE, DEFAULT_HOSTNAME, SINGLE_ACCOUNT } from "./constants";
import type { Ctx } from "./fields";
import type { Grant, Permissions } from "./grants";
import { parseKmsKey } from "./hyok";
import { roleCountProblem, rolesOfGrant } from "./limits";
import { quote } from "./quote";
import { ANY_DEPLOYMENT, moduleSubjectName } from "./run-kinds";
import type { ModuleConfig, StackConfig, TrustConfig, WorkspaceConfig } from "./schema";

/** Checks a workspace's fields against each other: `create` needs a project, credential tags are unique. */
export function checkWorkspace(ws: WorkspaceConfig, ctx: Ctx): void {
  const what = `workspace ${quote(ws.name)}`;
  if (ws.create && ws.project === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["project"],
      message: `${what} has create: true, so it needs a project to be created in`,
      input: ws,
    });
  }
  const seen = new Map<string, number>();
  ws.credentials?.forEach((credential, index) => {
    const key = credential.tag.toUpperCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else {
      ctx.addIssue({
        code: "custom",
        path: ["credentials", index, "tag"],
        message: `tag ${quote(credential.tag)} is used twice in ${what} (also at credentials[${first}]); tags are unique per workspace`,
        input: credential.tag,
      });
    }
  });
}

/** Checks the whole config: its accounts, that it lists something, unique names, the role count. */
export function checkConfig(config: TrustConfig, ctx: Ctx): void {
  checkAccounts(config, ctx);
  checkBareManagedPolicyNames(config, ctx);
  if (
    config.workspaces === undefined &&
    config.projects === undefined &&
    config.stacks === undefined &&
    config.modules === undefined &&
    config.hyok === undefined
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["workspaces"],
      message:
        "is required (a list): list the workspaces (or, under projects, stacks or modules, the projects, Stacks or registry modules) whose runs get AWS roles",
      input: undefined,
    });
  }
  checkUnique(config.workspaces ?? [], "workspaces", "workspace", ctx);
  checkUnique(config.projects ?? [], "projects", "project", ctx);
  checkProjectSpelling(config, ctx);
  checkAcknowledgements(config, ctx);
  let roles = 0;
  for (const ws of config.workspaces ?? []) {
    roles += rolesOfGrant(ws);
    for (const credential of ws.credentials ?? []) roles += rolesOfGrant(credential);
  }
  for (const project of config.projects ?? []) roles += rolesOfGrant(project);
  for (const stack of config.stacks ?? [])
    roles += stack.deployments === ANY_DEPLOYMENT ? 1 : stack.deployments.length;
  roles += config.modules?.length ?? 0;
  roles += config.hyok?.filter((entry) => !entry.retired).length ?? 0;
  checkStacks(config.stacks ?? [], ctx);
  checkModules(config.modules ?? [], ctx);
  checkHyok(config, ctx);
  const tooMany = roleCountProblem(roles);
  if (tooMany !== undefined) ctx.addIssue({ code: "custom", message: tooMany, input: roles });
}

/**
 * Checks that each Stack belongs to one project, and that no deployment of a Stack is given two
 * roles: each deployment passes one role ARN, so two would leave one of them unused.
 */
function checkStacks(stacks: readonly StackConfig[], ctx: Ctx): void {
  const projectOf = new Map<string, { project: string; index: number }>();
  const anyAt = new Map<string, number>();
  const listedAt = new Map<string, number>();
  const deploymentAt = new Map<string, number>();
  stacks.forEach((stack, index) => {
    const name = stack.name.toLowerCase();
    const first = projectOf.get(name);
    if (first === undefined) projectOf.set(name, { project: stack.project, index });
    else if (first.project !== stack.project) {
      ctx.addIssue({
        code: "custom",
        path: ["stacks", index, "project"],
        message: `stack ${quote(stack.name)} is in project ${quote(stack.project)} here but in ${quote(first.project)} at stacks[${first.index}]; a stack name belongs to one project in this config`,
        input: stack.project,
      });
      return;
    }
    const anyOther = anyAt.get(name);
    const listedOther = listedAt.get(name);
    if (stack.deployments === ANY_DEPLOYMENT || anyOther !== undefined) {
      const other = anyOther ?? listedOther;
      if (other !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["stacks", index, "deployments"],
          message: `stack ${quote(stack.name)} has entries here and at stacks[${other}], one of them with deployments: any; "any" admits every deployment, so it goes in the stack's only entry`,
          input: stack.deployments,
        });
      }
      if (stack.deployments === ANY_DEPLOYMENT) anyAt.set(name, index);
      return;
    }
    listedAt.set(name, listedOther ?? index);
    stack.deployments.forEach((deployment, at) => {
      const key = `${name}\u0000${deployment}`;
      const other = deploymentAt.get(key);
      if (other === undefined) deploymentAt.set(key, index);
      else if (other !== index) {
        ctx.addIssue({
          code: "custom",
          path: ["stacks", index, "deployments", at],
          message: `deployment ${quote(deployment)} of stack ${quote(stack.name)} is given a role here and at stacks[${other}]; a deployment passes one role ARN, so list it once`,
          input: deployment,
        });
      }
    });
  });
}

/**
 * Checks the HYOK entries: HCP Terraform only (the token's issuer is always
 * `https://app.terraform.io`), the AWS audience `aws.workload.identity`, each name once, and an
 * account whose ID is known when the key is a bare alias (IAM grants by alias on
 * `arn:PARTITION:kms:REGION:ACCOUNT:key/*`).
 * https://developer.hashicorp.com/terraform/cloud-docs/hold-your-own-key/configure
 */
function checkHyok(config: TrustConfig, ctx: Ctx): void {
  const entries = config.hyok ?? [];
  if (entries.length === 0) return;
  if (config.hcp.hostname !== DEFAULT_HOSTNAME) {
    ctx.addIssue({
      code: "custom",
      path: ["hyok"],
      message: `hold your own key is an HCP Terraform feature: its tokens are always issued by https://${DEFAULT_HOSTNAME}, but hcp.hostname is ${quote(config.hcp.hostname)}; keep HYOK entries in a config for ${DEFAULT_HOSTNAME}`,
      input: config.hcp.hostname,
    });
  }
  if (config.hcp.audience !== DEFAULT_AUDIENCE) {
    ctx.addIssue({
      code: "custom",
      path: ["hyok"],
      message: `HCP Terraform's HYOK tokens for AWS carry the audience "${DEFAULT_AUDIENCE}", but hcp.audience is ${quote(config.hcp.audience)}, the only audience the OIDC provider and the trust policies accept; keep HYOK entries in a config with the default audience`,
      input: config.hcp.audience,
    });
  }
  const seen = new Map<string, number>();
  const accounts: Record<string, { accountId?: string | undefined }> =
    config.accounts ?? (config.aws === undefined ? {} : { [SINGLE_ACCOUNT]: config.aws });
  const names = Object.keys(accounts);
  entries.forEach((entry, index) => {
    const lower = entry.name.toLowerCase();
    const first = seen.get(lower);
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["hyok", index, "name"],
        message: `HYOK configuration ${quote(entry.name)} is listed twice (also at hyok[${first}]); list each once`,
        input: entry.name,
      });
    } else seen.set(lower, index);
    const key = parseKmsKey(entry.kmsKey);
    const account = entry.account ?? (names.length === 1 ? names[0] : undefined);
    const accountConfig = account === undefined ? undefined : accounts[account];
    if (
      key?.form === "alias" &&
      key.accountId === undefined &&
      accountConfig !== undefined &&
      knownAccountId(accountConfig) === undefined
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["hyok", index, "kmsKey"],
        message: `hyok ${quote(entry.name)}: the alias ${quote(entry.kmsKey)} names a key of account ${quote(account ?? "")}, whose ID the config does not give; IAM grants by alias on arn:PARTITION:kms:REGION:ACCOUNT:key/*, so set accountId on that account or give the alias ARN`,
        input: entry.kmsKey,
      });
    }
  });
}

/** Whether a workspace entry has a role of its own (beside any tagged credentials). */
function ownGrant(ws: WorkspaceConfig): boolean {
  return (
    ws.policyArns.length > 0 ||
    ws.inlinePolicy !== undefined ||
    ws.plan !== undefined ||
    ws.apply !== undefined
  );
}

/**
 * Checks each project's `acknowledgeOwnRoles`: it may list only workspaces of that project with
 * roles of their own (what the `workspace-role-overrides-project` rule warns of), each once.
 */
function checkAcknowledgements(config: TrustConfig, ctx: Ctx): void {
  config.projects?.forEach((project, i) => {
    const allowed = (config.workspaces ?? [])
      .filter((ws) => ws.project?.toLowerCase() === project.name.toLowerCase() && ownGrant(ws))
      .map((ws) => ws.name);
    const seen = new Map<string, number>();
    project.acknowledgeOwnRoles?.forEach((name, j) => {
      const path = ["projects", i, "acknowledgeOwnRoles", j];
      const first = seen.get(name);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `${quote(name)} is listed twice (also at acknowledgeOwnRoles[${first}])`,
          input: name,
        });
        return;
      }
      seen.set(name, j);
      if (!allowed.includes(name)) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `${quote(name)} is not a workspace of project ${quote(project.name)} with a role of its own; list only those: ${allowed.length === 0 ? "it has none, so leave acknowledgeOwnRoles out" : allowed.join(", ")}`,
          input: name,
        });
      }
    });
  });
}

/** Checks that each module is listed once, and that no two modules share the name their tokens carry. */
function checkModules(modules: readonly ModuleConfig[], ctx: Ctx): void {
  const seen = new Map<string, number>();
  const subjects = new Map<string, number>();
  modules.forEach((module, index) => {
    const key = `${module.name}/${module.provider}`.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["modules", index, "name"],
        message: `module ${quote(`${module.name}/${module.provider}`)} is listed twice (also at modules[${first}]); list each module once`,
        input: module.name,
      });
      return;
    }
    seen.set(key, index);
    const subject = moduleSubjectName(module);
    const other = subjects.get(subject);
    if (other !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["modules", index, "subjectName"],
        message: `module ${quote(`${module.name}/${module.provider}`)} would trust test runs named ${quote(subject)}, as modules[${other}] does; give each module its own subjectName`,
        input: module.subjectName,
      });
    } else subjects.set(subject, index);
  });
}

/**
 * Checks that a project is spelled one way across the config. HCP Terraform keeps project names
 * unique without regard to case: hashicorp/terraform-provider-tfe matches them with
 * `strings.EqualFold` in internal/provider/data_source_project.go ("Case-insensitive uniqueness is
 * enforced in TFC"; pull request #958: "project names in TFC have to be unique without regard to
 * case"). So `Payments` and `payments` name one project, and a token's `sub` carries one spelling:
 * the roles trusting the other would admit no run, and their stacks would be two folders and state
 * files that collide on a case-insensitive disk. Refused, like the names this app compares
 * without case elsewhere (shards, the project variable sets a workspace's runs get).
 */
function checkProjectSpelling(config: TrustConfig, ctx: Ctx): void {
  const first = new Map<string, { name: string; at: string }>();
  const check = (name: string | undefined, list: string, index: number, field: string) => {
    if (name === undefined) return;
    const path = [list, index, field];
    const at = `${list}[${index}].${field}`;
    const seen = first.get(name.toLowerCase());
    if (seen === undefined) first.set(name.toLowerCase(), { name, at });
    else if (seen.name !== name) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `project ${quote(name)} differs only in case from ${quote(seen.name)} (${seen.at}); HCP Terraform project names are unique without regard to case, so both name one project, whose runs' tokens carry its name as HCP Terraform spells it (a role trusting the other spelling admits none of them): write it the same way everywhere`,
        input: name,
      });
    }
  };
  config.workspaces?.forEach((ws, i) => {
    check(ws.project, "workspaces", i, "project");
  });
  config.projects?.forEach((project, i) => {
    check(project.name, "projects", i, "name");
  });
  config.stacks?.forEach((stack, i) => {
    check(stack.project, "stacks", i, "project");
  });
}

function checkUnique(
  entries: ReadonlyArray<{ name: string }>,
  list: string,
  kind: string,
  ctx: Ctx,
): void {
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const key = entry.name.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return;
    }
    ctx.addIssue({
      code: "custom",
      path: [list, index, "name"],
      message: `${kind} ${quote(entry.name)} is listed twice (also at ${list}[${first}]); names are compared without case, as IAM compares role names`,
      input: entry.name,
    });
  });
}

/** The policy ARNs of a grant (its own, its phases', their permissions boundaries), by path. */
function grantArns(
  grant: Grant & { permissionsBoundary?: string | undefined },
): Array<[PropertyKey[], string]> {
  const arns: Array<[PropertyKey[], string]> = [];
  const add = (
    at: PropertyKey[],
    g: Permissions & { permissionsBoundary?: string | undefined },
  ) => {
    g.policyArns.forEach((arn, i) => {
      arns.push([[...at, "policyArns", i], arn]);
    });
    if (g.permissionsBoundary !== undefined)
      arns.push([[...at, "permissionsBoundary"], g.permissionsBoundary]);
  };
  add([], grant);
  if (grant.plan) add(["plan"], grant.plan);
  if (grant.apply) add(["apply"], grant.apply);
  return arns;
}

/**
 * Refuses the bare name of an AWS managed policy (`AmazonDynamoDBFullAccess`) where an ARN
 * belongs, giving its ARN in the partition of the entry's account; in each partition of the
 * config's accounts when the entry's account is not known (or for `defaults`, which all share).
 */
function checkBareManagedPolicyNames(config: TrustConfig, ctx: Ctx): void {
  const regions: Record<string, string> = Object.fromEntries(
    Object.entries(
      config.accounts ?? (config.aws === undefined ? {} : { [SINGLE_ACCOUNT]: config.aws }),
    ).map(([name, account]) => [name, account.region]),
  );
  const names = Object.keys(regions);
  const every = [...new Set(Object.values(regions).map(partitionOfRegion))];
  const partitionsOf = (account: string | undefined): string[] => {
    const region = regions[account ?? (names.length === 1 ? (names[0] ?? "") : "")];
    if (region !== undefined) return [partitionOfRegion(region)];
    return every.length > 0 ? every : ["aws"];
  };
  const check = (
    path: PropertyKey[],
    account: string | undefined,
    grant: Parameters<typeof grantArns>[0],
  ) => {
    for (const [at, arn] of grantArns(grant)) {
      const message = bareManagedPolicyProblem(arn, partitionsOf(account));
      if (message !== undefined)
        ctx.addIssue({ code: "custom", path: [...path, ...at], message, input: arn });
    }
  };
  config.workspaces?.forEach((ws, i) => {
    check(["workspaces", i], ws.account, ws);
    ws.credentials?.forEach((credential, j) => {
      check(["workspaces", i, "credentials", j], credential.account ?? ws.account, credential);
    });
  });
  for (const list of ["projects", "stacks", "modules"] as const) {
    config[list]?.forEach((entry, i) => {
      check([list, i], entry.account, entry);
    });
  }
  const boundary = config.defaults?.permissionsBoundary;
  if (boundary !== undefined) {
    const message = bareManagedPolicyProblem(boundary, every.length > 0 ? every : ["aws"]);
    if (message !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["defaults", "permissionsBoundary"],
        message,
        input: boundary,
      });
    }
  }
}

function checkAccounts(config: TrustConfig, ctx: Ctx): void {
  if (config.aws !== undefined && config.accounts !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["accounts"],
      message: "give either aws (one account) or accounts (several), not both",
      input: config.accounts,
    });
    return;
  }
  const accounts =
    config.accounts ?? (config.aws === undefined ? undefined : { [SINGLE_ACCOUNT]: config.aws });
  if (accounts === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["aws"],
      message: "is required (a mapping): give aws (one account) or accounts (several)",
      input: undefined,
    });
    return;
  }
  const names = Object.keys(accounts);
  if (names.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["accounts"],
      message: "accounts is empty; name at least one account",
      input: accounts,
    });
    return;
  }
  const accountsPath = (name: string) =>
    config.accounts === undefined ? ["aws"] : ["accounts", name];

  for (const [name, account] of Object.entries(accounts)) {
    const partition = partitionOfRegion(account.region);
    const provider =
      account.oidcProviderArn === undefined
        ? undefined
        : parseOidcProviderArn(account.oidcProviderArn);
    const assumed =
      account.assumeRoleArn === undefined ? undefined : parseRoleArn(account.assumeRoleArn);
    for (const [key, arn] of [
      ["oidcProviderArn", provider],
      ["assumeRoleArn", assumed],
    ] as const) {
      if (arn === undefined) continue;
      if (arn.partition !== partition) {
        ctx.addIssue({
          code: "custom",
          path: [...accountsPath(name), key],
          message: `${quote(account[key] ?? "")} is in partition "${arn.partition}", but region "${account.region}" is in "${partition}"`,
          input: account[key],
        });
      }
      if (account.accountId !== undefined && arn.accountId !== account.accountId) {
        ctx.addIssue({
          code: "custom",
          path: [...accountsPath(name), key],
          message: `${quote(account[key] ?? "")} is in account ${arn.accountId}, but accountId is ${account.accountId}`,
          input: account[key],
        });
      }
    }
  }

  // Accounts with a role that takes its permissions boundary from `defaults`.
  const defaultBoundaryIn = new Set<string>();

  /**
   * Checks one entry's account reference, and the partition and account of its ARNs;
   * `usesDefaultBoundary`: one of its roles takes the permissions boundary of `defaults`.
   */
  const checkEntry = (
    path: PropertyKey[],
    account: string | undefined,
    arns: Array<[PropertyKey[], string]>,
    usesDefaultBoundary = false,
  ) => {
    let resolved = account;
    if (account === undefined) {
      if (names.length > 1) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "account"],
          message: `is required (a string): with several accounts, each entry names its own; one of ${names.join(", ")}`,
          input: undefined,
        });
        return;
      }
      resolved = names[0];
    } else if (!(account in accounts)) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "account"],
        message: `${quote(account)} is not an account of this config; one of ${names.join(", ")}${config.accounts === undefined ? ` (the aws block is the account "${SINGLE_ACCOUNT}")` : ""}`,
        input: account,
      });
      return;
    }
    const name = resolved ?? "";
    if (usesDefaultBoundary) defaultBoundaryIn.add(name);
    for (const [at, arn] of arns) {
      checkPartition([...path, ...at], arn, name);
      checkPolicyAccount([...path, ...at], arn, name);
    }
  };

  /** A policy ARN must be in the partition of the account's region. */
  const checkPartition = (at: PropertyKey[], arn: string, account: string) => {
    const region = accounts[account]?.region ?? "";
    const partition = partitionOfRegion(region);
    const parsed = parsePolicyArn(arn);
    if (parsed !== undefined && parsed.partition !== partition) {
      ctx.addIssue({
        code: "custom",
        path: at,
        message: `${quote(arn)} is in partition "${parsed.partition}", but region "${region}" is in "${partition}": use "arn:${partition}:iam::..."`,
        input: arn,
      });
    }
  };

  /**
   * A customer managed policy is usable only in its own account: IAM attaches to a role, or sets
   * as its permissions boundary, an AWS managed policy or a policy of the role's account, and no
   * other (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html:
   * customer managed policies are "in your AWS account"). Checked when both account IDs are known.
   */
  const checkPolicyAccount = (at: PropertyKey[], arn: string, account: string) => {
    const owner = parsePolicyArn(arn)?.owner;
    const accountConfig = accounts[account];
    const accountId = accountConfig === undefined ? undefined : knownAccountId(accountConfig);
    if (owner === undefined || owner === "aws" || accountId === undefined || owner === accountId)
      return;
    const boundary = at.at(-1) === "permissionsBoundary";
    ctx.addIssue({
      code: "custom",
      path: at,
      message: `${quote(arn)} is a customer managed policy of account ${owner}, but the role is in account ${accountId} (account ${quote(account)}); IAM ${boundary ? "takes as a role's permissions boundary only an AWS managed policy or a customer managed policy" : "attaches to a role only AWS managed policies and customer managed policies"} of the role's own account: use a policy of account ${accountId}`,
      input: arn,
    });
  };

  /** Whether a role of a grant takes its permissions boundary from `defaults`. */
  const usesDefaultBoundary = (
    grant: Grant & { permissionsBoundary?: string | undefined },
  ): boolean => {
    // A grant with both phases makes a role per phase, each with the entry's options under its own.
    const phases =
      grant.plan !== undefined && grant.apply !== undefined ? [grant.plan, grant.apply] : [{}];
    return phases.some(
      (phase: { permissionsBoundary?: string | undefined }) =>
        (phase.permissionsBoundary ?? grant.permissionsBoundary) === undefined,
    );
  };

  config.workspaces?.forEach((ws, i) => {
    const own = ownGrant(ws);
    // A workspace whose roles are all under credentials needs no account of its own.
    if (own || ws.account !== undefined)
      checkEntry(["workspaces", i], ws.account, grantArns(ws), own && usesDefaultBoundary(ws));
    ws.credentials?.forEach((credential, j) => {
      checkEntry(
        ["workspaces", i, "credentials", j],
        credential.account ?? ws.account,
        grantArns(credential),
        usesDefaultBoundary(credential),
      );
    });
  });
  config.projects?.forEach((project, i) => {
    checkEntry(["projects", i], project.account, grantArns(project), usesDefaultBoundary(project));
  });
  config.stacks?.forEach((stack, i) => {
    checkEntry(["stacks", i], stack.account, grantArns(stack), usesDefaultBoundary(stack));
  });
  config.modules?.forEach((module, i) => {
    checkEntry(["modules", i], module.account, grantArns(module), usesDefaultBoundary(module));
  });
  config.hyok?.forEach((entry, i) => {
    const boundary = entry.permissionsBoundary;
    checkEntry(
      ["hyok", i],
      entry.account,
      boundary === undefined ? [] : [[["permissionsBoundary"], boundary]],
      boundary === undefined,
    );
  });
  const boundary = config.defaults?.permissionsBoundary;
  if (boundary !== undefined) {
    for (const name of names) checkPartition(["defaults", "permissionsBoundary"], boundary, name);
    // Only where a role takes it: an account whose roles all set their own never uses it.
    for (const name of defaultBoundaryIn)
      checkPolicyAccount(["defaults", "permissionsBoundary"], boundary, name);
  }
}
