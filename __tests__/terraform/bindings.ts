import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CtyType } from "./provider/cty";

/**
 * What a cdktf binding (`@cdktf/provider-*`, generated from the provider's own schema) tells about
 * one schema block: every attribute with its cty type, whether the config must set it, whether only
 * the provider sets it (a getter without a setter), and the nested blocks with their nesting.
 * Whether an optional attribute is also computed is not in the bindings.
 */
export interface BindingBlock {
  attributes: Record<string, BindingAttribute>;
  blocks: Record<string, { nesting: "list" | "set"; maxItems?: 1; block: BindingBlock }>;
}
export interface BindingAttribute {
  type: CtyType;
  /** `required` (not `?` in the config interface), `optional`, or `computed` (no setter). */
  use: "required" | "optional" | "computed";
}

/** The folder of one binding module: `bindingDir("aws", "iam-role")`. */
export const bindingDir = (provider: string, module: string) =>
  join(dirname(require.resolve(`@cdktf/provider-${provider}/package.json`)), "lib", module);

/** One class's body in a generated `index.js`. */
function classBody(js: string, name: string): string {
  const start = js.indexOf(`class ${name} extends`);
  const end = js.indexOf(`exports.${name} = ${name};`, start);
  if (start < 0 || end < 0) throw new Error(`no class ${name} in the binding`);
  return js.slice(start, end);
}

/** One config interface's fields in a generated `index.d.ts`: name → optional. */
function interfaceFields(
  dts: string,
  name: string,
): Map<string, { optional: boolean; array: boolean }> {
  const start = dts.indexOf(`export interface ${name} `);
  if (start < 0) throw new Error(`no interface ${name} in the binding`);
  const end = dts.indexOf("\n}", start);
  const fields = new Map<string, { optional: boolean; array: boolean }>();
  for (const match of dts.slice(start, end).matchAll(/readonly (\w+)(\??): ([^;]*);/g)) {
    const [, field = "", optional, type = ""] = match;
    fields.set(field, { optional: optional === "?", array: /\[\]( \||$)/.test(type) });
  }
  return fields;
}

const SIMPLE: Record<string, CtyType> = {
  string: "string",
  number: "number",
  boolean: "bool",
  stringList: ["list", "string"],
  numberList: ["list", "number"],
  booleanList: ["list", "bool"],
  stringMap: ["map", "string"],
  numberMap: ["map", "number"],
  booleanMap: ["map", "bool"],
};

