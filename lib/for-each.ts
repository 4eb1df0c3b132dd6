/**
 * Reads `for_each` resources of a synthesized stack as Terraform expands them: one instance per
 * key of the literal map, named `NAME["KEY"]`, with `each.key` and `each.value.ATTR` put in.
 * Only what this app writes is understood: literal maps, and references to `each` as a whole
 * string or inside one. Values stay as written (still escaped); readers unescape them.
 */

type Body = Record<string, unknown>;

/** The instances of every element of a block (`resource` or `data`) of a stack, by `NAME["KEY"]`. */
export function expandBlock(
  block: Record<string, Record<string, Body>> | undefined,
): Record<string, Record<string, Body>> {
  const expanded: Record<string, Record<string, Body>> = {};
  for (const [type, items] of Object.entries(block ?? {})) {
    const out: Record<string, Body> = {};
    for (const [name, body] of Object.entries(items)) {
      const map = body.for_each;
      if (map === undefined || map === null || typeof map !== "object" || Array.isArray(map)) {
        out[name] = body;
        continue;
      }
      const { for_each: _, ...rest } = body;
      for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
        out[`${name}["${key}"]`] = substitute(rest, key, value) as Body;
      }
    }
    expanded[type] = out;
  }
  return expanded;
}

const WHOLE = /^\$\{each\.(key|value(?:\.[A-Za-z0-9_]+)?)\}$/;
const INNER = /(?<!\$)\$\{([^}]*)\}/g;

function lookup(path: string, key: string, value: unknown): unknown {
  if (path === "key") return key;
  const attr = path.slice("value.".length);
  if (path === "value") return value;
  return (value as Record<string, unknown> | null)?.[attr] ?? null;
}

const REFERENCE = /^\$\{([^{}]*)\}$/;

/**
 * A value of the map as an expression: a string that is one whole `${EXPR}` is that expression
 * (Terraform evaluated it into the map), anything else a literal.
 */
function asExpression(value: unknown): string {
  const reference = typeof value === "string" ? REFERENCE.exec(value) : null;
  return reference?.[1] === undefined ? JSON.stringify(value) : `(${reference[1]})`;
}

function substitute(node: unknown, key: string, value: unknown): unknown {
  if (typeof node === "string") {
    const whole = WHOLE.exec(node);
    if (whole?.[1] !== undefined) return lookup(whole[1], key, value);
    return node.replace(INNER, (match, inner: string) => {
      const replaced = inner.replace(/each\.(key|value(?:\.[A-Za-z0-9_]+)?)/g, (_m, path: string) =>
        asExpression(lookup(path, key, value)),
      );
      if (replaced === inner) return match;
      // `${"text"}` is the text itself; anything else stays an expression.
      const literal = /^"((?:[^"\\]|\\.)*)"$/.exec(replaced);
      return literal === null ? `\${${replaced}}` : (JSON.parse(replaced) as string);
    });
  }
  if (Array.isArray(node)) return node.map((item) => substitute(item, key, value));
  if (node !== null && typeof node === "object") {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substitute(v, key, value)]));
  }
  return node;
}
