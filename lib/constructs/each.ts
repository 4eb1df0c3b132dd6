import { TerraformDataSource, type TerraformResource, TerraformStack, Token } from "cdktf";

/**
 * References to the current instance of a `for_each` resource, as the Terraform expressions they
 * synthesize to: `${each.value.NAME}`.
 *
 * Why not `TerraformIterator.getString()` and its kin: each of those is a lazy token that makes a
 * new reference, capturing a full stack trace, every time cdktf resolves it, and cdktf resolves a
 * stack three times per synth, deep in its recursion (about 2 s of a 5,000-workspace synth). The
 * expression written here is the same text, resolved once as a plain string.
 */
export function eachValue(attribute: string): string {
  return `\${each.value.${attribute}}`;
}

/** `${each.value.NAME}` where the resource's type asks for a number. */
export function eachNumber(attribute: string): number {
  return Token.asNumber(eachValue(attribute));
}

/** `${each.value.NAME}` where the resource's type asks for a map of strings. */
export function eachStringMap(attribute: string): Record<string, string> {
  return Token.asStringMap(eachValue(attribute));
}

/**
 * Gives a `for_each` resource or data source its map, a literal keyed by stable names, written on
 * the stack at the element's address (`resource.TYPE.NAME.for_each`); call it after
 * `pinAddress`. The JSON is what `forEach: TerraformIterator.fromMap(map)` writes, but cdktf
 * resolves each element three times per synth (to prepare, to render the element, to render the
 * stack) and a stack's own values once, and these maps hold nearly all a stack writes: at 5,000
 * workspaces this saves about a third of the synth. Tokens inside the map are still resolved.
 */
export function setForEach(
  element: TerraformResource | TerraformDataSource,
  map: Readonly<Record<string, unknown>>,
): void {
  const block = element instanceof TerraformDataSource ? "data" : "resource";
  TerraformStack.of(element).addOverride(
    `${block}.${element.terraformResourceType}.${element.friendlyUniqueId}.for_each`,
    map,
  );
}