/** Entries `name: { value: ..., isBlock, type, storageClassType }` of a synthesizeHclAttributes body. */
function hclEntries(body: string) {
  const entries: Array<{ name: string; isBlock: boolean; type: string; storage: string }> = [];
  const re =
    /(\w+): \{\s*value: [^\n]*\n\s*isBlock: (true|false),\s*type: "(\w+)",\s*storageClassType: "(\w+)",/g;
  for (const [, name = "", isBlock, type = "", storage = ""] of body.matchAll(re)) {
    entries.push({ name, isBlock: isBlock === "true", type, storage });
  }
  return entries;
}

function simpleType(type: string, storage: string): CtyType {
  const simple = SIMPLE[storage];
  if (simple === undefined) throw new Error(`unknown storage class ${storage}`);
  if (type === "set" && typeof simple !== "string" && simple[0] === "list")
    return ["set", simple[1]];
  return simple;
}

const snakeToCamel = (name: string) =>
  name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/** The type a getter returns: `this.getStringAttribute('arn')`, `cdktf.Fn.tolist(this.getListAttribute(...))`, `this._certificates`. */
function getterTypes(js: string, body: string): Map<string, CtyType> {
  const types = new Map<string, CtyType>();
  const re = /get (\w+)\(\) \{\s*return ([^;]*);/g;
  for (const [, , expression = ""] of body.matchAll(re)) {
    const simple = /^(cdktf\.Fn\.tolist\()?this\.get(\w+)Attribute\('(\w+)'\)/.exec(expression);
    if (simple !== null) {
      const [, toList, kind = "", attr = ""] = simple;
      const byKind: Record<string, CtyType> = {
        String: "string",
        Number: "number",
        Boolean: "bool",
        List: [toList ? "set" : "list", "string"],
        NumberList: [toList ? "set" : "list", "number"],
        StringMap: ["map", "string"],
        NumberMap: ["map", "number"],
        BooleanMap: ["map", "bool"],
        AnyMap: ["map", "dynamic"],
      };
      const type = byKind[kind];
      if (type === undefined) throw new Error(`unknown getter kind ${kind} for ${attr}`);
      types.set(attr, type);
      continue;
    }
    const complex = /^this\._(\w+)$/.exec(expression);
    if (complex === null) continue;
    const field = complex[1] ?? "";
    const made = new RegExp(
      `this\\._${field} = new ((?:cdktf\\.)?\\w+)\\(this, "(\\w+)"(?:, (true|false))?\\)`,
    ).exec(body);
    if (made === null) continue;
    const [, cls = "", attr = "", wrapsSet] = made;
    const builtIn: Record<string, CtyType> = {
      "cdktf.StringMap": ["map", "string"],
      "cdktf.NumberMap": ["map", "number"],
      "cdktf.BooleanMap": ["map", "bool"],
      "cdktf.AnyMap": ["map", "dynamic"],
    };
    const known = builtIn[cls];
    if (known !== undefined) {
      types.set(attr, known);
      continue;
    }
    if (cls.startsWith("cdktf.")) throw new Error(`unknown attribute class ${cls} for ${attr}`);
    const element = cls.replace(/(List|OutputReference|Map)$/, "OutputReference");
    const object: CtyType = ["object", Object.fromEntries(getterTypes(js, classBody(js, element)))];
    if (cls.endsWith("List")) types.set(attr, [wrapsSet === "true" ? "set" : "list", object]);
    else if (cls.endsWith("Map")) types.set(attr, ["map", object]);
    else types.set(attr, object);
  }
  return types;
}

function block(
  js: string,
  dts: string,
  hclBody: string,
  getters: Map<string, CtyType>,
  fields: Map<string, { optional: boolean; array: boolean }>,
  setters: Set<string> | null,
): BindingBlock {
  const attributes: BindingBlock["attributes"] = {};
  const blocks: BindingBlock["blocks"] = {};
  for (const entry of hclEntries(hclBody)) {
    // cdktf camel-cases most names by their underscores, some by words (`lexv2models` → `lexv2Models`).
    const field =
      fields.get(snakeToCamel(entry.name)) ??
      [...fields].find(([key]) => key.toLowerCase() === entry.name.replace(/_/g, ""))?.[1];
    if (field === undefined) throw new Error(`no config field for ${entry.name}`);
    if (entry.isBlock) {
      const element = entry.storage.replace(/(List|OutputReference)$/, "");
      const nestedBody = js.slice(js.indexOf(`function ${lowerFirst(element)}ToHclTerraform(`));
      const nestedHcl = nestedBody.slice(0, nestedBody.indexOf("\n}\n"));
      const nested = block(js, dts, nestedHcl, new Map(), interfaceFields(dts, element), null);
      blocks[entry.name] = {
        nesting: entry.type === "set" ? "set" : "list",
        ...(field.array ? {} : { maxItems: 1 as const }),
        block: nested,
      };
    } else {
      attributes[entry.name] = {
        type: simpleType(entry.type, entry.storage),
        use: field.optional ? "optional" : "required",
      };
    }
  }
  if (setters !== null) {
    for (const [name, type] of getters) {
      if (name in attributes || name in blocks || setters.has(snakeToCamel(name))) continue;
      attributes[name] = { type, use: "computed" };
    }
  }
  return { attributes, blocks };
}

/** The schema block a binding describes for a resource, data source or provider configuration. */
export function bindingSchema(provider: string, module: string): BindingBlock {
  const dir = bindingDir(provider, module);
  const js = readFileSync(join(dir, "index.js"), "utf8");
  const dts = readFileSync(join(dir, "index.d.ts"), "utf8");
  const main =
    /class (\w+) extends cdktf\.(TerraformResource|TerraformDataSource|TerraformProvider) \{/.exec(
      js,
    );
  if (main === null) throw new Error(`no resource class in ${dir}`);
  const name = main[1] ?? "";
  const body = classBody(js, name);
  const hcl = body.slice(body.indexOf("synthesizeHclAttributes() {"));
  const setters = new Set([...body.matchAll(/set (\w+)\(value\)/g)].map((m) => m[1] ?? ""));
  const configName = main[2] === "TerraformProvider" ? `${name}Config` : `${name}Config`;
  return block(js, dts, hcl, getterTypes(js, body), interfaceFields(dts, configName), setters);
}
