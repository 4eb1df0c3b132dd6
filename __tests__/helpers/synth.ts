import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { readSynthesizedRoles, type SynthesizedRole } from "../../lib/synth-output";
import { buildApp } from "../../stacks/app";

/** The JSON cdktf writes for one stack (`cdk.tf.json`). */
export interface StackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, Record<string, unknown>>;
  readonly provider?: Record<string, Array<Record<string, unknown>>>;
  readonly terraform?: Record<string, unknown>;
}

/** A config as the YAML file would hold it. */
export type ConfigInput = Record<string, unknown>;

export function tempDir(prefix = "synth-"): string {
  return mkdtempSync(join(process.env.TMPDIR ?? ".tmp", prefix));
}

/** Validates a config, synthesizes it to a fresh folder like `cdktf synth`, and reads it back. */
function withSynth<T>(config: ConfigInput | string, read: (outdir: string) => T): T {
  const text = typeof config === "string" ? config : stringify(config);
  const outdir = tempDir();
  try {
    buildApp(parseConfig(text), { outdir }).app.synth();
    return read(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Synthesizes a config into a fresh folder that stays for the rest of the test run; returns the folder. */
export function synthToDir(config: ConfigInput | string): string {
  const text = typeof config === "string" ? config : stringify(config);
  const outdir = tempDir("out-");
  buildApp(parseConfig(text), { outdir }).app.synth();
  return outdir;
}

/**
 * The JSON the synth writes, all stacks merged into one view: resources, data sources and outputs
 * by address (an address in two stacks with different bodies fails the test), providers listed once.
 */
export function synth(config: ConfigInput | string): StackJson {
  const stacks = Object.values(synthStacks(config));
  const merged: Record<string, Record<string, Record<string, unknown>>> = {};
  const mergeBlock = (block: "resource" | "data", json: StackJson) => {
    for (const [type, items] of Object.entries(json[block] ?? {})) {
      for (const [name, body] of Object.entries(items)) {
        const key = `${block}.${type}`;
        const existing = merged[key]?.[name];
        let value = body;
        if (existing !== undefined && key === "data.tfe_workspace_ids") {
          // Each stack looks up its own workspaces; the view lists them all.
          const names = [...(existing.names as string[]), ...(body.names as string[])].sort();
          value = { ...existing, names };
        } else if (
          existing !== undefined &&
          JSON.stringify(withoutMetadata(existing)) !== JSON.stringify(withoutMetadata(body))
        ) {
          throw new Error(
            `${type}.${name} differs between stacks; read them one by one with synthStacks()`,
          );
        }
        merged[key] = { ...merged[key], [name]: value };
      }
    }
  };
  const view: {
    resource: Record<string, Record<string, Record<string, unknown>>>;
    data: Record<string, Record<string, Record<string, unknown>>>;
    output: Record<string, Record<string, unknown>>;
    provider: Record<string, Array<Record<string, unknown>>>;
  } = { resource: {}, data: {}, output: {}, provider: {} };
  for (const json of stacks) {
    mergeBlock("resource", json);
    mergeBlock("data", json);
    for (const [name, body] of Object.entries(json.output ?? {})) {
      const existing = view.output[name];
      view.output[name] = existing === undefined ? body : mergeOutputs(existing, body, name);
    }
    for (const [name, configs] of Object.entries(json.provider ?? {})) {
      const list = view.provider[name] ?? [];
      for (const c of configs)
        if (!list.some((x) => JSON.stringify(x) === JSON.stringify(c))) list.push(c);
      view.provider[name] = list;
    }
  }
  for (const [key, items] of Object.entries(merged)) {
    const [block, type] = key.split(/\.(.*)/s) as ["resource" | "data", string];
    view[block][type] = items;
  }
  return view;
}

/** A body without cdktf's `//` metadata, which names the stack. */
function withoutMetadata(body: Record<string, unknown>): Record<string, unknown> {
  const { "//": _, ...rest } = body;
  return rest;
}

/** The `role_arns` outputs of several stacks merge into one map; other outputs must agree. */
function mergeOutputs(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  name: string,
): Record<string, unknown> {
  if (name === "role_arns") {
    return {
      ...a,
      value: { ...(a.value as Record<string, string>), ...(b.value as Record<string, string>) },
    };
  }
  if (JSON.stringify(a) !== JSON.stringify(b))
    throw new Error(`output ${name} differs between stacks`);
  return a;
}

/** Every stack the synth writes, by name, with the stacks each depends on. */
export function synthStacks(
  config: ConfigInput | string,
): Record<string, StackJson & { dependencies: string[] }> {
  return withSynth(config, (outdir) => {
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { synthesizedStackPath: string; dependencies: string[] }>;
    };
    return Object.fromEntries(
      Object.entries(manifest.stacks).map(([name, entry]) => [
        name,
        {
          ...JSON.parse(readFileSync(join(outdir, entry.synthesizedStackPath), "utf8")),
          dependencies: entry.dependencies,
        },
      ]),
    );
  });
}

/** The roles the synth writes, read back as `explain` reads them. */
export function synthRoles(config: ConfigInput | string): SynthesizedRole[] {
  return withSynth(config, readSynthesizedRoles);
}

/** Every resource, data source and output by address (`aws_iam_role.ws_app`, `data.tfe_workspace_ids.workspaces`). */
export function byAddress(stack: StackJson): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const [type, items] of Object.entries(stack.resource ?? {})) {
    for (const [name, body] of Object.entries(items)) map.set(`${type}.${name}`, body);
  }
  for (const [type, items] of Object.entries(stack.data ?? {})) {
    for (const [name, body] of Object.entries(items)) map.set(`data.${type}.${name}`, body);
  }
  for (const [name, body] of Object.entries(stack.output ?? {})) map.set(`output.${name}`, body);
  return map;
}

/** Every element of every stack, by `STACK ADDRESS`. */
export function byStackAddress(stacks: Record<string, StackJson>): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const [stack, json] of Object.entries(stacks)) {
    for (const [address, body] of byAddress(json)) map.set(`${stack} ${address}`, body);
  }
  return map;
}

/** One resource's body; fails the test if it is missing. */
export function resource(stack: StackJson, type: string, name: string): Record<string, unknown> {
  const body = stack.resource?.[type]?.[name];
  if (body === undefined) {
    const have = Object.keys(stack.resource?.[type] ?? {}).join(", ") || "none";
    throw new Error(`no ${type}.${name} in the synthesized stack (have: ${have})`);
  }
  return body;
}

export function names(stack: StackJson, type: string): string[] {
  return Object.keys(stack.resource?.[type] ?? {}).sort();
}

/** A minimal valid config, with top-level keys overridden (`undefined` removes a key). */
export function baseConfig(overrides: Record<string, unknown> = {}): ConfigInput {
  const config: Record<string, unknown> = {
    hcp: { organization: "acme" },
    aws: { region: "us-east-1" },
    workspaces: [
      {
        name: "app-prod",
        project: "Default Project",
        policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
      },
    ],
    ...overrides,
  };
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined));
}

export function workspace(
  name: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { name, policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], ...extra };
}
