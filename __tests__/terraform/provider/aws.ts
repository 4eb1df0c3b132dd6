import { isObject, UNKNOWN, type Value, type ValueObject } from "./cty";
import { schemaOf } from "./schema-types";
import { AWS_SCHEMAS } from "./schemas-aws";
import { type ProviderDefinition, ProviderError, type ResourceType } from "./server";
import {
  type AwsWorld,
  awsWorldFile,
  emptyAwsWorld,
  updateWorld,
  type WorldAccount,
  type WorldRole,
  worldDir,
} from "./world";

/** The account the environment's credentials belong to when the world file does not say. */
export const DEFAULT_CALLER_ACCOUNT = "111122223333";
/** An environment variable that names the caller's account, as a test sets it per stack. */
export const CALLER_ACCOUNT_ENV = "HCP_AWS_TRUST_TF_AWS_ACCOUNT";

interface AwsContext {
  readonly account: string;
  readonly callerArn: string;
  readonly defaultTags: Record<string, string>;
  /** Runs a change on the world (under its lock); the account this provider acts on is created on demand. */
  world<T>(change: (account: WorldAccount, world: AwsWorld) => T): T;
}

const str = (value: Value | undefined): string | null => (typeof value === "string" ? value : null);
const strings = (value: Value | undefined): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
const stringMap = (value: Value | undefined): Record<string, string> =>
  isObject(value)
    ? Object.fromEntries(
        Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"),
      )
    : {};

/** An IAM API failure as the AWS provider words it (SDK v2 operation error with the API's code). */
function iamError(
  summary: string,
  operation: string,
  status: number,
  code: string,
  message: string,
) {
  return new ProviderError(
    summary,
    `operation error IAM: ${operation}, https response error StatusCode: ${status}, RequestID: 00000000-0000-4000-8000-000000000000, ${code}: ${message}`,
  );
}

const sequence = (world: AwsWorld, prefix: string, length: number) => {
  world.counter += 1;
  return `${prefix}${String(world.counter).padStart(length, "0")}`;
};
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

/** `tags_all`: the provider's default tags under the resource's own. */
function planTagsAll(ctx: { defaultTags: Record<string, string> } | null, planned: ValueObject) {
  if (planned.tags === UNKNOWN) {
    planned.tags_all = UNKNOWN;
    return;
  }
  planned.tags_all = { ...(ctx?.defaultTags ?? {}), ...stringMap(planned.tags) };
}

function roleState(ctx: AwsContext, role: WorldRole, previous: ValueObject): ValueObject {
  return {
    ...previous,
    arn: `arn:aws:iam::${ctx.account}:role${role.path}${role.name}`,
    assume_role_policy:
      previous.assume_role_policy !== null && sameJson(str(previous.assume_role_policy), role.trust)
        ? (previous.assume_role_policy ?? null)
        : JSON.stringify(role.trust),
    create_date: role.createDate,
    description: role.description,
    id: role.name,
    managed_policy_arns: [...role.attached].sort(),
    max_session_duration: role.maxSessionDuration,
    force_detach_policies: previous.force_detach_policies ?? false,
    name: role.name,
    name_prefix: previous.name_prefix === UNKNOWN ? null : (previous.name_prefix ?? null),
    path: role.path,
    permissions_boundary: role.permissionsBoundary,
    tags:
      Object.keys(role.tags).length === 0 && (previous.tags ?? null) === null ? null : role.tags,
    tags_all: { ...ctx.defaultTags, ...role.tags },
    unique_id: role.roleId,
    // Inline policies are read through aws_iam_role_policy: the block stays as configured.
    inline_policy: previous.inline_policy ?? [],
  };
}

function sameJson(text: string | null, parsed: unknown): boolean {
  if (text === null) return false;
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(parsed);
  } catch {
    return false;
  }
}

function parsePolicy(text: string | null, what: string): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    throw new ProviderError(`${what} is not valid JSON`, String(text));
  }
}

/**
 * IAM refuses a trust policy whose `Federated` principal names no existing identity provider
 * (MalformedPolicyDocument), so a role cannot be created before the OIDC provider it trusts.
 */
function checkPrincipals(world: AwsWorld, trust: unknown, operation: string): void {
  const statements = (trust as { Statement?: unknown }).Statement;
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    const federated = (statement as { Principal?: { Federated?: unknown } } | undefined)?.Principal
      ?.Federated;
    for (const arn of Array.isArray(federated)
      ? federated
      : federated === undefined
        ? []
        : [federated]) {
      const exists = Object.values(world.accounts).some((a) =>
        a.providers.some((p) => p.arn === arn),
      );
      if (!exists) {
        throw iamError(
          "creating IAM Role",
          operation,
          400,
          "MalformedPolicyDocument",
          `Invalid principal in policy: "federated":"${String(arn)}"`,
        );
      }
    }
  }
}

