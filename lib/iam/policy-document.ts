import type { PolicyDocument } from "../trust-policy";

/** A policy element that may be one value or a list (Action, Resource, a condition value), as a list. */
export function asList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The `Allow` statements of a policy, whatever the shape of `Statement`. */
export function allowStatements(policy: PolicyDocument): Array<Record<string, unknown>> {
  const statements: unknown[] = Array.isArray(policy.Statement)
    ? policy.Statement
    : [policy.Statement];
  return statements.filter(
    (s): s is Record<string, unknown> =>
      typeof s === "object" && s !== null && (s as { Effect?: unknown }).Effect === "Allow",
  );
}
