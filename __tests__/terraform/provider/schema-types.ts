import type { Block } from "./cty";

/** One provider's schemas: its configuration block, its resource types, its data source types. */
export interface ProviderSchemas {
  readonly provider: Block;
  readonly resources: { readonly [type: string]: Block };
  readonly dataSources: { readonly [type: string]: Block };
}

/** The schema of one resource or data source type; fails when the schemas lack it. */
export function schemaOf(
  schemas: ProviderSchemas,
  kind: "resources" | "dataSources",
  type: string,
): Block {
  const block = schemas[kind][type];
  if (block === undefined) throw new Error(`no schema for ${type}`);
  return block;
}
