import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { synthStacksRaw } from "../helpers/synth";
import { type BindingBlock, bindingSchema } from "./bindings";
import type { Block } from "./provider/cty";
import type { ProviderSchemas } from "./provider/schema-types";
import { AWS_SCHEMAS } from "./provider/schemas-aws";
import { TFE_SCHEMAS } from "./provider/schemas-tfe";
import { TLS_SCHEMAS } from "./provider/schemas-tls";

const SCHEMAS: Record<string, ProviderSchemas> = {
  aws: AWS_SCHEMAS,
  tfe: TFE_SCHEMAS,
  tls: TLS_SCHEMAS,
};

/** The binding module of each type: `aws_iam_role` → iam-role, data `tfe_workspace` → data-tfe-workspace. */
const moduleOf = (provider: string, kind: "resources" | "dataSources", type: string) => {
  const name = type.replace(new RegExp(`^${provider}_`), "").replace(/_/g, "-");
  return kind === "resources" ? name : `data-${provider}-${name}`;
};

/** What the bindings can tell of a schema block: the same shape as {@link bindingSchema}. */
function asBinding(block: Block): BindingBlock {
  return {
    attributes: Object.fromEntries(
      Object.entries(block.attributes).map(([name, a]) => [
        name,
        { type: a.type, use: a.required ? "required" : a.optional ? "optional" : "computed" },
      ]),
    ),
    blocks: Object.fromEntries(
      Object.entries(block.blocks ?? {}).map(([name, nested]) => [
        name,
        {
          nesting: nested.nesting === "set" ? "set" : "list",
          // cdktf writes a single nested block as a list block of at most one.
          ...(nested.maxItems === 1 || nested.nesting === "single" ? { maxItems: 1 as const } : {}),
          block: asBinding(nested.block),
        },
      ]),
    ),
  };
}

/** The binding's view without cdktf's own `alias` of a provider configuration. */
function withoutAlias(block: BindingBlock): BindingBlock {
  const { alias: _, ...attributes } = block.attributes;
  return { ...block, attributes };
}

describe("the test providers' schemas match the cdktf bindings", () => {
  for (const [provider, schemas] of Object.entries(SCHEMAS)) {
    it(`${provider} provider configuration`, () => {
      expect(asBinding(schemas.provider)).toEqual(
        withoutAlias(bindingSchema(provider, "provider")),
      );
    });
    for (const kind of ["resources", "dataSources"] as const) {
      for (const [type, block] of Object.entries(schemas[kind])) {
        it(`${kind === "resources" ? "resource" : "data source"} ${type}`, () => {
          expect(asBinding(block)).toEqual(bindingSchema(provider, moduleOf(provider, kind, type)));
        });
      }
    }
  }

  it("a computed attribute the provider fills is never also required", () => {
    for (const schemas of Object.values(SCHEMAS)) {
      for (const block of [
        ...Object.values(schemas.resources),
        ...Object.values(schemas.dataSources),
      ]) {
        for (const attribute of Object.values(block.attributes)) {
          expect(attribute.required && attribute.computed).toBeFalsy();
        }
      }
    }
  });
});

/** Every example the project ships, and the default config. */
const CONFIGS = [
  "trust.yaml",
  ...readdirSync("examples")
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => `examples/${f}`),
];

describe("the schemas cover what the synth writes", () => {
  const written = new Map<string, Set<string>>();
  for (const file of CONFIGS) {
    for (const stack of Object.values(synthStacksRaw(readFileSync(file, "utf8")))) {
      for (const [block, kind] of [
        ["resource", "resources"],
        ["data", "dataSources"],
      ] as const) {
        for (const [type, items] of Object.entries(stack[block] ?? {})) {
          const key = `${kind} ${type}`;
          const attributes = written.get(key) ?? new Set<string>();
          for (const body of Object.values(items)) {
            for (const name of Object.keys(body)) attributes.add(name);
          }
          written.set(key, attributes);
        }
      }
      for (const [provider, configs] of Object.entries(stack.provider ?? {})) {
        const key = `provider ${provider}`;
        const attributes = written.get(key) ?? new Set<string>();
        for (const config of configs) for (const name of Object.keys(config)) attributes.add(name);
        written.set(key, attributes);
      }
    }
  }
  const META = new Set(["//", "for_each", "count", "lifecycle", "depends_on", "provider", "alias"]);

  it("every type the synth writes has a schema, and the schemas hold no other type", () => {
    const served = Object.entries(SCHEMAS).flatMap(([provider, schemas]) => [
      `provider ${provider}`,
      ...Object.keys(schemas.resources).map((t) => `resources ${t}`),
      ...Object.keys(schemas.dataSources).map((t) => `dataSources ${t}`),
    ]);
    expect([...written.keys()].sort()).toEqual(served.sort());
  });

  it("every argument the synth sets is an attribute or block of its type's schema", () => {
    for (const [key, attributes] of written) {
      const [kind = "", type = ""] = key.split(" ");
      const provider = type.split("_")[0] ?? "";
      const schemas = SCHEMAS[provider];
      const block =
        kind === "provider"
          ? schemas?.provider
          : schemas?.[kind as "resources" | "dataSources"][type];
      const known = new Set([
        ...Object.keys(block?.attributes ?? {}),
        ...Object.keys(block?.blocks ?? {}),
      ]);
      const unknown = [...attributes].filter((name) => !META.has(name) && !known.has(name));
      expect(unknown, key).toEqual([]);
    }
  });
});
