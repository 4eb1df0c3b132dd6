/**
 * Tokens of every kind HCP Terraform issues, built to cross kinds: for a role's `sub` pattern,
 * the tokens of the other kinds that an attacker who may name things would try. Written apart
 * from lib/run-subject.ts on purpose, so the proof does not share the code it proves.
 */
import type { TokenClaims } from "../../lib/iam/web-identity";

/** The kinds of token HCP Terraform issues: their `sub` labels in order, and their last values. */
export const TOKEN_KINDS = {
  run: { labels: ["organization", "project", "workspace", "run_phase"], last: ["plan", "apply"] },
  stack: {
    labels: ["organization", "project", "stack", "deployment", "operation"],
    last: ["plan", "apply"],
  },
  module: { labels: ["organization", "module", "operation"], last: ["test_run"] },
  hyok: { labels: ["organization", "hyok_config"], last: undefined },
} as const satisfies Record<
  string,
  { labels: readonly string[]; last: readonly string[] | undefined }
>;

export type TokenKind = keyof typeof TOKEN_KINDS;
const KINDS = Object.keys(TOKEN_KINDS) as TokenKind[];

/** The words of every `sub` form, which an attacker may give as names. */
export const LABEL_WORDS = [
  "organization",
  "project",
  "workspace",
  "run_phase",
  "stack",
  "deployment",
  "operation",
  "module",
  "hyok_config",
  "plan",
  "apply",
  "test_run",
] as const;

/** The kind of a `sub` (or of a pattern for one), by its labels; undefined for none. */
export function kindOf(sub: string): TokenKind | undefined {
  const parts = sub.split(":");
  return KINDS.find((kind) => {
    const { labels } = TOKEN_KINDS[kind];
    return parts.length === labels.length * 2 && labels.every((l, i) => parts[2 * i] === l);
  });
}

/** A `sub` of a kind from its values, in the order of its labels. */
function subOf(kind: TokenKind, values: readonly string[]): string {
  return TOKEN_KINDS[kind].labels.flatMap((label, i) => [label, values[i] ?? ""]).join(":");
}

/**
 * Every way a token of `kind` can line up with `pattern` if each whole-field `*` of the pattern
 * may span fields (as `*` does in `StringLike`): literal parts of the pattern fall on the token's
 * labels (which must be equal) or on its values (which take the literal). Values a `*` covers
 * are taken from `fill`, in turn. These are the tokens a spanning wildcard would admit.
 */
export function alignedTokens(pattern: string, kind: TokenKind, fill: readonly string[]): string[] {
  const want = pattern.split(":");
  const size = TOKEN_KINDS[kind].labels.length * 2;
  const isLabel = (position: number) => position % 2 === 0;
  const label = (position: number) => TOKEN_KINDS[kind].labels[position / 2] ?? "";
  const found: string[] = [];
  // values[i]: the value of field i; undefined while a `*` may leave it free.
  const walk = (p: number, t: number, values: Array<string | undefined>): void => {
    if (p === want.length) {
      if (t !== size) return;
      let next = 0;
      const chosen = TOKEN_KINDS[kind].labels.map(
        (_, i) => values[i] ?? fill[next++ % Math.max(1, fill.length)] ?? "x",
      );
      found.push(subOf(kind, chosen));
      return;
    }
    const part = want[p] ?? "";
    if (part === "*") {
      // A `*` covers one part or more (joined by `:`): labels inside stay labels, values stay free.
      for (let span = 1; t + span <= size; span++) walk(p + 1, t + span, values);
      return;
    }
    if (t >= size) return;
    if (isLabel(t)) {
      if (part === label(t)) walk(p + 1, t + 1, values);
      return;
    }
    const copy = [...values];
    copy[(t - 1) / 2] = part;
    walk(p + 1, t + 1, copy);
  };
  walk(0, 0, []);
  return [...new Set(found)];
}

/** A small seeded generator, so a failing case can be run again. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/**
 * Tokens of every kind but the pattern's own that could be confused with it: each kind lined up
 * with the pattern ({@link alignedTokens}), and `random` more per kind whose values are drawn
 * from `names` (the labels, the config's names, random names). Each has the role's issuer and
 * audience, so only the `sub` can refuse it.
 */
export function otherKindTokens(
  pattern: string,
  issuer: { readonly host: string; readonly audience: string; readonly organization: string },
  names: readonly string[],
  random: number,
  next: () => number,
): Array<{ readonly kind: TokenKind; readonly claims: TokenClaims }> {
  const own = kindOf(pattern);
  const pick = () => names[Math.floor(next() * names.length)] ?? "x";
  const claims = (sub: string): TokenClaims => ({
    iss: `https://${issuer.host}`,
    aud: issuer.audience,
    sub,
  });
  const tokens: Array<{ kind: TokenKind; claims: TokenClaims }> = [];
  for (const kind of KINDS) {
    if (kind === own) continue;
    const fill = Array.from({ length: 4 }, pick);
    for (const sub of alignedTokens(pattern, kind, fill))
      tokens.push({ kind, claims: claims(sub) });
    const { labels, last } = TOKEN_KINDS[kind];
    for (let i = 0; i < random; i++) {
      const values = labels.map((_, f) => {
        if (f === 0) return next() < 0.8 ? issuer.organization : pick();
        if (f === labels.length - 1 && last !== undefined && next() < 0.7)
          return last[Math.floor(next() * last.length)] ?? "plan";
        return pick();
      });
      tokens.push({ kind, claims: claims(subOf(kind, values)) });
    }
  }
  return tokens;
}

/** Random names of the forms HCP Terraform allows, for {@link otherKindTokens}. */
export function randomNames(count: number, next: () => number): string[] {
  const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
  return Array.from({ length: count }, () =>
    Array.from(
      { length: 1 + Math.floor(next() * 12) },
      () => chars[Math.floor(next() * chars.length)],
    ).join(""),
  );
}
