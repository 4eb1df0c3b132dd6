import type { Pinning, Pins } from "./pins";

/**
 * The plan: everything one synth will write, as plain data, computed from a validated config
 * before any construct exists. Stacks and constructs receive finished values from it; the rules,
 * the report and the lifecycle checks read it. Nothing here refers back to the config objects.
 */

/** `run`: one role for both phases; `plan` / `apply`: the role of that phase only. */
export type Phase = "run" | "plan" | "apply";

/**
 * Whose runs a role admits: one workspace, every workspace of a project, one deployment (or every
 * deployment) of a Stack, or the test runs of a registry module.
 */
export type Owner = WorkspaceOwner | ProjectOwner | StackOwner | ModuleOwner | HyokOwner;

export interface WorkspaceOwner {
  readonly kind: "workspace";
  readonly name: string;
  /** @default - any project (`project:*` in the trust policy) */
  readonly project?: string;
  /** Whether this app creates the workspace (`create: true`). */
  readonly create: boolean;
  /** Where the entry is in the config: `workspaces[2]`. */
  readonly path: string;
}

export interface ProjectOwner {
  readonly kind: "project";
  readonly name: string;
  /** Where the entry is in the config: `projects[0]`. */
  readonly path: string;
}

/** The operations of one deployment of an HCP Terraform Stack (`stacks[]`). */
export interface StackOwner {
  readonly kind: "stack";
  /** The Stack's name. */
  readonly name: string;
  readonly project: string;
  /** @default - every deployment of the Stack (`deployments: any`) */
  readonly deployment?: string;
  /** Where the entry is in the config: `stacks[0]`. */
  readonly path: string;
}

/** The test runs of a private registry module (`modules[]`). */
export interface ModuleOwner {
  readonly kind: "module";
  /** The module's name in the registry (`vpc`). */
  readonly name: string;
  /** The module's provider (`aws`). */
  readonly provider: string;
  /** The module as its test runs' tokens name it in `sub` (`terraform-aws-vpc`). */
  readonly subjectName: string;
  /** Where the entry is in the config: `modules[0]`. */
  readonly path: string;
}

/**
 * The agents of an HCP Terraform hold-your-own-key configuration (`hyok[]`): its role may use one
 * KMS key, and the HCP Terraform side (`tfe_aws_oidc_configuration`, `tfe_hyok_configuration`)
 * lives in the same stack, the account's stack for no project.
 * https://developer.hashicorp.com/terraform/cloud-docs/hold-your-own-key/configure
 */
export interface HyokOwner {
  readonly kind: "hyok";
  /** The HYOK configuration's name, as its tokens' `sub` carries it. */
  readonly name: string;
  /** The agent pool (by name) whose agents use the key. */
  readonly agentPool: string;
  readonly kms: PlannedKmsKey;
  /** Where the entry is in the config: `hyok[0]`. */
  readonly path: string;
}

/** The key encryption key of a HYOK configuration, and what its role may do with it. */
export interface PlannedKmsKey {
  /** The key as HCP Terraform is given it (`kek_id`): the config's key ARN, alias ARN or alias. */
  readonly kekId: string;
  /** The key's region (`kms_options.key_region`). */
  readonly region: string;
  /**
   * The `Resource` of the role's policy: the key's ARN, or for an alias every key of its account
   * and region (`arn:PARTITION:kms:REGION:ACCOUNT:key/*`), narrowed by {@link alias}.
   */
  readonly resource: string;
  /** For a key named by alias: `alias/NAME`, required of the key by `kms:ResourceAliases`. */
  readonly alias?: string;
  /** The KMS actions the role may perform on the key. */
  readonly actions: readonly string[];
}

/** An AWS account the config deploys to. */
export interface PlannedAccount {
  /** Its key under `accounts`, or `default` for the `aws` block. */
  readonly name: string;
  readonly region: string;
  readonly partition: string;
  /** The 12-digit ID, when the config reveals it (given, or inside a reused ARN). */
  readonly accountId?: string;
  /** The role the deploy assumes in this account. */
  readonly assumeRoleArn?: string;
  /** `created`: by this account's base stack; `reused`: an existing provider, by its ARN. */
  readonly oidcProvider:
    | { readonly kind: "created" }
    | { readonly kind: "reused"; readonly arn: string };
  /** The provider's ARN when it can be written as a literal (reused, or created in a known account). */
  readonly oidcProviderArn?: string;
}

