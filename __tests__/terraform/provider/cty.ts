import { decode, ExtensionCodec, encode } from "@msgpack/msgpack";

/** A cty type as Terraform's type JSON writes it: `"string"`, `["list","string"]`, `["object",{...}]`. */
export type CtyType =
  | "string"
  | "number"
  | "bool"
  | "dynamic"
  | readonly ["list" | "set" | "map", CtyType]
  | readonly ["object", { readonly [name: string]: CtyType }];

/** A value Terraform does not know yet (planned as "known after apply"). */
export const UNKNOWN: unique symbol = Symbol("unknown");

/** A cty value as the providers handle it: JSON-like, with sets as arrays and unknowns as {@link UNKNOWN}. */
export type Value = string | number | boolean | null | typeof UNKNOWN | Value[] | ValueObject;
export interface ValueObject {
  [name: string]: Value;
}

/** An attribute of a schema block, as the protocol's Schema.Attribute (type, required/optional/computed). */
export interface Attribute {
  readonly type: CtyType;
  readonly required?: true;
  readonly optional?: true;
  readonly computed?: true;
  readonly sensitive?: true;
  readonly writeOnly?: true;
}

export type Nesting = "single" | "list" | "set";

export interface NestedBlock {
  readonly nesting: Nesting;
  readonly block: Block;
  readonly minItems?: number;
  readonly maxItems?: number;
}

export interface Block {
  /** The schema version of a resource type (state records it); 0 when absent. */
  readonly version?: number;
  readonly attributes: { readonly [name: string]: Attribute };
  readonly blocks?: { readonly [name: string]: NestedBlock };
}

/**
 * cty's msgpack unknown: extension 0 (type 12 is the refined unknown Terraform 1.6+ sends, with
 * refinements as its payload, which these providers do not need).
 */
const codec = new ExtensionCodec();
const UNKNOWN_EXT = 0;
codec.register({
  type: UNKNOWN_EXT,
  encode: (input) => (input === UNKNOWN ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});
codec.register({ type: 12, encode: () => null, decode: () => UNKNOWN });

export function fromMsgpack(bytes: Uint8Array | undefined): Value {
  if (bytes === undefined || bytes.length === 0) return null;
  return decode(bytes, { extensionCodec: codec }) as Value;
}

export function toMsgpack(value: Value): Uint8Array {
  return encode(value, { extensionCodec: codec });
}

export const isObject = (value: Value | undefined): value is ValueObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A value shaped as a block of the schema: every attribute present (null when missing), list and
 * set blocks as arrays, single blocks as an object or null, attributes the schema lacks dropped.
 * Terraform decodes a provider's msgpack by the schema and needs every attribute there.
 */
export function conform(block: Block, value: Value | undefined): ValueObject {
  const source = isObject(value) ? value : {};
  const out: ValueObject = {};
  for (const [name, attribute] of Object.entries(block.attributes)) {
    out[name] = conformType(attribute.type, source[name]);
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const item = source[name];
    if (nested.nesting === "single") {
      out[name] = isObject(item) ? conform(nested.block, item) : null;
    } else {
      out[name] = Array.isArray(item) ? item.map((element) => conform(nested.block, element)) : [];
    }
  }
  return out;
}

function conformType(type: CtyType, value: Value | undefined): Value {
  if (value === undefined || value === null) return null;
  if (value === UNKNOWN || typeof type === "string") return value;
  const [kind, element] = type;
  if (kind === "object") {
    if (!isObject(value)) return value;
    return Object.fromEntries(
      Object.entries(element).map(([name, t]) => [name, conformType(t, value[name])]),
    );
  }
  if (kind === "map") {
    if (!isObject(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, conformType(element, v)]),
    );
  }
  return Array.isArray(value) ? value.map((v) => conformType(element, v)) : value;
}

/** Whether a value holds an unknown anywhere. */
export function hasUnknown(value: Value | undefined): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (isObject(value)) return Object.values(value).some(hasUnknown);
  return false;
}

/** Deep equality of two values; sets compare as the arrays they are sent as. */
export function equal(a: Value | undefined, b: Value | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
