import { parseSubject, SUBJECT_OPERATIONS, type SubjectKind } from "../run-subject";
import { ownerName, type Rule, type Violation } from "./rule";

/**
 * The most characters of a web identity token's `sub` that AWS STS takes: its API gives
 * `SubjectFromWebIdentityToken`, the token's `sub`, as a string of 6 to 255 characters
 * (`webIdentitySubjectType` in the STS API model).
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 */
export const MAX_SUBJECT_LENGTH = 255;

/**
 * The most characters HCP Terraform puts in a Stack deployment's `sub`: the `identity_token`
 * block reference gives the `sub` claim a "limit of 127 characters".
 * https://developer.hashicorp.com/terraform/language/block/stack/tfdeploy/identity_token
 */
export const MAX_STACK_SUBJECT_LENGTH = 127;

/** The longest `sub` of each kind a run can present, and who sets the limit. */
const LIMITS: Readonly<Record<SubjectKind, { readonly max: number; readonly by: string }>> = {
  run: { max: MAX_SUBJECT_LENGTH, by: "AWS STS takes" },
  stack: { max: MAX_STACK_SUBJECT_LENGTH, by: "HCP Terraform allows in a Stack deployment's sub" },
  module: { max: MAX_SUBJECT_LENGTH, by: "AWS STS takes" },
  hyok: { max: MAX_SUBJECT_LENGTH, by: "AWS STS takes" },
};

/**
 * The runs a role admits carry a `sub` that HCP Terraform issues and AWS STS takes: organization,
 * project, workspace, Stack, deployment and module names all go into it whole, and a Stack
 * deployment's `sub` holds five of them. A role whose runs' tokens could never be issued or taken
 * is refused before anything is deployed, naming the entry and the excess. Wildcards count as one
 * character, so only a `sub` that no run can shorten is refused.
 */
export const subjectLength: Rule = {
  id: "subject-length",
  description: `The runs each role admits have a sub of at most ${MAX_SUBJECT_LENGTH} characters, what AWS STS takes, and a Stack deployment's at most ${MAX_STACK_SUBJECT_LENGTH}, what HCP Terraform issues.`,
  check({ roles }) {
    const violations: Violation[] = [];
    for (const role of roles) {
      const { subject } = role.planned;
      const parsed = parseSubject(subject);
      if (parsed === undefined) continue;
      const [name, last] = parsed.fields[parsed.fields.length - 1] ?? ["", ""];
      const operations = (last === "*" ? SUBJECT_OPERATIONS[parsed.kind] : undefined) ?? [last];
      // The longest operation decides: an `apply` run is refused though its `plan` is taken.
      const longest = operations.reduce((a, b) => (b.length > a.length ? b : a), "");
      const sub = `${subject.slice(0, subject.length - last.length)}${longest}`;
      const { max, by } = LIMITS[parsed.kind];
      if (sub.length > max) {
        violations.push({
          path: role.planned.path,
          message: `${ownerName(role.planned)}: the sub of its ${name} ${longest} runs is ${sub.length} characters, ${sub.length - max} over the ${max} ${by} (${JSON.stringify(sub)}); shorten the names it holds`,
        });
      }
    }
    return violations;
  },
};
