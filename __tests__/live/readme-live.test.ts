import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runAdopt } from "../../lib/live/adopt";
import { parseAdoption } from "../../lib/live/adoption-file";
import { runDoctor } from "../../lib/live/doctor";
import { deploy } from "./deployed";
import {
  ACCOUNT,
  AUDIENCE,
  capture,
  FAST,
  HOST,
  handMadeTrust,
  startWorld,
  stopWorld,
  subOf,
  type World,
} from "./world";

const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

/** The text of a README section, from its heading to the next heading of the same level. */
function section(heading: string): string {
  const start = README.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const level = heading.split(" ")[0] ?? "";
  const next = README.indexOf(`\n${level} `, start + heading.length);
  return README.slice(start, next < 0 ? undefined : next);
}

/** The fenced blocks of a language in a text, indentation removed. */
function blocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp(`( *)\`\`\`${language}\\n([\\s\\S]*?)\\1\`\`\``, "g"))].map(
    ([, indent = "", body = ""]) =>
      body
        .split("\n")
        .map((line) => line.slice(indent.length))
        .join("\n")
        .trimEnd(),
  );
}

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await stopWorld(world);
});

describe("the README's walkthrough of moving a hand-made setup under the app", () => {
  const walkthrough = section("## Moving a hand-made setup under the app");
  const [config = ""] = blocks(walkthrough, "yaml");
  const [adoptRun = "", conflictRun = ""] = blocks(walkthrough, "text");

  /** The setup the walkthrough starts from: the seeds' console steps. */
  function handMade() {
    world.aws.provider(ACCOUNT, HOST, [AUDIENCE]);
    world.aws.role(ACCOUNT, {
      name: "terraform-cloud-sts-assumption-role",
      trust: handMadeTrust(subOf("my-app")),
      attached: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    });
    const ws = world.hcp.workspace("my-app");
    ws.vars.push(
      world.hcp.variable("TFC_AWS_PROVIDER_AUTH", "true"),
      world.hcp.variable(
        "TFC_AWS_RUN_ROLE_ARN",
        `arn:aws:iam::${ACCOUNT}:role/terraform-cloud-sts-assumption-role`,
      ),
    );
    return ws;
  }

  async function adopt() {
    const path = join(world.dir, "trust.yaml");
    writeFileSync(path, config);
    const io = capture();
    const status = await runAdopt(["--config", path], io, world.env, FAST);
    return {
      status,
      stdout: io
        .stdout()
        .replaceAll(join(world.dir, "trust.imports.json"), "trust.imports.json")
        .replaceAll(join(world.dir, "trust.pins.json"), "trust.pins.json"),
    };
  }

  it("prints what adopt prints for that setup", async () => {
    handMade();
    const { status, stdout } = await adopt();
    expect(status).toBe(0);
    expect(`$ npm run adopt\n${stdout}`).toBe(adoptRun);
  });

  it("shows the conflict adopt reports for a variable with another value", async () => {
    const ws = handMade();
    const run = ws.vars[1];
    if (run !== undefined) run.value = `arn:aws:iam::${ACCOUNT}:role/old-role`;
    const { status, stdout } = await adopt();
    expect(status).toBe(1);
    expect(conflictRun).toMatch(/^Conflicts \(not adopted; 1\):/);
    expect(stdout).toContain(conflictRun);
  });
});

describe("the README's doctor section", () => {
  it("prints what doctor prints for the drift it describes", async () => {
    const config = {
      hcp: { organization: "acme" },
      aws: { region: "us-east-1", accountId: ACCOUNT },
      workspaces: [
        {
          name: "networking-prod",
          project: "Default Project",
          policyArns: ["arn:aws:iam::aws:policy/AmazonVPCFullAccess"],
        },
        {
          name: "app-billing-prod",
          project: "Billing",
          policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        },
        {
          name: "old-app",
          project: "Default Project",
          policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        },
      ],
    };
    deploy(world, config);
    world.hcp.workspaces = world.hcp.workspaces.filter((w) => w.name !== "old-app");
    const set = world.hcp.varset("org-defaults", { global: true, priority: true });
    set.vars.push(
      world.hcp.variable("TFC_AWS_RUN_ROLE_ARN", `arn:aws:iam::${ACCOUNT}:role/legacy-terraform`),
    );
    const io = capture();
    const status = await runDoctor(["--config", world.config(config)], io, world.env, FAST);
    expect(status).toBe(1);
    const [shown = ""] = blocks(
      section("### Doctor: is what is live what the config says?"),
      "text",
    );
    expect(`$ npm run doctor\n${io.stdout()}`).toBe(shown);
  });
});

describe("the README's adoption file", () => {
  it("shows a file that the app reads", () => {
    const [example = ""] = blocks(section("### The adoption file"), "json");
    expect(() => parseAdoption(example)).not.toThrow();
    expect(Object.keys(parseAdoption(example).variableSets ?? {})).toEqual(["hcp-aws-trust: Apps"]);
  });

  it("no longer advises deleting a variable that exists, which takes runs down", () => {
    expect(README).not.toMatch(/Delete the variable in the workspace's settings/);
    expect(section("### Common errors")).toContain("`tfe_variable`: `Key has already been taken`");
    expect(section("### Common errors")).toMatch(/Key has already been taken[^\n]*npm run adopt/);
  });
});