function findRole(account: WorldAccount, name: string, operation: string): WorldRole {
  const role = account.roles.find((r) => r.name === name);
  if (role === undefined) {
    throw iamError(
      `reading IAM Role (${name})`,
      operation,
      404,
      "NoSuchEntity",
      `The role with name ${name} cannot be found.`,
    );
  }
  return role;
}

const role: ResourceType<AwsContext> = {
  schema: schemaOf(AWS_SCHEMAS, "resources", "aws_iam_role"),
  forceNew: ["name", "name_prefix", "path"],
  legacySdk: { defaults: { force_detach_policies: false, max_session_duration: 3600, path: "/" } },
  planCreate: (planned) => planTagsAll(null, planned),
  planUpdate: (_prior, planned) => planTagsAll(null, planned),
  create(ctx, planned) {
    return ctx.world((account, world) => {
      const name =
        str(planned.name) ??
        `${str(planned.name_prefix) ?? "terraform-"}${sequence(world, "", 26)}`;
      if (account.roles.some((r) => r.name === name)) {
        throw iamError(
          `creating IAM Role (${name})`,
          "CreateRole",
          409,
          "EntityAlreadyExists",
          `Role with name ${name} already exists.`,
        );
      }
      const trust = parsePolicy(str(planned.assume_role_policy), "assume_role_policy");
      checkPrincipals(world, trust, "CreateRole");
      const created: WorldRole = {
        name,
        path: str(planned.path) ?? "/",
        trust,
        tags: stringMap(planned.tags),
        description: str(planned.description) ?? "",
        attached: [],
        inline: {},
        roleId: sequence(world, "AROA", 17),
        createDate: now(),
        maxSessionDuration:
          typeof planned.max_session_duration === "number" ? planned.max_session_duration : 3600,
        permissionsBoundary: str(planned.permissions_boundary),
      };
      account.roles.push(created);
      return roleState(ctx, created, planned);
    });
  },
  read(ctx, state) {
    return ctx.world((account) => {
      const found = account.roles.find((r) => r.name === str(state.id));
      return found === undefined ? null : roleState(ctx, found, state);
    });
  },
  update(ctx, prior, planned) {
    return ctx.world((account, world) => {
      const found = findRole(account, str(prior.id) ?? "", "GetRole");
      found.trust = parsePolicy(str(planned.assume_role_policy), "assume_role_policy");
      checkPrincipals(world, found.trust, "UpdateAssumeRolePolicy");
      found.description = str(planned.description) ?? "";
      found.tags = stringMap(planned.tags);
      found.maxSessionDuration =
        typeof planned.max_session_duration === "number" ? planned.max_session_duration : 3600;
      found.permissionsBoundary = str(planned.permissions_boundary);
      return roleState(ctx, found, planned);
    });
  },
  delete(ctx, state) {
    ctx.world((account) => {
      const found = findRole(account, str(state.id) ?? "", "DeleteRole");
      if (
        (found.attached.length > 0 || Object.keys(found.inline).length > 0) &&
        state.force_detach_policies !== true
      ) {
        throw iamError(
          `deleting IAM Role (${found.name})`,
          "DeleteRole",
          409,
          "DeleteConflict",
          "Cannot delete entity, must detach all policies first.",
        );
      }
      account.roles = account.roles.filter((r) => r !== found);
    });
  },
  import(ctx, id) {
    return ctx.world((account) => {
      const found = findRole(account, id, "GetRole");
      return roleState(ctx, found, { id });
    });
  },
};

const attachment: ResourceType<AwsContext> = {
  schema: schemaOf(AWS_SCHEMAS, "resources", "aws_iam_role_policy_attachment"),
  forceNew: ["role", "policy_arn"],
  legacySdk: {},
  create(ctx, planned) {
    return ctx.world((account, world) => {
      const roleName = str(planned.role) ?? "";
      const policyArn = str(planned.policy_arn) ?? "";
      const found = findRole(account, roleName, "AttachRolePolicy");
      if (!found.attached.includes(policyArn)) found.attached.push(policyArn);
      return { ...planned, id: `${roleName}-${sequence(world, "", 26)}` };
    });
  },
  read(ctx, state) {
    return ctx.world((account) => {
      const found = account.roles.find((r) => r.name === str(state.role));
      return found?.attached.includes(str(state.policy_arn) ?? "") ? state : null;
    });
  },
  update: (_ctx, _prior, planned) => planned,
  delete(ctx, state) {
    ctx.world((account) => {
      const found = account.roles.find((r) => r.name === str(state.role));
      if (found !== undefined)
        found.attached = found.attached.filter((a) => a !== state.policy_arn);
    });
  },
  import(ctx, id) {
    // ROLE/POLICY_ARN: a role name holds no slash, a policy ARN may.
    const slash = id.indexOf("/");
    if (slash < 1) {
      throw new ProviderError(
        "Unexpected format of ID",
        `unexpected format for ID (${id}), expected <role-name>/<policy_arn>`,
      );
    }
    const roleName = id.slice(0, slash);
    const policyArn = id.slice(slash + 1);
    return ctx.world((account, world) => {
      const found = findRole(account, roleName, "ListAttachedRolePolicies");
      if (!found.attached.includes(policyArn)) {
        throw new ProviderError(
          "Cannot import non-existent remote object",
          `IAM Role (${roleName}) Policy Attachment (${policyArn}) not found`,
        );
      }
      return {
        id: `${roleName}-${sequence(world, "", 26)}`,
        role: roleName,
        policy_arn: policyArn,
      };
    });
  },
};

