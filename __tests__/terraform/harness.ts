import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { CALLER_ACCOUNT_ENV } from "./provider/aws";
import { nextId } from "./provider/tfe";
import { emptyTfeWorld, tfeWorldFile, updateWorld, WORLD_ENV } from "./provider/world";

/** The oldest Terraform the app's stacks accept (`required_version`). */
const MINIMUM = [1, 10, 0] as const;

/** Whether a Terraform of at least 1.10 is on PATH, and if not, why. */
export function findTerraform(): { ok: true; version: string } | { ok: false; reason: string } {
  const run = spawnSync("terraform", ["version", "-json"], {
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" },
  });
  if (run.error !== undefined || run.status !== 0) {
    return { ok: false, reason: "no terraform on PATH" };
  }
  const version = (JSON.parse(run.stdout) as { terraform_version: string }).terraform_version;
  const parts = version.split(".").map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < MINIMUM.length; i++) {
    const have = parts[i] ?? 0;
    const need = MINIMUM[i] ?? 0;
    if (have > need) break;
    if (have < need) return { ok: false, reason: `terraform ${version} is older than 1.10` };
  }
  return { ok: true, version };
}

const REPO = resolve(__dirname, "..", "..");
const PROVIDER_SOURCE = join(__dirname, "provider");
/** Where the providers' server certificate is kept across runs (made once with openssl). */
export const CERTIFICATE_DIR = join(REPO, ".tmp", "terraform-certs");

/**
 * The test providers as JavaScript, transpiled once per content (TypeScript's transpileModule, no
 * type check: `tsc -p .` checks them) into `.tmp/terraform-providers/HASH`, inside the repository so
 * that node finds its node_modules. Node starts the JavaScript in about 0.3 s, under tsx in about 1 s:
 * Terraform starts two to four provider processes per command. Returns the entry point.
 */
export function compiledProviders(): string {
  const files = readdirSync(PROVIDER_SOURCE).sort();
  const hash = createHash("sha256");
  for (const file of files) hash.update(file).update(readFileSync(join(PROVIDER_SOURCE, file)));
  const out = join(REPO, ".tmp", "terraform-providers", hash.digest("hex").slice(0, 16));
  const main = join(out, "main.js");
  if (existsSync(main)) return main;
  const work = `${out}.${process.pid}`;
  mkdirSync(work, { recursive: true });
  for (const file of files) {
    const source = join(PROVIDER_SOURCE, file);
    if (file.endsWith(".ts")) {
      const { outputText } = ts.transpileModule(readFileSync(source, "utf8"), {
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
        },
        fileName: file,
      });
      writeFileSync(join(work, file.replace(/\.ts$/, ".js")), outputText);
    } else {
      copyFileSync(source, join(work, file));
    }
  }
  try {
    renameSync(work, out);
  } catch {
    // Another run made it first: theirs is the same.
    rmSync(work, { recursive: true, force: true });
  }
  return main;
}

/** The registry address and version of each provider the stacks require. */
export interface RequiredProvider {
  readonly type: "aws" | "tfe" | "tls";
  readonly version: string;
}

/**
 * Lays out the test providers as a filesystem mirror (`DIR/registry.terraform.io/hashicorp/TYPE/
 * VERSION/linux_amd64/terraform-provider-TYPE_vVERSION`, a shell script that starts the provider
 * under node) and writes a CLI config that installs from it alone. `terraform init` then works as
 * with the registry and writes a lock file.
 */
export function installProviders(dir: string, providers: readonly RequiredProvider[]): string {
  const mirror = join(dir, "mirror");
  const platform = `linux_${process.arch === "arm64" ? "arm64" : "amd64"}`;
  const main = compiledProviders();
  for (const { type, version } of providers) {
    const folder = join(mirror, "registry.terraform.io", "hashicorp", type, version, platform);
    mkdirSync(folder, { recursive: true });
    const executable = join(folder, `terraform-provider-${type}_v${version}`);
    writeFileSync(executable, `#!/bin/sh\nexec "${process.execPath}" "${main}" ${type}\n`);
    chmodSync(executable, 0o755);
  }
  const config = join(dir, "terraform.rc");
  writeFileSync(
    config,
    `provider_installation {\n  filesystem_mirror {\n    path    = "${mirror}"\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n`,
  );
  return config;
}

/** The providers a stack's `required_providers` name, as the mirror must hold them. */
export function requiredProviders(stackJson: Record<string, unknown>): RequiredProvider[] {
  const terraform = stackJson.terraform as
    | { required_providers?: Record<string, { source: string; version: string }> }
    | undefined;
  return Object.values(terraform?.required_providers ?? {}).map(({ source, version }) => {
    const type = source.split("/").pop() as RequiredProvider["type"];
    return { type, version };
  });
}

/**
 * A copy of a synthesized stack's folder to run Terraform in, with local state in the folder
 * instead of the stack's backend (`backend` or `cloud` block).
 */
