import type { StackHcl } from "./stacks-hcl";

/** An AWS account the config deploys to. */
export interface ReportAccount {
  /** The account's name in the config (`default` for the `aws` block). */
  readonly name: string;
  readonly region: string;
  /** Undefined when the stacks deploy to whatever account their credentials belong to. */
  readonly accountId?: string;
  /** `created for https://HOST` (in the base stack), or `reused ARN`. */
  readonly oidcProvider: string;
  /** The account's stacks: the base stack (if any) and one per project. */
  readonly stacks: readonly string[];
}

/** A role, with whose runs it admits and what it may do. */
export interface ReportRole {
  /** The account's name in the config. */
  readonly account: string;
  readonly stack: string;
  readonly address: string;
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly organization: string;
  /** Undefined: any project. */
  readonly project?: string;
  /** Undefined: every workspace of the project (or a role of a Stack or a module). */
  readonly workspace?: string;
  /** A Stack deployment's role: the Stack, and its deployment (undefined: every deployment). */
  readonly hcpStack?: { readonly name: string; readonly deployment?: string };
  /** A registry module's test role: the module, and its name in the tokens' `sub`. */
  readonly module?: {
    readonly name: string;
    readonly provider: string;
    readonly subjectName: string;
  };
  /** A HYOK configuration's role: the configuration, its agent pool and its KMS key. */
  readonly hyok?: ReportHyok;
  /** `test run` for a module's test role, `key use` for a HYOK configuration's. */
  readonly phase: "plan" | "apply" | "plan and apply" | "test run" | "key use";
  readonly tag?: string;
  readonly subject: string;
  readonly policies: readonly string[];
  /** Where its ARN is written: `workspace app: TFC_AWS_RUN_ROLE_ARN` (a Stack's: `.tfdeploy.hcl`, not listed). */
  readonly variables: readonly string[];
}

/** A HYOK configuration, as its role and the HCP Terraform side name it. */
export interface ReportHyok {
  readonly name: string;
  readonly agentPool: string;
  /** The key as HCP Terraform is given it (`kek_id`). */
  readonly kmsKey: string;
  readonly region: string;
  /** What the role's policy grants on: the key's ARN, or for an alias every key of its account and region. */
  readonly resource: string;
  /** For a key named by alias: the alias the key must carry (`kms:ResourceAliases`). */
  readonly alias?: string;
  readonly actions: readonly string[];
}

/** A variable written on a workspace, in a project's variable set, or as a module's test variable. */
export interface ReportVariable {
  readonly key: string;
  /** The value, or for a role ARN the role's name. */
  readonly value: string;
  /** For a role ARN: the role, as `STACK ADDRESS` (unique, unlike role names across accounts). */
  readonly role?: string;
}

/** A workspace, project or registry module and the variables written for it. */
export interface ReportTarget {
  readonly kind: "workspace" | "project" | "module";
  /** A module's: its name in the tokens' `sub` (`terraform-aws-vpc`). */
  readonly name: string;
  readonly created: boolean;
  /** For a project: the variable set that carries its variables, as written. */
  readonly variableSet?: { readonly name: string; readonly priority: boolean };
  readonly variables: readonly ReportVariable[];
  /** For a module: its name and provider in the registry; the variables are its test variables. */
  readonly module?: { readonly name: string; readonly provider: string };
}

/** What the synth was made from (see `synth-record.ts`). */
export interface ReportProvenance {
  /** `made from trust.yaml at 2026-11-23 09:05 UTC` */
  readonly source: string;
  /** Set when the config changed since: what to do. */
  readonly stale?: string;
}

export interface TrustReport {
  readonly provenance?: ReportProvenance;
  readonly accounts: readonly ReportAccount[];
  readonly roles: readonly ReportRole[];
  readonly targets: readonly ReportTarget[];
  readonly warnings: readonly string[];
  /** The safety rules' findings the config acknowledged; absent when there are none. */
  readonly acknowledged?: readonly string[];
  /**
   * The trusted names whose ID is pinned (`trust.pins.json`), and the others: an unpinned
   * name deploys, but nothing notices when it passes to another object.
   */
  readonly pinning?: { readonly pinned: number; readonly unpinned: readonly string[] };
  /** For each HCP Terraform Stack: the `.tfdeploy.hcl` and provider fragments to paste. */
  readonly stacksHcl?: readonly StackHcl[];
}

/** A role's key among the roles of every stack: `STACK ADDRESS`. */
export function roleKey(role: { readonly stack: string; readonly address: string }): string {
  return `${role.stack} ${role.address}`;
}
