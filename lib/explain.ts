import { allowStatements, asList } from "./iam/policy-document";
import { type Decision, evaluateTrust } from "./iam/simulator";
import { hostOfIssuer, type TokenClaims, webIdentityRequest } from "./iam/web-identity";
import { parseSubject, SUBJECT_KIND_NAMES, type SubjectKind } from "./run-subject";
import type { SynthesizedRole } from "./synth-output";
import type { PolicyDocument } from "./trust-policy";

/**
 * Which part of a trust statement refused the token; `kind` when the token is of another kind
 * than the role admits (a Stack deployment's token shown to a workspace role).
 */
export type FailedCheck = "kind" | "issuer" | "audience" | "subject";

export interface Failure {
  readonly check: FailedCheck;
  /** What the role's trust policy asks for (ARNs or condition patterns). */
  readonly expected: readonly string[];
  /** What the token brings. */
  readonly actual: string;
}

export interface RoleVerdict {
  readonly role: SynthesizedRole;
  /** The kind of token the role's trust admits; undefined when its `sub` pattern is of no kind. */
  readonly kind: SubjectKind | undefined;
  readonly decision: Decision;
  /** Why the token was refused; empty when it is allowed. */
  readonly failures: readonly Failure[];
}

type Statement = Record<string, unknown> & {
  Principal?: { Federated?: unknown };
  Condition?: Record<string, Record<string, unknown>>;
};

/**
 * Evaluates a token against every role, and for each refusal finds the failing check by
 * evaluating the statement's principal, audience and subject conditions one at a time with the
 * same simulator.
 */
export function explain(roles: readonly SynthesizedRole[], claims: TokenClaims): RoleVerdict[] {
  const tokenKind = parseSubject(claims.sub)?.kind;
  return roles.map((role) => {
    const kind = trustKind(role.trustPolicy);
    const request = webIdentityRequest(claims, {
      roleArn: role.arn,
      partition: role.partition,
      accountId: role.accountId,
    });
    const decision = evaluateTrust(role.trustPolicy, request);
    if (decision === "Allowed") return { role, kind, decision, failures: [] };
    const candidates = (allowStatements(role.trustPolicy) as Statement[]).map((statement) =>
      failuresOf(statement, role, claims),
    );
    let fewest = candidates.sort((a, b) => a.length - b.length)[0] ?? [];
    if (kind !== undefined && tokenKind !== undefined && kind !== tokenKind) {
      // The fields of another kind's sub do not line up with the pattern's: the kind says it all.
      fewest = [
        {
          check: "kind",
          expected: [`${SUBJECT_KIND_NAMES[kind]} tokens`],
          actual: `a ${SUBJECT_KIND_NAMES[tokenKind]} token`,
        },
        ...fewest.filter((failure) => failure.check !== "subject"),
      ];
    }
    return { role, kind, decision, failures: fewest };
  });
}

/** The kind of token a trust policy's `sub` patterns admit; undefined for none or several. */
export function trustKind(trustPolicy: PolicyDocument): SubjectKind | undefined {
  const kinds = new Set<SubjectKind | undefined>();
  for (const statement of allowStatements(trustPolicy) as Statement[]) {
    for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
      if (operator !== "StringLike" && operator !== "StringEquals") continue;
      for (const [key, value] of Object.entries(entries)) {
        if (!key.endsWith(":sub")) continue;
        for (const pattern of asList(value)) kinds.add(parseSubject(String(pattern))?.kind);
      }
    }
  }
  return kinds.size === 1 ? [...kinds][0] : undefined;
}

function failuresOf(statement: Statement, role: SynthesizedRole, claims: TokenClaims): Failure[] {
  const request = webIdentityRequest(claims, {
    roleArn: role.arn,
    partition: role.partition,
    accountId: role.accountId,
  });
  const { Condition: _, ...unconditional } = statement;
  // The statement reduced to one check: its principal alone, or one condition with the token's own principal.
  const only = (condition: Statement["Condition"], principal: unknown): PolicyDocument => ({
    Version: "2012-10-17",
    Statement: [
      {
        ...unconditional,
        Principal: { Federated: principal },
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  });
  const allows = (policy: PolicyDocument, context = request.context) =>
    evaluateTrust(policy, { ...request, context }) === "Allowed";
  const failures: Failure[] = [];

  const trusted = asList(statement.Principal?.Federated);
  if (!allows(only(undefined, trusted.length === 1 ? trusted[0] : trusted))) {
    failures.push({
      check: "issuer",
      expected: trusted,
      actual: `${claims.iss} (verified by ${request.providerArn})`,
    });
  }
  for (const [check, suffix, actual] of [
    ["audience", ":aud", claims.aud],
    ["subject", ":sub", claims.sub],
  ] as const) {
    const condition = conditionOn(statement, suffix);
    if (condition === undefined) continue;
    // Judge the value alone: under the policy's own keys, even when the issuer (the key prefix) differs.
    const context = Object.fromEntries(condition.keys.map((key) => [key, actual]));
    if (!allows(only(condition.block, request.providerArn), context)) {
      failures.push({
        check,
        expected: condition.expected,
        actual: `${hostOfIssuer(claims.iss)}${suffix} = ${actual}`,
      });
    }
  }
  return failures;
}

/** The part of a statement's condition block on keys ending in `suffix`, and how it reads. */
function conditionOn(statement: Statement, suffix: string) {
  const block: Record<string, Record<string, unknown>> = {};
  const expected: string[] = [];
  const keys: string[] = [];
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    for (const [key, value] of Object.entries(entries)) {
      if (!key.endsWith(suffix)) continue;
      block[operator] = { ...block[operator], [key]: value };
      keys.push(key);
      // A negated condition (the field-count guard) only narrows: what is expected is the rest.
      if (!operator.includes("Not"))
        expected.push(...asList(value).map((v) => `${key} ${operator} ${v}`));
    }
  }
  return expected.length === 0 ? undefined : { block, expected, keys };
}
