/**
 * How config text is written into the Terraform JSON this app synthesizes: the one place that
 * decides it. A config arrives in pull requests, so its text is untrusted; it must reach AWS
 * and HCP Terraform exactly as written, and never be evaluated by Terraform on the deploying
 * machine.
 *
 * Terraform reads every string of a `.tf.json` file as an HCL template when it has an
 * evaluation context (hashicorp/hcl `json/structure.go`, `expression.Value`: "passing a nil
 * context is how the caller specifies that interpolations are not allowed and that the string
 * should just be returned verbatim"; resources, data sources, providers and outputs are
 * evaluated, `terraform { backend }` blocks are not). In a template (hashicorp/hcl
 * `hclsyntax/scan_tokens.rl`):
 * - `${` opens an interpolation and `%{` a directive (`TemplateInterp`, `TemplateControl`);
 * - `$${` and `%%{` are literal text (`TemplateNotInterp = '$' (TemplateIgnoredNonBrace |
 *   TemplateInterp)`), which `ParseStringLiteralToken` (`hclsyntax/parser.go`) turns into
 *   `${` and `%{`;
 * - any other `$` or `%` is itself (`TemplateIgnoredNonBrace` holds the next character back), so
 *   `$$${` is `$` followed by the escape `$${`: the text `$${`.
 * So doubling the `$` or `%` in front of every `{` is exact, as in hclwrite's own
 * `escapeQuotedStringLit`; backslashes mean nothing in a template (only in quoted HCL strings).
 *
 * cdktf, which writes the JSON, reads its own markers in strings before Terraform sees them
 * (`node_modules/cdktf/lib/tokens/private/encoding.js`: `${TfToken[KEY]}`, `#{TfToken[KEY]}`,
 * `&{TfToken[KEY]}` with KEY of `[a-zA-Z0-9:._-]+`) and replaces them with the value it
 * registered under KEY, a reference to another resource for instance. Doubling the `$` does not
 * break that pattern, and HCL has no other way to write `${` literally, so such text is refused
 * by the config check ({@link tokenMarkerIn}) and never reaches {@link literal}.
 */

/** cdktf's markers for its own values inside strings, lists and maps. */
export const CDKTF_TOKEN_MARKERS = ["${TfToken[", "#{TfToken[", "&{TfToken["] as const;

/** The cdktf token marker in a text, if any: such text cannot be written literally. */
export function tokenMarkerIn(text: string): string | undefined {
  if (!text.includes("{TfToken[")) return undefined;
  return CDKTF_TOKEN_MARKERS.find((marker) => text.includes(marker));
}

/**
 * Config text as a string of the Terraform JSON that Terraform evaluates to exactly `text`:
 * `${` becomes `$${` and `%{` becomes `%%{`. Use it for every string that comes from the config,
 * and for nothing that holds a Terraform reference.
 * @throws Error if the text holds a cdktf token marker (the config check refuses those first)
 */
export function literal(text: string): string {
  assertNoTokenMarker(text);
  return text.replace(/([$%])\{/g, "$1$1{");
}

/** {@link literal} for each value of a map (tags); keys are literal too. */
export function literalMap(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map).map(([key, value]) => [literal(key), literal(value)]),
  );
}

/**
 * Config text for a place Terraform reads without evaluating it (a `backend` block). The
 * config's checks admit no `$`, `%` or `{` in these fields; this makes sure of it, so the text
 * reads the same whether or not Terraform evaluates it.
 * @throws Error if the text holds a template sequence or a cdktf token marker
 */
export function verbatim(text: string): string {
  assertNoTokenMarker(text);
  if (/[$%]\{/.test(text)) {
    throw new Error(`${JSON.stringify(text)} holds a template sequence in a field read verbatim`);
  }
  return text;
}

function assertNoTokenMarker(text: string): void {
  const marker = tokenMarkerIn(text);
  if (marker !== undefined) {
    throw new Error(
      `${JSON.stringify(text)} holds cdktf's token marker ${JSON.stringify(marker)}; the config check refuses such text`,
    );
  }
}

/** A piece of a template as Terraform reads it: literal text, or a sequence it evaluates. */
export type TemplatePart =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "interpolation" | "directive"; readonly source: string };

/**
 * Splits a string of the Terraform JSON as HCL's template scanner does (see the module
 * comment): escapes undone, `${...}` and `%{...}` returned as sequences with their source.
 * Nested braces and quoted strings inside a sequence are skipped over.
 */
export function templateParts(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let buffer = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if ((c === "$" || c === "%") && text[i + 1] === c && text[i + 2] === "{") {
      buffer += `${c}{`;
      i += 3;
    } else if ((c === "$" || c === "%") && text[i + 1] === "{") {
      if (buffer !== "") parts.push({ kind: "literal", text: buffer });
      buffer = "";
      const end = sequenceEnd(text, i + 2);
      parts.push({
        kind: c === "$" ? "interpolation" : "directive",
        source: text.slice(i, end),
      });
      i = end;
    } else {
      buffer += c;
      i += 1;
    }
  }
  if (buffer !== "" || parts.length === 0) parts.push({ kind: "literal", text: buffer });
  return parts;
}

/** The index after the `}` that closes a sequence whose body starts at `start`. */
function sequenceEnd(text: string, start: number): number {
  let depth = 1;
  let quoted = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i += 1;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "{") depth += 1;
    else if (c === "}") {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

/**
 * The text Terraform hands to the provider for a string of the Terraform JSON that holds no
 * sequence: escapes undone.
 * @throws Error if Terraform would evaluate part of it
 */
export function readLiteral(text: string): string {
  let result = "";
  for (const part of templateParts(text)) {
    if (part.kind !== "literal") {
      throw new Error(`Terraform would evaluate ${part.source} in ${JSON.stringify(text)}`);
    }
    result += part.text;
  }
  return result;
}
