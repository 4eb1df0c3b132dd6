import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { buildApp, STACK_NAME } from "../../lib/app";
import { parseConfig } from "../../lib/config/load";
import { readSynthesizedRoles, type SynthesizedRole } from "../../lib/synth-output";

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

/** The JSON the synth writes for the stack. */
export function synth(config: ConfigInput | string): StackJson {
  return withSynth(config, (outdir) =>
    JSON.parse(readFileSync(join(outdir, "stacks", STACK_NAME, "cdk.tf.json"), "utf8")),
  );
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

/** Every resource, data source and output by address (`aws_iam_role.ws_app`, `data.tfe_workspace.ws_app`). */
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