const rolePolicy: ResourceType<AwsContext> = {
  schema: schemaOf(AWS_SCHEMAS, "resources", "aws_iam_role_policy"),
  forceNew: ["role", "name", "name_prefix"],
  legacySdk: {},
  create(ctx, planned) {
    return ctx.world((account, world) => {
      const roleName = str(planned.role) ?? "";
      const name =
        str(planned.name) ??
        `${str(planned.name_prefix) ?? "terraform-"}${sequence(world, "", 26)}`;
      const found = findRole(account, roleName, "PutRolePolicy");
      found.inline[name] = parsePolicy(str(planned.policy), "policy");
      return {
        ...planned,
        id: `${roleName}:${name}`,
        name,
        name_prefix: planned.name_prefix === UNKNOWN ? null : (planned.name_prefix ?? null),
      };
    });
  },
  read(ctx, state) {
    return ctx.world((account) => {
      const found = account.roles.find((r) => r.name === str(state.role));
      const name = str(state.name) ?? "";
      if (found === undefined || !(name in found.inline)) return null;
      const policy = found.inline[name];
      return sameJson(str(state.policy), policy)
        ? state
        : { ...state, policy: JSON.stringify(policy) };
    });
  },
  update(ctx, _prior, planned) {
    return ctx.world((account) => {
      const found = findRole(account, str(planned.role) ?? "", "PutRolePolicy");
      found.inline[str(planned.name) ?? ""] = parsePolicy(str(planned.policy), "policy");
      return planned;
    });
  },
  delete(ctx, state) {
    ctx.world((account) => {
      const found = account.roles.find((r) => r.name === str(state.role));
      if (found !== undefined) delete found.inline[str(state.name) ?? ""];
    });
  },
  import(ctx, id) {
    const [roleName = "", name = ""] = id.split(":");
    return ctx.world((account) => {
      const found = findRole(account, roleName, "GetRolePolicy");
      if (!(name in found.inline)) {
        throw new ProviderError(
          "Cannot import non-existent remote object",
          `IAM Role Policy ${id} not found`,
        );
      }
      return { id, role: roleName, name, policy: JSON.stringify(found.inline[name]) };
    });
  },
};

