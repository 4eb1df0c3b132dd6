/**
 * Descriptions of the config fields, shown by editors through the JSON Schema (`npm run schema`).
 * The README's config reference says the same; a test keeps the two equal.
 */

export const HCP = {
  organization: "The HCP Terraform organization. Letters, digits, `-`, `_`.",
  hostname:
    "The HCP Terraform or Terraform Enterprise hostname, bare (no `https://`, no path). It is the token's issuer, the OIDC provider's URL and the prefix of the trust policy's condition keys.",
  audience:
    "The token audience, matched exactly (`StringEquals`) and registered as the provider's client ID. 1–255 printable characters, no `*`, `?` or spaces. When not the default, each workspace also gets `TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE`.",
} as const;

export const ACCOUNT = {
  region:
    "The AWS provider's region, e.g. `us-east-1`. It also sets the partition (`aws`, `aws-cn`, `aws-us-gov`, ...) that every ARN of the account's roles must belong to.",
  accountId:
    "The 12-digit account ID, quoted. When known, the AWS provider refuses credentials of any other account (`allowed_account_ids`), and with `accounts` the HCP Terraform stack writes role ARNs as literals instead of reading them from the account's stack.",
  oidcProviderArn:
    "An IAM OIDC provider for `hcp.hostname` that already exists in the account, e.g. `arn:aws:iam::111122223333:oidc-provider/app.terraform.io`. AWS allows one provider per URL per account; set this if the account has one (`EntityAlreadyExists` on deploy means it does). Its host must equal `hcp.hostname`.",
  assumeRoleArn:
    "A role the AWS provider assumes to deploy this account's stack, e.g. `arn:aws:iam::111122223333:role/platform-deployer`.",
} as const;

export const WORKSPACE = {
  name: "The HCP Terraform workspace. 1–90 letters, digits, `-`, `_`. Unique (compared without case, as IAM compares role names).",
  project:
    "The workspace's project. 3–40 letters, digits, `-`, `_` and inner spaces (`Default Project`). Without it the role admits runs of a workspace of this name in any project of the organization. Spell a project the same way, case included, wherever the config names it: HCP Terraform project names are unique without regard to case, so `Payments` and `payments` are one project and are refused.",
  account: "The account (a key of `accounts`) of the workspace's own role.",
  policyArns:
    "Managed policies to attach: `arn:aws:iam::aws:policy/NAME` or `arn:aws:iam::ACCOUNT:policy/PATH/NAME` (ACCOUNT: the role's own account, as IAM requires), no wildcards, each once, at most 20 (AWS's default quota is 10 per role; raise it in Service Quotas before going above).",
  inlinePolicy:
    'An IAM identity policy document, attached inline. `Version: "2012-10-17"` is required; IAM policy variables such as `${aws:username}` reach AWS as written. At most 10,240 characters without whitespace.',
  credentials:
    "Tagged roles, each `{ tag, account, ... }` with its own grant. See Multiple configurations. A workspace may have only `credentials`.",
  create: "Create the workspace (in `project`) instead of looking it up. See Bootstrapping.",
  allowAdmin:
    'Accept administrator access for this workspace (`AdministratorAccess`, `"Action": "*"` on `"Resource": "*"`, or `iam:*`); without it such a config is refused. With it, every synth prints a warning.',
} as const;

export const PROJECT = {
  name: "The HCP Terraform project. Unique, and spelled as the workspaces and Stacks of the config spell it (case included).",
  account: "The account of the project's role.",
  acknowledgeOwnRoles:
    "Workspaces of this project listed under `workspaces` with roles of their own, accepted as such: their runs use their own roles, and the project's role still admits their tokens. Each synth warns of such workspaces until they are listed here; the report then lists them instead. Only such workspaces may be listed.",
} as const;

export const STACK = {
  name: "The HCP Terraform Stack. 1–90 letters, digits, `-`, `_`. A stack name belongs to one project in the config; two entries of one stack must list different deployments.",
  project:
    "The Stack's project (required: it is part of the token's `sub`). 3–40 letters, digits, `-`, `_` and inner spaces, spelled as elsewhere in the config (case included).",
  deployments:
    "The deployments whose operations get a role, each its own (the `deployment` blocks of `.tfdeploy.hcl`, 1–64 letters, digits, `-`, `_`), or `any` for one role that admits every deployment of the Stack.",
  account: "The account (a key of `accounts`) of the deployments' roles.",
  phases:
    "Not accepted on a Stack: a deployment passes one role to its provider for every operation, so a plan/apply split could not be used.",
} as const;

