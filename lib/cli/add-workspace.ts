import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { ConfigError, locatePath, parseConfigFiles } from "../config/load";
import { checkRules, formatFinding } from "../rules/engine";
import { type Io, runCli } from "./io";

const USAGE = `Usage: npm run add-workspace -- --name NAME --project PROJECT [--account ACCOUNT] [--policy ARN ...] [--create] [--dir DIR]

Adds one workspace to a config directory as a file of its own, DIR/NAME.yaml, after checking that
the whole config (with the new file) is valid and safe. Nothing is written if it is not.

  --name NAME       the HCP Terraform workspace
  --project PROJECT its project
  --account ACCOUNT its AWS account (required when the config has several)
  --policy ARN      a managed policy to attach; repeat for more
  --create          create the workspace, instead of looking up an existing one
  --dir DIR         the config directory (default: TRUST_CONFIG, which must then name a directory)

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
  const dir = values.dir ?? env.TRUST_CONFIG;
  if (values.name === undefined) return usage("--name is required");
  if (values.project === undefined) return usage("--project is required");
  if (values.policy === undefined || values.policy.length === 0)
    return usage("give at least one --policy ARN");
  if (dir === undefined || dir === "")
    return usage("give --dir, or set TRUST_CONFIG to the config directory");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return usage(
      `${JSON.stringify(dir)} is not a directory; add-workspace writes one file per workspace into a config directory`,
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
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => ({ source: join(dir, name), text: readFileSync(join(dir, name), "utf8") }));
  try {
    const config = parseConfigFiles(
      [...files, { source: file, text }].sort((a, b) => a.source.localeCompare(b.source)),
    );
    const { errors } = checkRules(config);
    if (errors.length > 0)
      throw new ConfigError(
        [
          "Unsafe config:",
          ...errors.map((f) => `  - ${formatFinding(f, (path) => locatePath(config, path))}`),
        ].join("\n"),
      );
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`add-workspace: not written, the config would be refused:\n${error.message}`);
      return 1;
    }
    throw error;
  }
  writeFileSync(file, text);
  io.out(`wrote ${file}`);
  return 0;
}

if (require.main === module) runCli(runAddWorkspace);