export function localCopy(stackDir: string, into: string): string {
  mkdirSync(into, { recursive: true });
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as {
    terraform?: Record<string, unknown>;
  };
  const terraform = { ...json.terraform };
  delete terraform.backend;
  delete terraform.cloud;
  terraform.backend = { local: { path: "terraform.tfstate" } };
  writeFileSync(join(into, "cdk.tf.json"), JSON.stringify({ ...json, terraform }, null, 2));
  return into;
}

/** What one terraform command did. */
export interface TerraformRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** The environment terraform runs with: the test's CLI config and world, nothing from the user. */
export function terraformEnv(
  cliConfig: string,
  world: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    HCP_AWS_TRUST_TF_CERTS: CERTIFICATE_DIR,
    [WORLD_ENV]: world,
    ...extra,
  };
}

export function terraform(cwd: string, args: string[], env: NodeJS.ProcessEnv): TerraformRun {
  const started = process.hrtime.bigint();
  const run = spawnSync("terraform", [...args, "-no-color"], { cwd, env, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    status: run.status ?? -1,
    stdout: run.stdout,
    stderr: run.stderr,
    seconds,
  };
}

export { CALLER_ACCOUNT_ENV };

/** The same as {@link terraform}, without blocking the test process (stacks of one level run side by side). */
export function terraformAsync(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<TerraformRun> {
  const started = process.hrtime.bigint();
  return new Promise((resolvePromise, reject) => {
    const child = spawn("terraform", [...args, "-no-color"], { cwd, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (status) =>
      resolvePromise({
        status: status ?? -1,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      }),
    );
  });
}

type StackJson = {
  data?: Record<string, Record<string, Record<string, unknown>>>;
  provider?: Record<string, Array<Record<string, unknown>>>;
};

/**
 * Puts in the HCP Terraform world what the stacks read and do not create: each project a
 * `data.tfe_project` names, and each workspace a `data.tfe_workspace` names, in its project (the
 * organization's Default Project when the config names none).
 */
export function seedTfeWorld(world: string, stacks: readonly StackJson[]): void {
  updateWorld(tfeWorldFile(world), emptyTfeWorld, (tfe) => {
    const project = (organization: string, name: string) => {
      let found = tfe.projects.find((p) => p.organization === organization && p.name === name);
      if (found === undefined) {
        found = { id: nextId(tfe, "prj"), name, organization };
        tfe.projects.push(found);
      }
      return found;
    };
    for (const stack of stacks) {
      for (const body of Object.values(stack.data?.tfe_project ?? {})) {
        const organization = String(body.organization);
        for (const value of Object.values(forEachOf(body)))
          project(organization, String(value.name));
      }
    }
    // The agent pools HYOK configurations name: made in HCP Terraform, never by the app.
    for (const stack of stacks) {
      for (const body of Object.values(stack.data?.tfe_agent_pool ?? {})) {
        const organization = String(body.organization);
        tfe.agentPools ??= [];
        for (const value of Object.values(forEachOf(body))) {
          const name = String(value.name);
          if (tfe.agentPools.some((p) => p.organization === organization && p.name === name))
            continue;
          tfe.agentPools.push({ id: nextId(tfe, "apool"), name, organization });
        }
      }
    }
    for (const stack of stacks) {
      for (const body of Object.values(stack.data?.tfe_workspace ?? {})) {
        const organization = String(body.organization);
        for (const [name, value] of Object.entries(forEachOf(body))) {
          if (tfe.workspaces.some((w) => w.organization === organization && w.name === name))
            continue;
          const projectName = typeof value.project === "string" ? value.project : "Default Project";
          tfe.workspaces.push({
            id: nextId(tfe, "ws"),
            name,
            organization,
            projectId: project(organization, projectName).id,
            description: "",
            vars: [],
          });
        }
      }
    }
  });
}

const forEachOf = (body: Record<string, unknown>) =>
  (body.for_each ?? {}) as Record<string, Record<string, unknown>>;

/**
 * The account whose credentials a stack is deployed with: the one its AWS provider allows (as an
 * operator deploys each account's stacks with that account's credentials), else the default.
 */
export function callerAccountOf(stack: StackJson): string | undefined {
  const allowed = stack.provider?.aws?.[0]?.allowed_account_ids;
  return Array.isArray(allowed) && typeof allowed[0] === "string" ? allowed[0] : undefined;
}

/**
 * Whether a stack reads a workspace whose config names no project. Its `data.tfe_workspace`
 * postcondition's error_message interpolates `each.value.project`, and Terraform evaluates
 * error_message even when the condition holds: a null there once failed every such plan, so the
 * examples deployed here must hold such a stack.
 */
export function readsProjectlessWorkspace(stack: StackJson): boolean {
  return Object.values(stack.data?.tfe_workspace ?? {}).some(
    (body) =>
      JSON.stringify(body.lifecycle ?? {}).includes("each.value.project}") &&
      Object.values(forEachOf(body)).some((value) => value.project_id === null),
  );
}
