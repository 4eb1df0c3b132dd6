/**
 * Policies compared as IAM reads them, not as text: a single value and a one-element list are
 * the same, the order of statements and of values does not matter, action names and condition
 * keys are case-insensitive. The AWS provider suppresses diffs of `assume_role_policy` the same
 * way (hashicorp/awspolicyequivalence), so "equal" here means the deploy changes nothing.
 */

import { fieldCountGuard } from "../trust-policy";

type Json = unknown;

const asList = (value: Json): Json[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const text = (value: Json): string => (typeof value === "string" ? value : JSON.stringify(value));
const sortedStrings = (value: Json, lower = false): string[] =>
  asList(value)
    .map((v) => (lower ? text(v).toLowerCase() : text(v)))
    .sort();

function normalizeStatement(statement: Json): Json {
  if (statement === null || typeof statement !== "object") return statement;
  const s = statement as Record<string, Json>;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === "Action" || key === "NotAction") out[key] = sortedStrings(value, true);
    else if (key === "Resource" || key === "NotResource") out[key] = sortedStrings(value);
    else if ((key === "Principal" || key === "NotPrincipal") && value !== "*") {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, Json>)
          .map(([type, ids]) => [type, sortedStrings(ids)] as const)
          .sort(([a], [b]) => a.localeCompare(b)),
      );
    } else if (key === "Condition") {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, Record<string, Json>>)
          .map(
            ([operator, keys]) =>
              [
                operator,
                Object.fromEntries(
                  Object.entries(keys)
                    .map(([k, v]) => [k.toLowerCase(), sortedStrings(v)] as const)
                    .sort(([a], [b]) => a.localeCompare(b)),
                ),
              ] as const,
          )
          .sort(([a], [b]) => a.localeCompare(b)),
      );
    } else out[key] = value;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** A canonical form of a policy document: equal forms mean equivalent policies. */
export function canonicalPolicy(policy: Json): string {
  if (policy === null || typeof policy !== "object") return JSON.stringify(policy);
  const doc = policy as Record<string, Json>;
  const statements = asList(doc.Statement)
    .map((s) => JSON.stringify(normalizeStatement(s)))
    .sort();
  return JSON.stringify({ Version: doc.Version, Statement: statements });
}

/** Whether two policy documents are equivalent as IAM reads them. */
export function samePolicy(a: Json, b: Json): boolean {
  return canonicalPolicy(a) === canonicalPolicy(b);
}

/** The trust a role should have: tokens of one provider and audience, with a `sub` matching the pattern. */
export interface TrustScope {
  readonly providerArn: string;
  readonly host: string;
  readonly audience: string;
  /** The planned `sub` pattern (`StringLike`). */
  readonly subject: string;
}

/**
 * What a live trust policy admits beyond a scope: other principals, other audiences, other
 * subjects, or conditions this check cannot read. Empty when every token it admits is one the
 * scope admits too (it may admit fewer). Deny statements only narrow, and are not read.
 */
export function admittedBeyond(trust: Json, scope: TrustScope): string[] {
  if (trust === null || typeof trust !== "object") return ["a trust policy that is not valid JSON"];
  const extras: string[] = [];
  for (const statement of asList((trust as Record<string, Json>).Statement)) {
    const s = (statement ?? {}) as Record<string, Json>;
    if (s.Effect !== "Allow") continue;
    if (s.NotPrincipal !== undefined || s.NotAction !== undefined) {
      extras.push("a statement with NotPrincipal or NotAction");
      continue;
    }
    const principal = s.Principal;
    const federated =
      principal !== null && typeof principal === "object"
        ? (principal as Record<string, Json>)
        : undefined;
    const others = federated === undefined ? [text(principal)] : otherPrincipals(federated, scope);
    if (others.length > 0) {
      extras.push(...others.map((p) => `principal ${p}`));
      continue;
    }
    const conditions = (s.Condition ?? {}) as Record<string, Record<string, Json>>;
    extras.push(...beyondAudience(conditions, scope), ...beyondSubject(conditions, scope));
  }
  return extras;
}

function otherPrincipals(principal: Record<string, Json>, scope: TrustScope): string[] {
  const others: string[] = [];
  for (const [type, ids] of Object.entries(principal)) {
    for (const id of asList(ids)) {
      if (type !== "Federated" || id !== scope.providerArn) others.push(`${type} ${text(id)}`);
    }
  }
  return others;
}

