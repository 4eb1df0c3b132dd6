import { existsSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { DEFAULT_CONFIG_DIR, DEFAULT_CONFIG_PATH } from "../config/constants";
import { ConfigError, configPathFromEnv, parseConfigFiles } from "../config/load";
import { readConfigDirectory } from "../config/read";
import { checkRules, formatFinding } from "../rules/engine";
import { initConfigDirectory } from "./init-config-dir";
import { type Io, runCli } from "./io";

const USAGE = `Usage: npm run add-workspace -- --name NAME --project PROJECT [--account ACCOUNT] [--policy ARN ...] [--create] [--dir DIR]
       npm run add-workspace -- --init [--from FILE] [--dir DIR]

Adds one workspace to a config directory as a file of its own, DIR/NAME.yaml, after checking that
the whole config (with the new file) is valid and safe. Nothing is written if it is not.

  --name NAME       the HCP Terraform workspace
  --project PROJECT its project
  --account ACCOUNT its AWS account (required when the config has several)
  --policy ARN      a managed policy to attach; repeat for more
  --create          create the workspace, instead of looking up an existing one
  --dir DIR         the config directory (default: TRUST_CONFIG, else trust.d when there is no trust.yaml)
  --init            turn the config file (--from, default: TRUST_CONFIG or trust.yaml) into the
                    config directory DIR (default: trust.d): DIR/00-shared.yaml, its $schema
                    reference kept right; the file is removed, and its layout lock and adoption
                    file (NAME.lock.json, NAME.imports.json) move to DIR/trust.lock.json and
                    DIR/trust.imports.json. Without TRUST_CONFIG the synth reads trust.d only
                    when there is no trust.yaml; any other DIR only through TRUST_CONFIG

Exit status: 0 when the file is written, 1 when the resulting config is refused, 2 on bad arguments.`;

/** Runs `add-workspace` with command-line arguments; returns the exit status. */
export function runAddWorkspace(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const usage = (message: string) => {
    io.err(`add-workspace: ${message}\n\n${USAGE}`);
    return 2;
  };
  let values: {
    name?: string;
    project?: string;
    account?: string;
    policy?: string[];
    create: boolean;
    dir?: string;
    init: boolean;
    from?: string;
    help: boolean;
  };
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        name: { type: "string" },
        project: { type: "string" },
        account: { type: "string" },
        policy: { type: "string", multiple: true },
        create: { type: "boolean", default: false },
        dir: { type: "string" },
        init: { type: "boolean", default: false },
        from: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }).values as typeof values;
  } catch (error) {
    return usage((error as Error).message);
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (values.init) {
    const from = values.from ?? configPathFromEnv({ TRUST_CONFIG: env.TRUST_CONFIG });
    const dir = values.dir ?? DEFAULT_CONFIG_DIR;
    try {
      for (const moved of initConfigDirectory(from, dir, env))
        io.out(`moved ${moved.from} to ${moved.to}`);
      io.out(whatTheSynthReads(dir, env));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.err(`add-workspace --init: ${error.message}`);
      return 1;
    }
    if (values.name === undefined) return 0;
  }
  const dir =
    values.dir ??
    (values.init ? DEFAULT_CONFIG_DIR : configPathFromEnv({ TRUST_CONFIG: env.TRUST_CONFIG }));
  if (values.name === undefined) return usage("--name is required");
  if (values.project === undefined) return usage("--project is required");
  if (values.policy === undefined || values.policy.length === 0)
    return usage("give at least one --policy ARN");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return usage(
      `${JSON.stringify(dir)} is not a directory; add-workspace writes one file per workspace into a config directory (npm run add-workspace -- --init turns ${DEFAULT_CONFIG_PATH} into the directory ${DEFAULT_CONFIG_DIR})`,
    );
  }
  if (!/^[A-Za-z0-9_-]+$/.test(values.name)) {
    // Checked again with the whole config below; here it guards the file name.
    return usage(
      `--name ${JSON.stringify(values.name)}: a workspace name is letters, digits, '-' and '_'`,
    );
  }
  const file = join(dir, `${values.name}.yaml`);
  if (existsSync(file)) {
    io.err(`add-workspace: ${file} exists already; edit it instead`);
    return 1;
  }

  const entry = {
    name: values.name,
    project: values.project,
    ...(values.account === undefined ? {} : { account: values.account }),
    ...(values.create ? { create: true } : {}),
    policyArns: values.policy,
  };
  const text = `# Added by npm run add-workspace.\n${stringify({ workspaces: [entry] })}`;
  try {
    const { files } = readConfigDirectory(dir);
    const { config, locate } = parseConfigFiles(
      [...files, { source: file, text }].sort((a, b) => a.source.localeCompare(b.source)),
    );
    const { errors } = checkRules(config);
    if (errors.length > 0) {
      const problems = errors.map((f) => formatFinding(f, locate));
      throw new ConfigError(
        ["Unsafe config:", ...problems.map((p) => `  - ${p}`)].join("\n"),
        problems,
      );
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`add-workspace: not written, the config would be refused:\n${asFlags(error, file)}`);
      return 1;
    }
    throw error;
  }
  writeFileSync(file, text);
  io.out(`wrote ${file}`);
  return 0;
}

/** The flag each key of the new workspace entry comes from. */
const FLAG_OF_KEY: Readonly<Record<string, string>> = {
  name: "--name",
  project: "--project",
  account: "--account",
  create: "--create",
  policyArns: "--policy",
};

/**
 * A refusal as the user of the command can act on it: a problem in the entry it would have
 * written is the problem of the flag the value came from (`--account: is required: ...`), not of a
 * line in a file that does not exist. Problems elsewhere in the config keep their file and line.
 */
function asFlags(error: ConfigError, file: string): string {
  const own = (problem: string) => problem.startsWith(`${file} `) || problem.startsWith(`${file}:`);
  if (!error.problems.some(own)) return error.message;
  return error.problems
    .map((problem) => {
      if (!own(problem)) return `  - ${problem}`;
      const local = problem.slice(file.length).replace(/^( line \d+)?: /, "");
      const match = /^workspaces\[0\](?:\.(\w+)(?:\[\d+\])?)?: (.*)$/s.exec(local);
      if (match === null) return `  - ${local}`;
      const [, key, message = ""] = match;
      const flag = key === undefined ? "--name" : (FLAG_OF_KEY[key] ?? key);
      return `  - ${flag}: ${message.replace(/^is required \(a string\)/, "is required")}`;
    })
    .join("\n");
}

/** Whether the synth now reads the config directory `dir`, and if not, how to make it. */
function whatTheSynthReads(dir: string, env: NodeJS.ProcessEnv): string {
  const named = env.TRUST_CONFIG?.trim();
  if (resolve(configPathFromEnv({ TRUST_CONFIG: named })) === resolve(dir)) {
    return named
      ? `the synth reads ${dir}: TRUST_CONFIG names it`
      : `the synth reads ${dir}: there is no ${DEFAULT_CONFIG_PATH} and TRUST_CONFIG is not set`;
  }
  const byDefault =
    resolve(dir) === resolve(DEFAULT_CONFIG_DIR) ? ` or there is no ${DEFAULT_CONFIG_PATH}` : "";
  return `the synth reads ${dir} only when TRUST_CONFIG names it${byDefault}${named ? ` (it names ${named} now)` : ""}: TRUST_CONFIG=${dir} npx cdktf synth`;
}

if (require.main === module) runCli(runAddWorkspace);
