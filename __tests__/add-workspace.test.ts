import { cpSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAddWorkspace } from "../lib/cli/add-workspace";
import { loadConfig } from "../lib/config/load";
import { synth, tempDir } from "./helpers/synth";

const BOOTSTRAP = join(__dirname, "..", "examples", "bootstrap");
const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/** A fresh copy of the bootstrap example directory. */
function configDir(): string {
  const dir = tempDir("add-ws-");
  cpSync(BOOTSTRAP, dir, { recursive: true });
  return dir;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const status = runAddWorkspace(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
  return { status, stdout: out.join("\n"), stderr: err.join("\n") };
}

describe("npm run add-workspace", () => {
  it("writes one file for the workspace, and the config then synthesizes it with its role and variables", () => {
    const dir = configDir();
    const { status, stdout } = run([
      "--name",
      "billing-api",
      "--project",
      "Billing",
      "--policy",
      READ_ONLY,
      "--policy",
      "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
      "--create",
      "--dir",
      dir,
    ]);
    expect(status).toBe(0);
    expect(stdout).toBe(`wrote ${join(dir, "billing-api.yaml")}`);
    const { config } = loadConfig(dir);
    expect(config.workspaces?.find((ws) => ws.name === "billing-api")).toMatchObject({
      project: "Billing",
      create: true,
      policyArns: [READ_ONLY, "arn:aws:iam::aws:policy/AmazonSQSFullAccess"],
    });
    const stack = synth(
      readFileSync(join(dir, "00-shared.yaml"), "utf8") +
        readFileSync(join(dir, "billing-api.yaml"), "utf8").replace(/^#.*\n/, ""),
    );
    expect(Object.keys(stack.resource?.aws_iam_role ?? {})).toEqual(['roles["ws_billing-api"]']);
    expect(Object.keys(stack.resource?.tfe_workspace ?? {})).toEqual(['created["billing-api"]']);
  });

  it("takes the directory from TRUST_CONFIG", () => {
    const dir = configDir();
    expect(
      run(["--name", "x1", "--project", "Billing", "--policy", READ_ONLY], { TRUST_CONFIG: dir })
        .status,
    ).toBe(0);
    expect(existsSync(join(dir, "x1.yaml"))).toBe(true);
  });

  it("refuses a workspace the config has already, in any case, and writes nothing", () => {
    const dir = configDir();
    const before = readdirSync(dir).sort();
    const { status, stderr } = run([
      "--name",
      "PAYMENTS-API",
      "--project",
      "Payments",
      "--policy",
      READ_ONLY,
      "--dir",
      dir,
    ]);
    expect(status).toBe(1);
    expect(stderr).toContain(`"PAYMENTS-API" is also listed in ${join(dir, "payments-api.yaml")}`);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it("refuses an existing file", () => {
    const dir = configDir();
    const { status, stderr } = run([
      "--name",
      "payments-api",
      "--project",
      "Payments",
      "--policy",
      READ_ONLY,
      "--dir",
      dir,
    ]);
    expect(status).toBe(1);
    expect(stderr).toContain("payments-api.yaml exists already");
  });

  it.each([
    [
      ["--name", "app", "--project", "Payments", "--policy", "ReadOnlyAccess"],
      "is not a managed policy ARN",
    ],
    [["--name", "app", "--project", "Pay*", "--policy", READ_ONLY], "'*' would act as a wildcard"],
    [
      [
        "--name",
        "app",
        "--project",
        "Payments",
        "--policy",
        "arn:aws:iam::aws:policy/AdministratorAccess",
      ],
      "[admin-access-needs-opt-in]",
    ],
    [
      ["--name", "app", "--project", "Payments", "--account", "prod", "--policy", READ_ONLY],
      '"prod" is not an account of this config',
    ],
  ])("refuses %j, saying why, and writes nothing", (args, expected) => {
    const dir = configDir();
    const { status, stderr } = run([...args, "--dir", dir]);
    expect(status).toBe(1);
    expect(stderr).toContain(expected);
    expect(existsSync(join(dir, "app.yaml"))).toBe(false);
  });

  it.each([
    [["--project", "P", "--policy", READ_ONLY], "--name is required"],
    [["--name", "a", "--policy", READ_ONLY], "--project is required"],
    [["--name", "a", "--project", "Pay"], "give at least one --policy ARN"],
    [["--name", "a b", "--project", "Pay", "--policy", READ_ONLY], "a workspace name is letters"],
    [
      ["--name", "a", "--project", "Pay", "--policy", READ_ONLY, "--bogus"],
      "Unknown option '--bogus'",
    ],
  ])("exits 2 on %j", (args, expected) => {
    const { status, stderr } = run([...args, "--dir", configDir()]);
    expect(status).toBe(2);
    expect(stderr).toContain(expected);
  });

  it("exits 2 without a config directory", () => {
    // In the repository's folder, with neither --dir nor TRUST_CONFIG: the config is trust.yaml.
    expect(run(["--name", "a", "--project", "Pay", "--policy", READ_ONLY]).stderr).toContain(
      '"trust.yaml" is not a directory; add-workspace writes one file per workspace into a config directory (npm run add-workspace -- --init turns trust.yaml into the directory trust.d)',
    );
    expect(
      run(["--name", "a", "--project", "Pay", "--policy", READ_ONLY], {
        TRUST_CONFIG: join(__dirname, "..", "trust.yaml"),
      }).stderr,
    ).toContain("is not a directory");
  });
});

describe("npm run add-workspace -- --init", () => {
  /** A fresh clone's trust.yaml and schema, in a folder of their own. */
  function clone(): string {
    const dir = tempDir("clone-");
    cpSync(join(__dirname, "..", "trust.yaml"), join(dir, "trust.yaml"));
    cpSync(join(__dirname, "..", "trust.schema.json"), join(dir, "trust.schema.json"));
    return dir;
  }

  it("turns trust.yaml into trust.d, keeping the $schema reference right, so the README's command works", () => {
    const root = clone();
    const dir = join(root, "trust.d");
    const init = run(["--init", "--from", join(root, "trust.yaml"), "--dir", dir]);
    expect(init.status).toBe(0);
    expect(init.stdout).toContain(
      `moved ${join(root, "trust.yaml")} to ${join(dir, "00-shared.yaml")}`,
    );
    expect(existsSync(join(root, "trust.yaml"))).toBe(false);
    const shared = readFileSync(join(dir, "00-shared.yaml"), "utf8");
    const schema = /\$schema=(\S+)/.exec(shared)?.[1] ?? "";
    expect(schema).toBe("../trust.schema.json");
    expect(existsSync(join(dir, schema))).toBe(true);
    const added = run([
      "--name",
      "payments-api",
      "--project",
      "Payments",
      "--policy",
      "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
      "--create",
      "--dir",
      dir,
    ]);
    expect(added.status).toBe(0);
    expect(loadConfig(dir).config.workspaces?.map((ws) => ws.name)).toContain("payments-api");
  });

  it("refuses a folder that holds files already, and moves nothing", () => {
    const root = clone();
    const dir = configDir();
    const { status, stderr } = run(["--init", "--from", join(root, "trust.yaml"), "--dir", dir]);
    expect(status).toBe(1);
    expect(stderr).toContain("exists and is not empty");
    expect(existsSync(join(root, "trust.yaml"))).toBe(true);
  });
});
