/**
 * Runs the installed Terraform CLI on configurations made of Terraform's built-in
 * `terraform_data` only, which need no provider download: a synthesized block's `for_each`,
 * `lifecycle` (postconditions, `prevent_destroy`) and expressions, evaluated by Terraform itself.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/synth";

/** The Terraform CLI on PATH, when it is at least 1.10; undefined otherwise (with why). */
export function terraformVersion(): { version?: string; missing?: string } {
  const run = spawnSync("terraform", ["version", "-json"], { encoding: "utf8", env: cliEnv() });
  if (run.error !== undefined || run.status !== 0) return { missing: "terraform is not on PATH" };
  const version = String(JSON.parse(run.stdout).terraform_version ?? "");
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major < 1 || (major === 1 && minor < 10))
    return { missing: `terraform ${version} is older than 1.10` };
  return { version };
}

let cliConfig: string | undefined;

/** The environment of every Terraform command here: a CLI config of the tests' own. */
function cliEnv(): NodeJS.ProcessEnv {
  if (cliConfig === undefined) {
    cliConfig = join(tempDir("tf-cli-"), "terraform.rc");
    writeFileSync(cliConfig, "");
  }
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
  };
}

export interface TerraformRun {
  readonly status: number | null;
  /** stdout and stderr, without colour. */
  readonly output: string;
}

/** A working directory for one configuration, with its local state kept across commands. */
export class BuiltinWorkdir {
  readonly dir = tempDir("tf-");

  /** Writes the configuration (`main.tf.json`), replacing the previous one; the state stays. */
  write(config: Record<string, unknown>): this {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, "main.tf.json"), JSON.stringify(config, null, 2));
    return this;
  }

  run(...args: string[]): TerraformRun {
    const run = spawnSync("terraform", [...args, "-no-color"], {
      cwd: this.dir,
      encoding: "utf8",
      env: cliEnv(),
    });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  }

  init(): TerraformRun {
    return this.run("init", "-input=false");
  }
}

/** Terraform references a twin resolves by value: `${data.tfe_project.projects["k"].id}` and the like. */
export type Resolve = (reference: string) => string | undefined;

/** Replaces every `${REFERENCE}` that `resolve` knows by its value; the rest stays. */
export function resolveReferences<T>(value: T, resolve: Resolve): T {
  return JSON.parse(
    JSON.stringify(value).replace(/\$\{((?:[^{}"\\]|\\")+)\}/g, (whole, reference: string) => {
      const resolved = resolve(reference.replace(/\\"/g, '"'));
      return resolved === undefined ? whole : resolved;
    }),
  ) as T;
}

/**
 * A `terraform_data` twin of a synthesized block: the same `for_each` and `lifecycle`, with
 * `input` holding the attributes the block's expressions read from `self`. References to
 * `self.ATTR` become `self.output.ATTR` (a `terraform_data`'s output is its input).
 */
export function twinOf(
  block: Record<string, unknown>,
  input: Record<string, unknown>,
): Record<string, unknown> {
  const twin: Record<string, unknown> = { input };
  if (block.for_each !== undefined) twin.for_each = block.for_each;
  if (block.lifecycle !== undefined) {
    twin.lifecycle = JSON.parse(
      JSON.stringify(block.lifecycle).replace(/\bself\.(?!output\b)(\w+)/g, "self.output.$1"),
    );
  }
  return twin;
}
