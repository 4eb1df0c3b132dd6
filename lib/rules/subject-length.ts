import { parseSubject, SUBJECT_OPERATIONS } from "../run-subject";
import { ownerName, type Rule, type Violation } from "./rule";

/**
 * The most characters of a web identity token's `sub` that AWS STS takes: its API gives
 * `SubjectFromWebIdentityToken`, the token's `sub`, as a string of 6 to 255 characters
 * (`webIdentitySubjectType` in the STS API model).
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 */
export const MAX_SUBJECT_LENGTH = 255;

/**
 * The runs a role admits carry a `sub` AWS STS takes: organization, project, workspace, Stack,
 * deployment and module names all go into it whole, and a Stack deployment's `sub` holds five
 * of them. A role whose runs' tokens could never be taken is refused before anything is
 * deployed, naming the entry and the excess. Wildcards count as one character, so only a `sub`
 * that no run can shorten is refused.
 */
export const subjectLength: Rule = {
  id: "subject-length",
  description: `The runs each role admits have a sub of at most ${MAX_SUBJECT_LENGTH} characters, what AWS STS takes.`,
  check({ roles }) {
    const violations: Violation[] = [];
    for (const role of roles) {
      const { subject } = role.planned;
      const parsed = parseSubject(subject);
      if (parsed === undefined) continue;
      const [name, last] = parsed.fields[parsed.fields.length - 1] ?? ["", ""];
      const operations = last === "*" ? SUBJECT_OPERATIONS[parsed.kind] : [last];
      // The longest operation decides: an `apply` run is refused though its `plan` is taken.
      const longest = operations.reduce((a, b) => (b.length > a.length ? b : a), "");
      const sub = `${subject.slice(0, subject.length - last.length)}${longest}`;
      if (sub.length > MAX_SUBJECT_LENGTH) {
        violations.push({
          path: role.planned.path,
          message: `${ownerName(role.planned)}: the sub of its ${name} ${longest} runs is ${sub.length} characters, ${sub.length - MAX_SUBJECT_LENGTH} over the ${MAX_SUBJECT_LENGTH} AWS STS takes (${JSON.stringify(sub)}); shorten the names it holds`,
        });
      }
    }
    return violations;
  },
};