export const MODULE = {
  name: "The private registry module's name, e.g. `vpc` for `terraform-aws-vpc`. 1–64 letters, digits, `-`, `_`.",
  provider: "The module's provider, e.g. `aws`: lowercase letters and digits.",
  subjectName:
    "The module as test runs' tokens name it in `sub` (`organization:ORG:module:NAME:operation:test_run`). Default: `terraform-PROVIDER-NAME`, the form HashiCorp's module-testing guide shows; set it if `npm run explain` on a real token shows another.",
  account: "The account (a key of `accounts`) of the module's test role.",
} as const;

export const HYOK = {
  name: "The HYOK configuration's name in HCP Terraform (`organization:ORG:hyok_config:NAME` in its tokens' `sub`). 1–64 letters, digits, `-`, `_`; unique.",
  account: "The account (a key of `accounts`) of the configuration's IAM role.",
  kmsKey:
    "The key encryption key in AWS KMS: a key ARN (`arn:aws:kms:REGION:ACCOUNT:key/KEY_ID`), an alias ARN, or `alias/NAME` with `region` (in the role's account, whose `accountId` must then be known). A customer managed key whose key policy lets the role use it.",
  region: "The key's region; required with `alias/NAME`, else taken from the ARN.",
  agentPool:
    "The agent pool (by name) whose agents use the key; request forwarding must be enabled on at least one agent (agents 1.23.0+, 1.30.0+ for a multi-Region key).",
  kmsActions:
    "The AWS KMS actions the role may perform on the key. Default: `kms:Encrypt` and `kms:Decrypt`, what HCP Terraform's agent calls.",
  allowKmsWildcards:
    "Accept `*` or `kms:*` (or any wildcard) in `kmsActions`, or a wildcard key; without it such a config is refused. With it, every synth prints a warning.",
  retired:
    "Set once the configuration is revoked in HCP Terraform and its migration has finished: the deploy then forgets its HCP Terraform objects (never deletes them) and destroys its role. The entry may be removed after that deploy. See Retiring a HYOK configuration.",
} as const;

export const ROLE_OPTION = {
  roleName:
    "The IAM role name, 1–64 of `[A-Za-z0-9+=,.@_-]`. Not with `plan`/`apply` at the entry level (name each phase's role). Two roles of one account may not share a name.",
  path: "The IAM path, starting and ending with `/`.",
  permissionsBoundary:
    "A managed policy ARN set as the role's permissions boundary: an AWS managed policy, or a customer managed policy of the role's own account.",
  maxSessionDuration:
    "Seconds, 3600 to 43200. The AWS provider renews credentials from the run's token, so this rarely matters.",
  tags: "Extra tags; with `defaults.tags` and the tags this app writes (`ManagedBy`, `HcpOrganization`, `HcpProject`, `HcpWorkspace`, `HcpRunPhase`, `HcpCredentialTag`, `HcpStack`, `HcpDeployment`, `HcpModule`, which a config cannot set), at most 50.",
  description: "The role description, at most 1000 characters.",
} as const;
export const PHASE = {
  plan: "The role of plan runs: its own policyArns, inlinePolicy and role options. Give apply too.",
  apply:
    "The role of apply runs: its own policyArns, inlinePolicy and role options. Give plan too.",
} as const;

export const CREDENTIAL = {
  tag: "The configuration's tag: letters, digits and _, unique per workspace; TYPE is reserved. The workspace gets TFC_AWS_PROVIDER_AUTH_TAG and TFC_AWS_RUN_ROLE_ARN_TAG (or the plan/apply forms).",
  account: "The account (a key of accounts) of this tag's role.",
} as const;

export const TOP = {
  hcp: "The HCP Terraform organization and the host that issues its tokens.",
  aws: "The one AWS account, when there is one; the account named default.",
  accounts: "Several AWS accounts by name; replaces aws. Each gets its own stack.",
  defaults: "Role options for every role; an entry's own options win, tags are merged.",
  backend: "Where each stack keeps its state: cloud or s3. Default: a local file per stack.",
  shards:
    "Projects to split into several stacks, by project name: the number of stacks (2 to 64). A workspace's stack is chosen by a hash of its name. Set it once: changing it moves workspaces between stacks.",
  workspaces: "The HCP Terraform workspaces whose runs get AWS roles.",
  projects: "Projects whose every workspace shares one role, through a variable set.",
  stacks:
    "HCP Terraform Stacks whose deployments get AWS roles; the deployment configuration (`.tfdeploy.hcl`) passes each its role. See Stacks.",
  modules:
    "Private registry modules whose test runs get an AWS role, through the module's test variables. See Module tests.",
  hyok: "Hold-your-own-key configurations: for each, an IAM role limited to its KMS key and the HCP Terraform HYOK configuration that uses it. See Hold your own key (HYOK).",
} as const;
