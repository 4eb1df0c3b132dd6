import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { threadId } from "node:worker_threads";
import { TerraformStack } from "cdktf";
import { stringify } from "yaml";
import { DEFAULT_CONFIG_PATH, type LoadedConfig, parseConfigFiles } from "../../lib/config/load";
import type { DeployRecord } from "../../lib/plan/deployed";
import type { LayoutLock } from "../../lib/plan/lock";
import type { TrustPlan } from "../../lib/plan/model";
import type { Pins } from "../../lib/plan/pins";
import { PLAN_FILE, writePlanFile } from "../../lib/plan/plan-file";
import { expandStack, rolesOfStack, type SynthesizedRole } from "../../lib/synth-output";
import { newRecord, type SynthRecord, writeSynthRecord } from "../../lib/synth-record";
import { buildApp } from "../../stacks/app";

/** The JSON cdktf writes for one stack (`cdk.tf.json`). */
export interface StackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, Record<string, unknown>>;
  readonly provider?: Record<string, Array<Record<string, unknown>>>;
  readonly terraform?: Record<string, unknown>;
}

/** A stack's JSON with the names of the stacks it depends on, as the manifest lists them. */
export type SynthesizedStackJson = StackJson & { dependencies: string[] };

/** A config as the YAML file would hold it. */
export type ConfigInput = Record<string, unknown>;

export function tempDir(prefix = "synth-"): string {
  return mkdtempSync(join(process.env.TMPDIR ?? ".tmp", prefix));
}

const configText = (config: ConfigInput | string) =>
  typeof config === "string" ? config : stringify(config);

/** A config read as `trust.yaml`, so that messages name its lines as a synth's do. */
export const readConfigText = (config: ConfigInput | string): LoadedConfig =>
  parseConfigFiles([{ source: DEFAULT_CONFIG_PATH, text: configText(config) }]);

/** The plan of each folder {@link synthToDir} wrote. */
const plans = new Map<string, TrustPlan>();

/**
 * Synthesizes a config into a fresh folder that stays for the rest of the test run, with its plan
 * file (no synth record: see {@link recordSynth}); returns the folder.
 */
export function synthToDir(config: ConfigInput | string): string {
  const outdir = tempDir("out-");
  const { config: parsed, locate } = readConfigText(config);
  const { app, plan } = buildApp(parsed, { outdir, locate });
  app.synth();
  writePlanFile(outdir, plan);
  plans.set(outdir, plan);
  return outdir;
}

/** The plan {@link synthToDir} synthesized into a folder. */
export function planOf(outdir: string): TrustPlan {
  const plan = plans.get(outdir);
  if (plan === undefined) throw new Error(`${outdir} was not written by synthToDir`);
  return plan;
}

/**
 * Writes the synth record of a folder {@link synthToDir} wrote, as a synth of the config file at
 * `configPath` does, and its plan file tied to the record.
 */
export function recordSynth(
  outdir: string,
  configPath: string,
  fields: Pick<SynthRecord, "status" | "warnings" | "acknowledged"> & { error?: string },
): void {
  const record = newRecord(configPath, fields);
  writeSynthRecord(outdir, record);
  // A failed synth leaves no plan file.
  if (fields.status === "failed") rmSync(join(outdir, PLAN_FILE), { force: true });
  else writePlanFile(outdir, planOf(outdir), record.synthesizedAt);
}

/**
 * Every stack of a config as `cdktf synth` writes it (`for_each` resources unexpanded), by name,
 * with the stacks each depends on. Synthesized in memory: each stack prepared, validated and
 * turned into its Terraform JSON as `app.synth()` does, keys sorted as in the written file.
 */
export function synthStacksRaw(
  config: ConfigInput | string,
  lock?: LayoutLock,
  pins?: Pins,
  record?: DeployRecord,
): Record<string, SynthesizedStackJson> {
  const { config: parsed, locate } = readConfigText(config);
  return withCheapStackTraces(() => {
    const { app } = buildApp(parsed, {
      // One folder per worker: cdktf makes its `stacks` folder without `recursive`, so workers racing on one fail with EEXIST.
      outdir: join(process.env.TMPDIR ?? ".tmp", `in-memory-${process.pid}-${threadId}`),
      locate,
      ...(lock === undefined ? {} : { lock }),
      ...(pins === undefined ? {} : { pins }),
      ...(record === undefined ? {} : { record }),
    });
    const stacks = app.node.children.filter((child) => child instanceof TerraformStack);
    for (const stack of stacks) stack.prepareStack();
    return Object.fromEntries(
      stacks.map((stack) => {
        stack.runAllValidations();
        const json = sortKeys(JSON.parse(JSON.stringify(stack.toTerraform()))) as StackJson;
        return [
          stack.node.id,
          { ...json, dependencies: stack.dependencies.map((dep) => dep.node.path) },
        ];
      }),
    );
  });
}

/**
 * Every stack the synth writes, by name, with its `for_each` resources read as their instances
 * (`aws_iam_role['roles["ws_app"]']`), as `explain` and `report` read them.
 */
export function synthStacks(config: ConfigInput | string): Record<string, SynthesizedStackJson> {
  return Object.fromEntries(
    Object.entries(synthStacksRaw(config)).map(([name, { dependencies, ...json }]) => [
      name,
      { ...expandStack(json as Parameters<typeof expandStack>[0]), dependencies },
    ]),
  ) as Record<string, SynthesizedStackJson>;
}

/**
 * Builds and synthesizes with `Error.prepareStackTrace` turned into a no-op. cdktf captures a
 * stack trace for every construct and token it creates, and formatting each through the test
 * runner's source maps costs most of a synth's time; the traces only ever feed cdktf's own error
 * messages. V8 formats an error's stack when it is first read, so an error thrown here (a
 * ConfigError, a failed assertion) still reads normally.
 */
function withCheapStackTraces<T>(run: () => T): T {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = () => "";
  try {
    return run();
  } finally {
    Error.prepareStackTrace = previous;
  }
}

/** A parsed JSON value with every object's keys in code-point order, as cdktf writes them. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
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
        if (
          existing !== undefined &&
          JSON.stringify(withoutMetadata(existing)) !== JSON.stringify(withoutMetadata(body))
        ) {
          throw new Error(
            `${type}.${name} differs between stacks; read them one by one with synthStacks()`,
          );
        }
        merged[key] = { ...merged[key], [name]: body };
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

/** The roles the synth writes, read back as `explain` reads them. */
export function synthRoles(config: ConfigInput | string): SynthesizedRole[] {
  return Object.entries(synthStacks(config)).flatMap(([name, json]) =>
    rolesOfStack(name, json as Parameters<typeof rolesOfStack>[1]),
  );
}

/** Every resource, data source and output by address (`aws_iam_role.roles["ws_app"]`, `data.tfe_workspace.workspaces["app"]`). */
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
