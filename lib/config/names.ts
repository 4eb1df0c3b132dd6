import { quote } from "./quote";
/**
 * Rules for the names that end up inside a trust policy's `sub` condition.
 *
 * HCP Terraform writes the organization, project and workspace names literally into the
 * token's `sub` claim (`organization:ORG:project:PROJECT:workspace:WS:run_phase:PHASE`), and
 * the trust policy matches it with `StringLike`. A `*` or `?` in a name would act as a wildcard
 * and a `:` would shift the fields, so each of them could widen the match to other runs.
 * The allowed forms follow HCP Terraform's own naming rules:
 * https://developer.hashicorp.com/terraform/cloud-docs/projects/manage
 */

/** What a kind of name may contain. */
export interface NameRule {
  /** The word used in messages, e.g. `workspace`. */
  readonly kind: string;
  readonly minLength: number;
  readonly maxLength: number;
  /** Whether inner spaces are allowed (HCP Terraform allows them in project names only). */
  readonly innerSpaces: boolean;
}

export const ORGANIZATION_NAME: NameRule = {
  kind: "organization",
  minLength: 1,
  maxLength: 255,
  innerSpaces: false,
};

export const PROJECT_NAME: NameRule = {
  kind: "project",
  minLength: 3,
  maxLength: 40,
  innerSpaces: true,
};

export const WORKSPACE_NAME: NameRule = {
  kind: "workspace",
  minLength: 1,
  maxLength: 90,
  innerSpaces: false,
};

/**
 * A Stack's name: HCP Terraform writes it into Stacks tokens' `sub`
 * (`...:stack:STACK:deployment:DEPLOYMENT:operation:OPERATION`); held to the workspace form,
 * which keeps it free of anything a `StringLike` match would read as a wildcard or a separator.
 * https://developer.hashicorp.com/terraform/language/stacks/deploy/authenticate
 */
export const STACK_NAME: NameRule = {
  kind: "stack",
  minLength: 1,
  maxLength: 90,
  innerSpaces: false,
};

/**
 * A Stack deployment's name: the label of its `deployment` block in `.tfdeploy.hcl`.
 * https://developer.hashicorp.com/terraform/language/block/stack/tfdeploy/deployment
 */
export const DEPLOYMENT_NAME: NameRule = {
  kind: "deployment",
  minLength: 1,
  maxLength: 64,
  innerSpaces: false,
};

/** A private registry module's name, as the registry (and the module's test variables) name it. */
export const MODULE_NAME: NameRule = {
  kind: "module",
  minLength: 1,
  maxLength: 64,
  innerSpaces: false,
};

const WIDENING = new Map([
  ["*", "'*' would act as a wildcard in the trust policy's StringLike match"],
  ["?", "'?' would act as a wildcard in the trust policy's StringLike match"],
  [":", "':' separates the fields of the token's sub claim"],
]);

function allowedForm(rule: NameRule): string {
  const spaces = rule.innerSpaces ? ", '_' and inner spaces" : " and '_'";
  return `${rule.minLength} to ${rule.maxLength} characters: letters, digits, '-'${spaces}`;
}

/**
 * Checks a name against its rule.
 * @returns a message naming the bad value and the allowed form, or `undefined` if the name is valid
 */
export function nameProblem(value: string, rule: NameRule): string | undefined {
  const shown = quote(value);
  for (const [char, why] of WIDENING) {
    if (value.includes(char)) {
      return `${shown} is not a valid ${rule.kind} name: ${why}. Allowed: ${allowedForm(rule)}`;
    }
  }
  if (value.length < rule.minLength || value.length > rule.maxLength) {
    return `${shown} is ${value.length} character${value.length === 1 ? "" : "s"} long; a ${rule.kind} name is ${allowedForm(rule)}`;
  }
  if (rule.innerSpaces && (value.startsWith(" ") || value.endsWith(" "))) {
    return `${shown} starts or ends with a space; a ${rule.kind} name is ${allowedForm(rule)}`;
  }
  const allowed = rule.innerSpaces ? /^[A-Za-z0-9_ -]$/ : /^[A-Za-z0-9_-]$/;
  const bad = [...value].find((char) => !allowed.test(char));
  if (bad !== undefined) {
    return `${shown} contains ${quote(bad)}; a ${rule.kind} name is ${allowedForm(rule)}`;
  }
  return undefined;
}

/**
 * Workspace names that cannot key a `for_each` map: the workspace lookups and the created
 * workspaces are keyed by name, and cdktf builds those maps as plain JavaScript objects, which
 * drop a `__proto__` key without a word and fail on a `toString` key.
 */
const UNUSABLE_AS_KEY = new Set(["__proto__", "toString"]);

/** {@link nameProblem} for a workspace name, and the names that cannot key a `for_each` map. */
export function workspaceNameProblem(value: string): string | undefined {
  const problem = nameProblem(value, WORKSPACE_NAME);
  if (problem !== undefined || !UNUSABLE_AS_KEY.has(value)) return problem;
  return `${JSON.stringify(value)} cannot be managed here: it names a built-in property of JavaScript objects, so it cannot key the workspace's lookup in the synthesized Terraform; rename the workspace (${allowedForm(WORKSPACE_NAME)})`;
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

/**
 * Checks an HCP Terraform or Terraform Enterprise hostname: the bare DNS name that is the
 * token's issuer (`https://HOSTNAME`) and the prefix of the trust policy's condition keys.
 */
export function hostnameProblem(value: string): string | undefined {
  const shown = quote(value);
  if (/^[a-z]+:\/\//i.test(value) || value.includes("/")) {
    return `${shown} is not a bare hostname; give the DNS name only, without scheme or path (e.g. "app.terraform.io")`;
  }
  if (!HOSTNAME.test(value)) {
    return `${shown} is not a valid hostname; expected a lowercase DNS name such as "app.terraform.io" or "tfe.example.com"`;
  }
  return undefined;
}

/**
 * Checks a token audience: it is compared with `StringEquals` and registered as the OIDC
 * provider's client ID (at most 255 characters).
 */
export function audienceProblem(value: string): string | undefined {
  const shown = quote(value);
  if (/[*?]/.test(value)) {
    return `${shown} contains a wildcard; the audience is matched exactly: give 1 to 255 printable characters without '*', '?' or spaces`;
  }
  if (!/^[\x21-\x7e]{1,255}$/.test(value)) {
    return `${shown} is not a valid audience; give 1 to 255 printable characters without '*', '?' or spaces`;
  }
  return undefined;
}

/**
 * Checks a registry module's provider name (the `aws` of `terraform-aws-vpc`): the registry allows
 * lowercase letters and digits only.
 * https://developer.hashicorp.com/terraform/registry/modules/publish#requirements
 */
export function moduleProviderProblem(value: string): string | undefined {
  if (/^[a-z0-9]{1,64}$/.test(value)) return undefined;
  return `${quote(value)} is not a registry module provider name; give 1 to 64 lowercase letters and digits, e.g. "aws"`;
}