/** The values of a condition key under one operator (keys compared without case). */
function valuesOf(conditions: Record<string, Record<string, Json>>, operator: string, key: string) {
  const keys = conditions[operator] ?? {};
  const found = Object.entries(keys).find(([k]) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : asList(found[1]).map(text);
}

function beyondAudience(
  conditions: Record<string, Record<string, Json>>,
  scope: TrustScope,
): string[] {
  const values = valuesOf(conditions, "StringEquals", `${scope.host}:aud`);
  if (values === undefined) return ["tokens of any audience"];
  return values.filter((v) => v !== scope.audience).map((v) => `audience ${v}`);
}

function beyondSubject(
  conditions: Record<string, Record<string, Json>>,
  scope: TrustScope,
): string[] {
  const key = `${scope.host}:sub`;
  const like = valuesOf(conditions, "StringLike", key);
  const equals = valuesOf(conditions, "StringEquals", key);
  // Conditions are ANDed: one operator whose every value stays in scope is enough.
  if (like?.every((v) => globWithin(v, scope.subject, true))) return [];
  if (equals?.every((v) => globWithin(v, scope.subject, false))) return [];
  const listed = [...(like ?? []), ...(equals ?? [])];
  if (listed.length === 0) return ["tokens of any subject"];
  return listed
    .filter((v, i) => !globWithin(v, scope.subject, i < (like?.length ?? 0)))
    .map((v) => `subject ${v}`);
}

/**
 * Whether a live trust lets a token of another kind through where the synthesized one would not:
 * an allow statement whose `sub` pattern holds a wildcard, without the `StringNotLike` that keeps
 * the `sub` to the pattern's number of fields (see lib/trust-policy.ts). Roles deployed before
 * that guard are such roles: a Stack deployment's token can line up with a workspace's wildcard.
 * Returns what the trust admits beyond its kind, or undefined.
 */
export function otherKindsAdmitted(trust: Json, host: string): string | undefined {
  if (trust === null || typeof trust !== "object") return undefined;
  const key = `${host}:sub`;
  for (const statement of asList((trust as Record<string, Json>).Statement)) {
    const s = (statement ?? {}) as Record<string, Json>;
    if (s.Effect !== "Allow") continue;
    const conditions = (s.Condition ?? {}) as Record<string, Record<string, Json>>;
    const like = (valuesOf(conditions, "StringLike", key) ?? []).filter((v) => /[*?]/.test(v));
    if (like.length === 0) continue;
    const guards = valuesOf(conditions, "StringNotLike", key) ?? [];
    const unguarded = like.filter((pattern) => {
      const guard = fieldCountGuard(pattern);
      // A guard of no more fields refuses at least what the pattern's own would.
      return !guards.some(
        (g) => /^\*(:\*)*$/.test(g) && guard !== undefined && g.length <= guard.length,
      );
    });
    if (unguarded.length > 0)
      return `tokens of other kinds whose sub lines up with the wildcards of ${unguarded.join(", ")} (no StringNotLike on ${key} limits its fields)`;
  }
  return undefined;
}

/**
 * Whether every string a pattern matches is matched by a wider one (`*`, `?` as in StringLike).
 * A wildcard of the narrow pattern must meet a wildcard at least as wide in the wide one.
 */
export function globWithin(narrow: string, wide: string, narrowIsGlob: boolean): boolean {
  const n = [...narrow];
  const w = [...wide];
  const isWild = (c: string | undefined) => narrowIsGlob && (c === "*" || c === "?");
  // at(i, j): narrow from i is covered by wide from j.
  const width = w.length + 1;
  const table = new Uint8Array((n.length + 1) * width);
  const at = (i: number, j: number) => table[i * width + j] === 1;
  const set = (i: number, j: number, value: boolean) => {
    table[i * width + j] = value ? 1 : 0;
  };
  set(n.length, w.length, true);
  for (let j = w.length - 1; j >= 0; j--) set(n.length, j, w[j] === "*" && at(n.length, j + 1));
  for (let i = n.length - 1; i >= 0; i--) {
    for (let j = w.length - 1; j >= 0; j--) {
      const c = n[i];
      const p = w[j];
      if (p === "*") {
        // Match nothing here, or cover the narrow pattern's next part, whatever it is.
        set(i, j, at(i, j + 1) || at(i + 1, j));
      } else if (p === "?") {
        set(i, j, !(isWild(c) && c === "*") && at(i + 1, j + 1));
      } else {
        set(i, j, !isWild(c) && c === p && at(i + 1, j + 1));
      }
    }
  }
  return at(0, 0);
}
