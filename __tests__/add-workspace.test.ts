import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAddWorkspace } from "../lib/cli/add-workspace";
import { loadConfig } from "../lib/config/load";
import { lockPathFor, readLock } from "../lib/lock-file";
import { planTrust } from "../lib/plan";
import { lockOf } from "../lib/plan/lock";
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
      '--policy: "ReadOnlyAccess" is the name of an AWS managed policy, not its ARN; give its ARN: "arn:aws:iam::aws:policy/ReadOnlyAccess"',
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

  it("names the flag at fault, never the file it did not write: --account on a config of several accounts", () => {
    const dir = tempDir("add-ws-accounts-");
    writeFileSync(
      join(dir, "00-shared.yaml"),
      "hcp:\n  organization: acme\naccounts:\n  prod:\n    region: us-east-1\n  dev:\n    region: cn-north-1\n",
    );
    const args = ["--name", "api", "--project", "Apps", "--policy", READ_ONLY, "--dir", dir];
    const { status, stderr } = run(args);
    expect(status).toBe(1);
    expect(stderr).toBe(
      [
        "add-workspace: not written, the config would be refused:",
        "  - --account: is required: with several accounts, each entry names its own; one of prod, dev",
      ].join("\n"),
    );
    expect(readdirSync(dir)).toEqual(["00-shared.yaml"]);
    const bare = run([...args, "--account", "dev", "--policy", "AmazonDynamoDBFullAccess"]);
    expect(bare.stderr).toContain(
      '  - --policy: "AmazonDynamoDBFullAccess" is the name of an AWS managed policy, not its ARN; give its ARN: "arn:aws-cn:iam::aws:policy/AmazonDynamoDBFullAccess"',
    );
    expect(bare.stderr).not.toContain("api.yaml");
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

  it("moves the layout lock and the adoption file with the config, so the next synth is no first synth", () => {
    const root = clone();
    const lock = readFileSync(join(__dirname, "..", "trust.lock.json"), "utf8");
    const adoption =
      '{ "version": 1, "organization": "acme-corp", "hostname": "app.terraform.io" }\n';
    writeFileSync(join(root, "trust.lock.json"), lock);
    writeFileSync(join(root, "trust.imports.json"), adoption);
    const dir = join(root, "trust.d");
    const init = run(["--init", "--from", join(root, "trust.yaml"), "--dir", dir]);
    expect(init.status).toBe(0);
    expect(init.stdout).toContain(
      `moved ${join(root, "trust.lock.json")} to ${join(dir, "trust.lock.json")}`,
    );
    expect(init.stdout).toContain(
      `moved ${join(root, "trust.imports.json")} to ${join(dir, "trust.imports.json")}`,
    );
    expect(readdirSync(root).sort()).toEqual(["trust.d", "trust.schema.json"]);
    expect(readFileSync(join(dir, "trust.lock.json"), "utf8")).toBe(lock);
    expect(readFileSync(join(dir, "trust.imports.json"), "utf8")).toBe(adoption);
    // A workspace removed in the same change: its stack is still synthesized, empty, so the
    // deploy destroys its role.
    const shared = join(dir, "00-shared.yaml");
    writeFileSync(shared, readFileSync(shared, "utf8").replace(/ {2}- name: sandbox[\s\S]*$/, ""));
    const { config } = loadConfig(dir);
    expect(config.workspaces?.map((ws) => ws.name)).not.toContain("sandbox");
    const plan = planTrust(config, readLock(lockPathFor(dir, {})));
    expect(lockOf(plan).stacks["hcp-aws-trust-default.any.project"]).toMatchObject({
      empty: true,
    });
  });

  it("leaves the layout lock where TRUST_LOCK names it: the synth finds it there", () => {
    const root = clone();
    const lock = join(root, "trust.lock.json");
    writeFileSync(lock, "{}");
    const dir = join(root, "trust.d");
    const init = run(["--init", "--from", join(root, "trust.yaml"), "--dir", dir], {
      TRUST_LOCK: lock,
    });
    expect(init.status).toBe(0);
    expect(existsSync(lock)).toBe(true);
    expect(readdirSync(dir)).toEqual(["00-shared.yaml"]);
  });

  it("refuses a folder that holds a layout lock of its own, and moves nothing", () => {
    const root = clone();
    writeFileSync(join(root, "trust.lock.json"), "{}");
    const dir = join(root, "trust.d");
    const target = join(dir, "trust.lock.json");
    mkdirSync(dir);
    writeFileSync(target, "{}");
    const { status, stderr } = run(["--init", "--from", join(root, "trust.yaml"), "--dir", dir]);
    expect(status).toBe(1);
    expect(stderr).toContain(
      `${JSON.stringify(target)} exists already; --init would replace it with ${JSON.stringify(join(root, "trust.lock.json"))}`,
    );
    expect(existsSync(join(root, "trust.yaml"))).toBe(true);
    expect(existsSync(join(root, "trust.lock.json"))).toBe(true);
    expect(readdirSync(dir)).toEqual(["trust.lock.json"]);
  });

  it("says that a folder other than trust.d is read only through TRUST_CONFIG", () => {
    const root = clone();
    const dir = join(root, "prod.d");
    const { status, stdout } = run(["--init", "--from", join(root, "trust.yaml"), "--dir", dir]);
    expect(status).toBe(0);
    expect(stdout).not.toContain("when there is no trust.yaml");
    expect(stdout).toContain(
      `the synth reads ${dir} only when TRUST_CONFIG names it: TRUST_CONFIG=${dir} npx cdktf synth`,
    );
  });

  it("says that the synth reads trust.d once trust.yaml is gone, run as the README shows", () => {
    const root = clone();
    writeFileSync(join(root, "trust.lock.json"), "{}");
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", join(__dirname, "..", "lib", "cli", "add-workspace.ts"), "--init"],
      { cwd: root, env: { ...process.env, TRUST_CONFIG: "" }, encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(
      [
        `moved trust.yaml to ${join("trust.d", "00-shared.yaml")}`,
        `moved trust.lock.json to ${join("trust.d", "trust.lock.json")}`,
        "the synth reads trust.d: there is no trust.yaml and TRUST_CONFIG is not set",
        "",
      ].join("\n"),
    );
    expect(result.status).toBe(0);
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