/** An IAM role the config asks for. */
export interface PlannedRole {
  /** The role's key in its stack, stable across synths: `ws_networking-prod`, `project_Apps_plan`. */
  readonly key: string;
  readonly account: string;
  readonly owner: Owner;
  /** The multi-configuration tag (`credentials[].tag`), if any. */
  readonly tag?: string;
  readonly phase: Phase;
  /** Where the role's entry is in the config, e.g. `workspaces[2].credentials[0].plan`. */
  readonly path: string;
  readonly roleName: string;
  /** The role's ARN when the account ID is known. */
  readonly arn?: string;
  /** The `sub` pattern of its trust policy. */
  readonly subject: string;
  readonly policyArns: readonly string[];
  readonly inlinePolicy?: Readonly<Record<string, unknown>>;
  /** The IAM path (`/` unless set). */
  readonly iamPath: string;
  readonly permissionsBoundary?: string;
  readonly maxSessionDuration?: number;
  readonly description: string;
  /** Tags written on the role: the config's, then the ones this app manages. */
  readonly tags: Readonly<Record<string, string>>;
  /** Whether the entry accepts administrator access (`allowAdmin: true`). */
  readonly allowAdmin: boolean;
  /** Whether a HYOK entry accepts wildcard KMS actions or keys (`allowKmsWildcards: true`). */
  readonly allowKmsWildcards?: boolean;
}

/** A variable value: fixed text, or the ARN of a planned role. */
export type VariableValue =
  | { readonly kind: "text"; readonly text: string }
  | {
      readonly kind: "role-arn";
      /** The role's key. */
      readonly role: string;
      /** The role's ARN when its account ID is known. */
      readonly arn?: string;
    };

/** An environment variable HCP Terraform reads. */
export interface PlannedVariable {
  readonly key: string;
  readonly value: VariableValue;
}

/**
 * Where variables go: a workspace's own variables, a project's variable set, or a registry
 * module's test variables. Stacks have none: their deployments are given their roles in
 * `.tfdeploy.hcl`.
 */
export interface VariableTarget {
  /** Stable key in its stack: `ws_NAME`, `project_NAME`. */
  readonly key: string;
  readonly owner: Owner;
  readonly variables: readonly PlannedVariable[];
}

/** The targets HCP Terraform variables go to: workspaces and projects' variable sets. */
export type HcpVariableTarget = VariableTarget & { readonly owner: WorkspaceOwner | ProjectOwner };

/** The targets of a registry module's test variables. */
export type TestVariableTarget = VariableTarget & { readonly owner: ModuleOwner };

/** A HYOK role's HCP Terraform side: written in the stack of its role. */
export type PlannedHyok = HyokOwner & {
  /** The role's key in its stack (`hyok_NAME`), also the key of the HCP Terraform objects. */
  readonly key: string;
};

/** A Terraform stack of the app. */
export interface PlannedStack {
  readonly name: string;
  readonly account: string;
  /** `base`: the account's OIDC provider; `project`: roles and variables of one project (or bucket). */
  readonly kind: "base" | "project";
  /** For project stacks: the project (undefined: workspaces without a project). */
  readonly project?: string;
  /** For a project split under `shards`: the bucket. */
  readonly bucket?: number;
  readonly roles: readonly PlannedRole[];
  readonly targets: readonly VariableTarget[];
  /** Stacks to deploy first (by name). No stack reads another's state: this is deploy order only. */
  readonly dependsOn: readonly string[];
  /** Where the stack keeps its state. */
  readonly backend: PlannedBackend;
  /**
   * The stack holds, or has held, workspaces it created: its `tfe_workspace.created` stays in
   * the configuration, with an empty map once none is left, because `prevent_destroy` guards
   * only while its resource block is there. Sticky in the lock (see `lock.ts`).
   */
  readonly guardsCreated?: boolean;
  /**
   * Members the stack still declares while they move to another stack, until the deploy record
   * shows the other stack holds them (see `lock.ts`): not the config's, the plan's for the move.
   */
  readonly kept?: KeptMembers;
  /**
   * A move waits for this stack to be deployed (again) after the stack the move leaves: the
   * deploy deploys it even when its configuration did not change (see `lock.ts`).
   */
  readonly awaited?: boolean;
  /**
   * The stack holds, or has held, HYOK configurations: its `tfe_hyok_configuration.hyok` stays
   * in the configuration, with an empty map once none is left, so `prevent_destroy` still refuses
   * to destroy one whose entry was removed. Sticky in the lock, like {@link guardsCreated}.
   */
  readonly guardsHyok?: boolean;
  /**
   * The keys (`hyok_NAME`) of HYOK configurations retired in the config (`retired: true`), once
   * revoked in HCP Terraform: the stack forgets their `tfe_hyok_configuration` and
   * `tfe_aws_oidc_configuration` (never destroys them) while their role is destroyed.
   */
  readonly retiredHyok?: readonly string[];
}