const oidcUrl = (url: string) => url.replace(/^https:\/\//, "");

const oidcProvider: ResourceType<AwsContext> = {
  schema: schemaOf(AWS_SCHEMAS, "resources", "aws_iam_openid_connect_provider"),
  forceNew: ["url"],
  legacySdk: {},
  planCreate: (planned) => planTagsAll(null, planned),
  planUpdate: (_prior, planned) => planTagsAll(null, planned),
  create(ctx, planned) {
    return ctx.world((account) => {
      const url = str(planned.url) ?? "";
      if (!url.startsWith("https://")) {
        throw iamError(
          "creating IAM OIDC Provider",
          "CreateOpenIDConnectProvider",
          400,
          "ValidationError",
          "The URL must begin with https://",
        );
      }
      const arn = `arn:aws:iam::${ctx.account}:oidc-provider/${oidcUrl(url)}`;
      if (account.providers.some((p) => p.arn === arn)) {
        throw iamError(
          "creating IAM OIDC Provider",
          "CreateOpenIDConnectProvider",
          409,
          "EntityAlreadyExists",
          `Provider with url ${url} already exists.`,
        );
      }
      const thumbprints =
        planned.thumbprint_list === UNKNOWN ? [FIXED_THUMBPRINT] : strings(planned.thumbprint_list);
      account.providers.push({
        arn,
        url: oidcUrl(url),
        clientIds: strings(planned.client_id_list),
        thumbprints,
        tags: stringMap(planned.tags),
      });
      return {
        ...planned,
        arn,
        id: arn,
        thumbprint_list: thumbprints,
        tags_all: { ...ctx.defaultTags, ...stringMap(planned.tags) },
      };
    });
  },
  read(ctx, state) {
    return ctx.world((account) => {
      const found = account.providers.find((p) => p.arn === state.id);
      if (found === undefined) return null;
      return {
        ...state,
        arn: found.arn,
        url:
          str(state.url) !== null && oidcUrl(str(state.url) ?? "") === found.url
            ? (state.url ?? null)
            : `https://${found.url}`,
        client_id_list: [...found.clientIds].sort(),
        thumbprint_list: found.thumbprints,
        tags: Object.keys(found.tags).length === 0 && state.tags === null ? null : found.tags,
        tags_all: { ...ctx.defaultTags, ...found.tags },
      };
    });
  },
  update(ctx, prior, planned) {
    return ctx.world((account) => {
      const found = account.providers.find((p) => p.arn === prior.id);
      if (found === undefined)
        throw new ProviderError("IAM OIDC Provider not found", String(prior.id));
      found.clientIds = strings(planned.client_id_list);
      if (planned.thumbprint_list !== UNKNOWN) found.thumbprints = strings(planned.thumbprint_list);
      found.tags = stringMap(planned.tags);
      return { ...planned, thumbprint_list: found.thumbprints };
    });
  },
  delete(ctx, state) {
    ctx.world((account) => {
      account.providers = account.providers.filter((p) => p.arn !== state.id);
    });
  },
  import(ctx, id) {
    return ctx.world((account) => {
      const found = account.providers.find((p) => p.arn === id);
      if (found === undefined) {
        throw iamError(
          `reading IAM OIDC Provider (${id})`,
          "GetOpenIDConnectProvider",
          404,
          "NoSuchEntity",
          `OpenIDConnect Provider not found for arn ${id}`,
        );
      }
      return { id, arn: id, url: `https://${found.url}` };
    });
  },
};

/** The SHA-1 fingerprint of the fixed chain the test tls provider returns (its root). */
export const FIXED_THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";

export const awsProvider: ProviderDefinition<AwsContext> = {
  schema: AWS_SCHEMAS.provider,
  configure(config) {
    const file = awsWorldFile(worldDir());
    const caller = process.env[CALLER_ACCOUNT_ENV] || DEFAULT_CALLER_ACCOUNT;
    const assumeRole = Array.isArray(config.assume_role) ? config.assume_role[0] : undefined;
    const roleArn = isObject(assumeRole) ? str(assumeRole.role_arn) : null;
    const account =
      roleArn === null ? caller : (/^arn:aws:iam::(\d{12}):role\//.exec(roleArn)?.[1] ?? caller);
    const allowed = strings(config.allowed_account_ids);
    if (allowed.length > 0 && !allowed.includes(account)) {
      throw new ProviderError(
        "Invalid provider configuration",
        `AWS account ID not allowed: ${account}`,
      );
    }
    if (strings(config.forbidden_account_ids).includes(account)) {
      throw new ProviderError(
        "Invalid provider configuration",
        `AWS account ID not allowed: ${account}`,
      );
    }
    const defaultTagsBlock = Array.isArray(config.default_tags)
      ? config.default_tags[0]
      : undefined;
    return {
      account,
      callerArn:
        roleArn === null
          ? `arn:aws:iam::${account}:user/terraform`
          : `arn:aws:sts::${account}:assumed-role/${roleArn.split("/").pop()}/terraform`,
      defaultTags: isObject(defaultTagsBlock) ? stringMap(defaultTagsBlock.tags) : {},
      world: (change) =>
        updateWorld(
          file,
          () => emptyAwsWorld(caller),
          (world) => {
            world.accounts[account] ??= { id: account, providers: [], roles: [] };
            return change(world.accounts[account], world);
          },
        ),
    };
  },
  resources: {
    aws_iam_openid_connect_provider: oidcProvider,
    aws_iam_role: role,
    aws_iam_role_policy: rolePolicy,
    aws_iam_role_policy_attachment: attachment,
  },
  dataSources: {
    aws_caller_identity: {
      schema: schemaOf(AWS_SCHEMAS, "dataSources", "aws_caller_identity"),
      read: (ctx) => ({
        account_id: ctx.account,
        arn: ctx.callerArn,
        id: ctx.account,
        user_id: "AIDAFAKEUSERID000001",
      }),
    },
    aws_partition: {
      schema: schemaOf(AWS_SCHEMAS, "dataSources", "aws_partition"),
      read: () => ({
        dns_suffix: "amazonaws.com",
        id: "aws",
        partition: "aws",
        reverse_dns_prefix: "com.amazonaws",
      }),
    },
  },
};
