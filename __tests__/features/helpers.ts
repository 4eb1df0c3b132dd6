/** What the feature tests share: the examples, and readers of a synthesized config. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ConfigError } from "../../lib/config/load";
import { buildApp } from "../../stacks/app";
import { type ConfigInput, readConfigText, resource, type synth, tempDir } from "../helpers/synth";

export const EXAMPLES = join(__dirname, "..", "..", "examples");
export const example = (name: string) => readFileSync(join(EXAMPLES, name), "utf8");
export const exampleConfig = (name: string) => parse(example(name)) as ConfigInput;
export const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/** The problems of a config: schema, then safety rules; fails the test if there are none. */
export function problemsOf(config: ConfigInput): string {
  try {
    const { config: parsed, locate } = readConfigText(config);
    buildApp(parsed, { outdir: tempDir("unused-"), locate });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

export function variablesOf(stack: ReturnType<typeof synth>, target: string) {
  return Object.fromEntries(
    Object.values(stack.resource?.tfe_variable ?? {})
      .filter((v) => v.workspace_id === target || v.variable_set_id === target)
      .map((v) => [v.key, v.value]),
  );
}

export function trustOf(stack: ReturnType<typeof synth>, address: string) {
  return JSON.parse(resource(stack, "aws_iam_role", address).assume_role_policy as string)
    .Statement[0];
}
