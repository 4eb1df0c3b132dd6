import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runAdopt } from "../../lib/live/adopt";
import { runDoctor } from "../../lib/live/doctor";
import { pinsPathFor, readPins } from "../../lib/pins-file";
import type { Pins } from "../../lib/plan/pins";
import { synthStacksRaw } from "../helpers/synth";
import { BuiltinWorkdir, resolveReferences, terraformVersion, twinOf } from "../terraform/builtin";
import { deploy } from "./deployed";
import { ACCOUNT, capture, configWith, FAST, startWorld, stopWorld, type World } from "./world";

const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/tfc-acme-app`;

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await stopWorld(world);
});

const config = configWith(
  [
    { name: "app", project: "Default Project", policyArns: [READ_ONLY] },
    { name: "web", policyArns: [READ_ONLY] },
  ],
  {
    stacks: [{ name: "net", project: "Platform", deployments: ["prod"], policyArns: [READ_ONLY] }],
  },
);

async function doctor(...args: string[]) {
  const path = world.config(config);
  const io = capture();
  const status = await runDoctor(["--config", path, ...args], io, world.env, FAST);
  return { status, stdout: io.stdout(), stderr: io.stderr(), path };
}

/** Deploys the config, with its Stack, and pins what is live. */
async function deployedAndPinned(): Promise<Pins> {
  deploy(world, config);
  world.hcp.stack("net", "Platform");
  const pinned = await doctor("--pin");
  expect(pinned.status, pinned.stderr).toBe(0);
  const pins = readPins(pinsPathFor(pinned.path));
  if (pins === undefined) throw new Error("no pins written");
  return pins;
}

/** The findings of a doctor run, as JSON. */
async function findings() {
  const run = await doctor("--json");
  return {
    status: run.status,
    findings: JSON.parse(run.stdout).findings as Array<Record<string, unknown>>,
  };
}

describe("doctor --pin", () => {
  it("GIVEN a deploy WHEN pinning THEN it records the ID of every trusted name, reading HCP Terraform only, and prints them", async () => {
    deploy(world, config);
    world.hcp.stack("net", "Platform");
    const run = await doctor("--pin");
    expect(run.status).toBe(0);
    const app = world.hcp.workspaces.find((w) => w.name === "app");
    const pins = readPins(pinsPathFor(run.path));
    expect(pins).toEqual({
      version: 1,
      organization: "acme",
      hostname: "app.terraform.io",
      organizationId: world.hcp.externalId,
      projects: {
        "Default Project": world.hcp.project("Default Project").id,
        Platform: world.hcp.project("Platform").id,
      },
      workspaces: { app: app?.id, web: world.hcp.workspaces.find((w) => w.name === "web")?.id },
      stacks: { Platform: { net: world.hcp.stacks[0]?.id } },
    });
    expect(run.stdout).toContain(`  - workspace app: ${app?.id}`);
    expect(run.stdout).toContain(`  - organization acme: ${world.hcp.externalId}`);
    expect(world.aws.requests).toEqual([]);
    // Healthy once pinned.
    expect((await doctor()).status).toBe(0);
  });

  it("GIVEN a Stack that does not exist yet WHEN pinning THEN it says so and pins the rest", async () => {
    deploy(world, config);
    const run = await doctor("--pin");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Not found, so not pinned");
    expect(run.stdout).toContain('  - Stack net (project "Platform")');
  });
});

describe("doctor raises the alarm when a pinned name changes hands", () => {
  it("GIVEN a workspace deleted and created again WHEN running doctor THEN it reports it reclaimed, with the role's ARN and the fix", async () => {
    const pins = await deployedAndPinned();
    world.hcp.deleteWorkspace("app");
    const again = world.hcp.workspace("app");
    const { status, findings: found } = await findings();
    expect(status).toBe(1);
    expect(found).toContainEqual({
      severity: "error",
      code: "workspace-reclaimed",
      subject: "workspace app",
      threat: "reclaimed",
      roleArns: [ROLE_ARN],
      message: `is ${again.id} now, not ${pins.workspaces?.app} as pinned: it was deleted and created again, or renamed and its name reused; its runs can assume role ${ROLE_ARN} now, and the next deploy fails on the pin`,
      todo: expect.stringContaining('re-pin with "npm run doctor -- --pin"'),
    });
    // The README shows this finding as doctor prints it.
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    const shown = readme
      .split("\n")
      .filter((line) => line.startsWith("  - workspace app [workspace-reclaimed]"))
      .map((line) => {
        const next = readme.split("\n")[readme.split("\n").indexOf(line) + 1] ?? "";
        return `${line}\n${next}`;
      })[0];
    expect(shown).toBeDefined();
    const text = (await doctor()).stdout;
    expect(text).toContain(
      (shown ?? "")
        .replace("ws-Kq3dW8xJ2nB5vR7m", again.id)
        .replace("ws-8fZcT1pLr4Ya6GhE", pins.workspaces?.app ?? ""),
    );
  });

  it("GIVEN a workspace renamed and its name reused WHEN running doctor THEN it reports the name reclaimed", async () => {
    await deployedAndPinned();
    const old = world.hcp.workspaces.find((w) => w.name === "app");
    if (old !== undefined) old.name = "app-archived";
    world.hcp.workspace("app");
    const { status, findings: found } = await findings();
    expect(status).toBe(1);
    expect(found.map((f) => f.code)).toContain("workspace-reclaimed");
  });

  it("GIVEN a pinned workspace deleted WHEN running doctor THEN it reports the name reclaimable, once", async () => {
    await deployedAndPinned();
    world.hcp.deleteWorkspace("app");
    const { status, findings: found } = await findings();
    expect(status).toBe(1);
    const about = found.filter((f) => f.subject === "workspace app");
    expect(about).toEqual([
      expect.objectContaining({
        code: "workspace-reclaimable",
        threat: "reclaimable",
        roleArns: [ROLE_ARN],
      }),
    ]);
  });

  it("GIVEN a Stack deleted and created again WHEN running doctor THEN it reports it reclaimed", async () => {
    await deployedAndPinned();
    world.hcp.stacks = [];
    world.hcp.stack("net", "Platform");
    const { findings: found } = await findings();
    expect(found).toContainEqual(
      expect.objectContaining({
        code: "stack-reclaimed",
        subject: 'Stack net (project "Platform")',
        roleArns: [`arn:aws:iam::${ACCOUNT}:role/tfc-acme-stack-net-prod`],
      }),
    );
  });

  it("GIVEN the organization deleted WHEN running doctor THEN it reports its name reclaimable on app.terraform.io, with every role", async () => {
    await deployedAndPinned();
    world.hcp.organizationDeleted = true;
    const { status, findings: found } = await findings();
    expect(status).toBe(1);
    expect(found).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "organization-reclaimable",
        subject: "organization acme",
        threat: "reclaimable",
        roleArns: expect.arrayContaining([ROLE_ARN, `arn:aws:iam::${ACCOUNT}:role/tfc-acme-web`]),
        message: expect.stringContaining("on app.terraform.io anyone can register it"),
      }),
    ]);
  });

  it("GIVEN the organization's name held by another organization WHEN running doctor THEN it reports it reclaimed", async () => {
    await deployedAndPinned();
    world.hcp.externalId = "org-SomeoneElse0001";
    const { findings: found } = await findings();
    expect(found).toContainEqual(
      expect.objectContaining({ code: "organization-reclaimed", subject: "organization acme" }),
    );
  });

  it("GIVEN pins of another organization WHEN running doctor THEN it stops with a clear message", async () => {
    const pins = await deployedAndPinned();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      join(world.dir, "trust.pins.json"),
      JSON.stringify({ ...pins, organization: "evil" }),
    );
    const run = await doctor();
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('pins organization "evil"');
  });
});

describe("adopt records pins", () => {
  it("GIVEN existing workspaces WHEN adopting THEN it pins what it finds, and never replaces a pin", async () => {
    deploy(world, config);
    const path = world.config(config);
    const io = capture();
    expect(await runAdopt(["--config", path], io, world.env, FAST)).toBe(0);
    const pins = readPins(pinsPathFor(path));
    const app = world.hcp.workspaces.find((w) => w.name === "app");
    expect(pins?.workspaces?.app).toBe(app?.id);
    expect(pins?.organizationId).toBe(world.hcp.externalId);
    expect(io.stdout()).toContain(`Pinned in ${pinsPathFor(path)}`);

    world.hcp.deleteWorkspace("app");
    world.hcp.workspace("app");
    const again = capture();
    expect(await runAdopt(["--config", path], again, world.env, FAST)).toBe(1);
    expect(readPins(pinsPathFor(path))?.workspaces?.app).toBe(app?.id);
    expect(again.stdout()).toContain("workspace app: is");
  });
});

const terraform = terraformVersion();
describe.skipIf(terraform.missing !== undefined)("the deploy refuses what doctor reports", () => {
  it.each([
    [
      "deleted and created again",
      (w: World) => {
        w.hcp.deleteWorkspace("app");
        return w.hcp.workspace("app");
      },
    ],
    [
      "renamed, its name reused",
      (w: World) => {
        const old = w.hcp.workspaces.find((ws) => ws.name === "app");
        if (old !== undefined) old.name = "app-archived";
        return w.hcp.workspace("app");
      },
    ],
  ])(
    "GIVEN workspace app %s WHEN Terraform plans the synthesized lookup with what HCP Terraform answers THEN the plan fails on the pin",
    async (_, swap) => {
      const pins = await deployedAndPinned();
      const now = swap(world);
      const stacks = synthStacksRaw(config, undefined, pins) as unknown as Record<
        string,
        { data?: Record<string, Record<string, Record<string, unknown>>> }
      >;
      const lookup = Object.values(stacks).find((s) => s.data?.tfe_workspace?.workspaces)?.data
        ?.tfe_workspace?.workspaces;
      if (lookup === undefined) throw new Error("no workspace lookup");
      const live = Object.fromEntries(world.hcp.workspaces.map((w) => [w.name, w.id]));
      const projects = (reference: string) =>
        /^data\.tfe_project\.projects\[/.test(reference)
          ? (pins.projects?.["Default Project"] ?? "")
          : undefined;
      const dir = new BuiltinWorkdir().write({
        resource: {
          terraform_data: {
            workspaces: twinOf(resolveReferences(lookup, projects), {
              id: `\${lookup(${JSON.stringify(live)}, each.key)}`,
              project_id: pins.projects?.["Default Project"] ?? "",
            }),
          },
        },
      });
      expect(dir.init().status).toBe(0);
      const apply = dir.run("apply", "-auto-approve", "-input=false");
      expect(apply.status).toBe(1);
      expect(apply.output.replace(/\s+/g, " ")).toContain(
        `Workspace "app" is not the workspace its roles were made for: the pins file pins ${pins.workspaces?.app}, but the name now belongs to ${now.id}.`,
      );
    },
  );
});