/**
 * What a stack keeps declaring for members on their way to another stack: each with the values
 * the other stack declares, so that both write the same object alike; a role kept in an account
 * the member's workspace left has the values planned for it in this stack's account.
 */
export interface KeptMembers {
  /** Roles, each with only the attachments and inline policy kept with it. */
  readonly roles: readonly PlannedRole[];
  /**
   * Variable targets with only the variables kept; a workspace whose creation is not kept is
   * looked up by name, its project checked as the other stack checks it.
   */
  readonly targets: readonly VariableTarget[];
}

/** Where a stack keeps its state: a local file (cdktf's default), HCP Terraform, or S3. */
export type PlannedBackend =
  | { readonly kind: "local" }
  | {
      readonly kind: "cloud";
      readonly organization: string;
      readonly hostname: string;
      /** A valid, unique, stable HCP Terraform workspace name. */
      readonly workspace: string;
      readonly project?: string;
    }
  | {
      readonly kind: "s3";
      readonly bucket: string;
      readonly key: string;
      readonly region: string;
      readonly dynamodbTable?: string;
    };

/** The HCP Terraform side every stack shares. */
export interface PlannedHcp {
  readonly organization: string;
  readonly hostname: string;
  readonly audience: string;
}

/** The whole plan of one synth. */
export interface TrustPlan {
  /** The pinned IDs of what the trusts name (`trust.pins.json`), checked by the deploy. */
  readonly pins?: Pins;
  /** Which trusted names are pinned; the report lists the others. */
  readonly pinning?: Pinning;
  readonly hcp: PlannedHcp;
  readonly accounts: readonly PlannedAccount[];
  /** Every role, workspaces (with their credentials) first, then projects, in config order. */
  readonly roles: readonly PlannedRole[];
  readonly targets: readonly VariableTarget[];
  readonly stacks: readonly PlannedStack[];
  /** Members that change stack since the previous synth (from `trust.lock.json`). */
  readonly relocations: readonly Relocation[];
  /**
   * Members that change stack but cannot be imported where they go (a module's test variables;
   * the variables of a workspace named like a variable set ID): the stack they leave destroys
   * them, the one they join creates them again.
   */
  readonly recreated: readonly Relocation[];
}

/** The `for_each` resources of a project stack, each keyed by stable names (see `members.ts`). */
export type ResourceName =
  | "aws_iam_role.roles"
  | "aws_iam_role_policy_attachment.attachments"
  | "aws_iam_role_policy.inline"
  | "tfe_variable.variables"
  | "tfe_workspace.created"
  | "tfe_variable_set.projects"
  | "tfe_project_variable_set.projects"
  | "tfe_test_variable.modules"
  | "tfe_aws_oidc_configuration.hyok"
  | "tfe_hyok_configuration.hyok";

/** A member that changes stack: forgotten where it was, imported where it is now. */
export interface Relocation {
  readonly resource: ResourceName;
  readonly key: string;
  /** The reference it is found by (see `members.ts`): what the new stack imports. */
  readonly ref: string;
  readonly from: string;
  readonly to: string;
  /**
   * `keep`: the stack it leaves still declares it (see `PlannedStack.kept`); `forget`: that stack
   * forgets it (`moved` and `removed` with `destroy = false`).
   */
  readonly phase: "keep" | "forget";
  /** Whether the stack it joins writes an `import` block for it (it does not hold it yet). */
  readonly imports: boolean;
}
