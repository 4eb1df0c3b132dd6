import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runDeploy } from "../lib/cli/deploy";
import type { Io } from "../lib/cli/io";
import {
  DeployError,
  type DeployRunner,
  deployStacks,
  membersOfAddresses,
  type SynthStack,
  type SynthView,
} from "../lib/deploy";
import { deployRecordPathFor, readDeployRecord, writeDeployRecord } from "../lib/deploy-record";
import { type DeployRecord, emptyRecord } from "../lib/plan/deployed";
import { RESOURCES } from "../lib/plan/members";
import { recordSynth, synthToDir, tempDir } from "./helpers/synth";

const ROLE = RESOURCES.role;
const BASE = "hcp-aws-trust-prod";
const APPS = "hcp-aws-trust-prod.Apps";
const TOOLS = "hcp-aws-trust-prod.Tools";

const stack = (name: string, extra: Partial<SynthStack> = {}): SynthStack => ({
  name,
  account: "prod",
  kind: name === BASE ? "base" : "project",
  dependencies: name === BASE ? [] : [BASE],
  members: name === BASE ? {} : { [ROLE]: { [`ws_${name.split(".")[1]}`]: "ref" } },
  digest: (name === BASE ? "b" : name === APPS ? "a" : "c").repeat(64),
  awaited: false,
  ...extra,
});

/** A runner that records what it was asked, and fails the stacks named in `failing`. */
function fakeRunner(options: { failing?: string[]; state?: string[] | undefined } = {}) {
  const calls: string[] = [];
  const runner: DeployRunner = {
    deploy: (name) => {
      calls.push(`deploy ${name}`);
      return !(options.failing ?? []).includes(name);
    },
    stateAddresses: (name) => {
      calls.push(`state ${name}`);
      return options.state;
    },
    synth: () => {
      calls.push("synth");
      return true;
    },
  };
  return { runner, calls };
}

function run(
  view: SynthView | (() => SynthView),
  stacks: readonly string[] | "all",
  runner: DeployRunner,
  record: DeployRecord | "none" = emptyRecord(),
  finish = true,
) {
  const saved: DeployRecord[] = [];
  const lines: string[] = [];
  const result = deployStacks({
    stacks,
    record: record === "none" ? undefined : record,
    recordPath: "trust.deployed.json",
    runner,
    read: typeof view === "function" ? view : () => view,
    save: (r) => saved.push(r),
    say: (line) => lines.push(line),
    finish,
  });
  return { result, saved, lines };
}

describe("deploying stacks", () => {
  const view: SynthView = { stacks: [stack(APPS), stack(BASE), stack(TOOLS)], relocations: [] };

  it("deploys the stacks asked for, each after the ones it depends on, and records each as it succeeds", () => {
    const { runner, calls } = fakeRunner();
    const { result, saved } = run(view, "all", runner);
    expect(calls).toEqual([`deploy ${BASE}`, `deploy ${APPS}`, `deploy ${TOOLS}`]);
    expect(saved).toHaveLength(3);
    expect(result.ok).toBe(true);
    expect(result.record.stacks[APPS]).toEqual({
      account: "prod",
      kind: "project",
      members: { [ROLE]: { ws_Apps: "ref" } },
      digest: "a".repeat(64),
      deployed: 2,
    });
  });

  it("deploys only the named stacks, without the ones they depend on", () => {
    const { runner, calls } = fakeRunner();
    run(view, [TOOLS], runner);
    expect(calls).toEqual([`deploy ${TOOLS}`]);
  });

  it("refuses to start without a record unless it deploys every stack, and refuses a stack the synth has not", () => {
    const { runner, calls } = fakeRunner();
    expect(() => run(view, [APPS], runner, "none")).toThrow(
      /no deploy record yet \(trust\.deployed\.json\): the first deploy deploys every stack.*npm run deploy -- --all/,
    );
    expect(() => run(view, ["hcp-aws-trust-prod.Nope"], runner)).toThrow(DeployError);
    expect(calls).toEqual([]);
  });

  it("stops at a failed stack and records what its state lists", () => {
    const { runner, calls } = fakeRunner({
      failing: [APPS],
      state: [
        'aws_iam_role.roles["ws_Apps"]',
        'aws_iam_role.roles["ws_x"]',
        "data.aws_partition.current",
      ],
    });
    const { result, lines } = run(view, "all", runner);
    expect(calls).toEqual([`deploy ${BASE}`, `deploy ${APPS}`, `state ${APPS}`]);
    expect(result.ok).toBe(false);
    expect(result.record.stacks[APPS]?.members).toEqual({ [ROLE]: { ws_Apps: "ref", ws_x: "" } });
    expect(result.record.stacks[APPS]?.attempted).toBe(2);
    expect(lines.at(-1)).toMatch(/failed; the record holds what its state holds now/);
  });

  it("marks a failed stack whose state cannot be read unverified, keeping what it held", () => {
    const { runner } = fakeRunner({ failing: [APPS], state: undefined });
    const before = run(view, "all", fakeRunner().runner).result.record;
    const { result, lines } = run(view, [APPS], runner, before);
    expect(result.record.stacks[APPS]?.unverified).toBe(true);
    expect(result.record.stacks[APPS]?.members).toEqual(before.stacks[APPS]?.members);
    expect(lines.at(-1)).toMatch(/could not be read.*unverified/);
  });

  it("starting a record, a failure leaves no stack unknown: the ones not reached are read, or marked unverified", () => {
    const calls: string[] = [];
    const runner: DeployRunner = {
      deploy: (name) => name !== APPS,
      stateAddresses: (name) => {
        calls.push(name);
        return name === TOOLS ? ['aws_iam_role.roles["ws_Tools"]'] : undefined;
      },
      synth: () => true,
    };
    const { result } = run(
      { stacks: [stack(BASE), stack(APPS), stack(TOOLS), stack(`${BASE}.Data`)], relocations: [] },
      "all",
      runner,
      "none",
    );
    expect(calls).toEqual([APPS, TOOLS, `${BASE}.Data`]);
    expect(result.record.stacks[TOOLS]).toEqual({
      account: "prod",
      kind: "project",
      members: { [ROLE]: { ws_Tools: "ref" } },
    });
    expect(result.record.stacks[`${BASE}.Data`]).toMatchObject({
      members: { [ROLE]: { ws_Data: "ref" } },
      unverified: true,
    });
  });

  it("deploys the stack a synth without a record imports a member into before the stack that forgets it", () => {
    const { runner, calls } = fakeRunner();
    const legacy: SynthView = {
      stacks: [stack(BASE), stack(APPS), stack(TOOLS)],
      relocations: [
        {
          resource: ROLE,
          key: "ws_a",
          ref: "tfc-a",
          from: APPS,
          to: TOOLS,
          phase: "forget",
          imports: true,
        },
      ],
    };
    run(legacy, "all", runner, "none", false);
    expect(calls).toEqual([`deploy ${BASE}`, `deploy ${TOOLS}`, `deploy ${APPS}`]);
  });

  it("reads a member forgotten part way (at its departed address) as still held", () => {
    const moving: SynthView = {
      stacks: [stack(APPS, { members: {} })],
      relocations: [
        {
          resource: ROLE,
          key: "ws_a",
          ref: "tfc-a",
          from: APPS,
          to: TOOLS,
          phase: "forget",
          imports: false,
        },
      ],
    };
    const members = membersOfAddresses(
      ["aws_iam_role.departed_roles_ws_a"],
      moving.stacks[0] as SynthStack,
      moving,
      undefined,
    );
    expect(members).toEqual({ [ROLE]: { ws_a: "" } });
  });

  it("with members on their way, synthesizes again and deploys what changed or is awaited, until nothing is", () => {
    const moving: SynthView = {
      stacks: [stack(BASE), stack(APPS), stack(TOOLS)],
      relocations: [
        {
          resource: ROLE,
          key: "ws_a",
          ref: "tfc-a",
          from: APPS,
          to: TOOLS,
          phase: "keep",
          imports: true,
        },
      ],
    };
    // After the first synth again, Apps changed (it forgets) and Tools is awaited; then all is done.
    const views: SynthView[] = [
      moving,
      {
        stacks: [
          stack(BASE),
          stack(APPS, { digest: "d".repeat(64) }),
          stack(TOOLS, { awaited: true }),
        ],
        relocations: [
          {
            ...(moving.relocations[0] as SynthView["relocations"][0]),
            phase: "forget",
            imports: false,
          },
        ],
      },
      {
        stacks: [stack(BASE), stack(APPS, { digest: "d".repeat(64) }), stack(TOOLS)],
        relocations: [],
      },
    ];
    let read = 0;
    const { runner, calls } = fakeRunner();
    const { result } = run(
      () => views[Math.min(read++, views.length - 1)] as SynthView,
      "all",
      runner,
    );
    expect(calls).toEqual([
      `deploy ${BASE}`,
      `deploy ${APPS}`,
      `deploy ${TOOLS}`,
      "synth",
      `deploy ${APPS}`,
      `deploy ${TOOLS}`,
      "synth",
    ]);
    expect(result).toMatchObject({ ok: true, settled: true });
  });

  it("with --once, leaves the moves to a later synth and deploy, and says so", () => {
    const moving: SynthView = {
      stacks: [stack(APPS)],
      relocations: [
        {
          resource: ROLE,
          key: "ws_a",
          ref: "tfc-a",
          from: APPS,
          to: TOOLS,
          phase: "keep",
          imports: true,
        },
      ],
    };
    const { runner, calls } = fakeRunner();
    const { result, lines } = run(moving, [APPS], runner, emptyRecord(), false);
    expect(calls).toEqual([`deploy ${APPS}`]);
    expect(result.settled).toBe(false);
    expect(lines.at(-1)).toMatch(/on their way between stacks: synthesize and deploy again/);
  });
});

describe("npm run deploy", () => {
  /** A synth of a config file, as `npm run synth` leaves it. */
  function synthesized(projects: readonly string[]) {
    const dir = tempDir("deploy-cli-");
    const configPath = join(dir, "trust.yaml");
    const config = {
      hcp: { organization: "acme" },
      aws: { region: "us-east-1", accountId: "111122223333" },
      workspaces: projects.map((project, n) => ({
        name: `ws${n}`,
        project,
        policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
      })),
    };
    writeFileSync(configPath, stringify(config));
    const outdir = synthToDir(config);
    recordSynth(outdir, configPath, { status: "ok", warnings: [] });
    return { dir, configPath, outdir };
  }

  function cli(argv: string[], runner = fakeRunner()) {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l) };
    const given: Array<{ outdir: string; extra: readonly string[] }> = [];
    const status = runDeploy(argv, io, {
      env: {},
      runner: (outdir, extra) => {
        given.push({ outdir, extra });
        return runner.runner;
      },
    });
    return { status, out, err, given, calls: runner.calls };
  }

  it("deploys every stack of the synth, and writes the record beside the config", () => {
    const { configPath, outdir } = synthesized(["Apps", "Tools"]);
    const { status, out, given, calls } = cli([
      "--all",
      "--out",
      outdir,
      "--",
      "--parallelism",
      "2",
    ]);
    expect(status).toBe(0);
    expect(calls).toEqual([
      "deploy hcp-aws-trust-default",
      "deploy hcp-aws-trust-default.Apps",
      "deploy hcp-aws-trust-default.Tools",
    ]);
    expect(given).toEqual([{ outdir, extra: ["--parallelism", "2"] }]);
    const path = deployRecordPathFor(configPath, {});
    expect(path).toBe(join(configPath, "..", "trust.deployed.json"));
    expect(out.at(-1)).toBe(
      `The deploy record changed: commit ${path} with the config and its lock.`,
    );
    const record = readDeployRecord(path);
    expect(record?.stacks["hcp-aws-trust-default.Apps"]?.members).toEqual({
      [ROLE]: { ws_ws0: "tfc-acme-ws0" },
      [RESOURCES.attachment]: {
        ws_ws0_ReadOnlyAccess: "tfc-acme-ws0/arn:aws:iam::aws:policy/ReadOnlyAccess",
      },
      [RESOURCES.variable]: {
        ws_ws0_TFC_AWS_PROVIDER_AUTH: "workspace:ws0:TFC_AWS_PROVIDER_AUTH",
        ws_ws0_TFC_AWS_RUN_ROLE_ARN: "workspace:ws0:TFC_AWS_RUN_ROLE_ARN",
      },
    });
    expect(record?.stacks["hcp-aws-trust-default.Apps"]?.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("exits 1 when a stack's deploy fails, with what was deployed before it recorded", () => {
    const { configPath, outdir } = synthesized(["Apps"]);
    const { status } = cli(
      ["--all", "--out", outdir],
      fakeRunner({ failing: ["hcp-aws-trust-default.Apps"], state: [] }),
    );
    expect(status).toBe(1);
    const record = readDeployRecord(deployRecordPathFor(configPath, {}));
    expect(record?.stacks["hcp-aws-trust-default"]?.deployed).toBe(1);
    expect(record?.stacks["hcp-aws-trust-default.Apps"]?.attempted).toBe(2);
  });

  it("refuses, deploying nothing, what it cannot do as asked", () => {
    const { configPath, outdir } = synthesized(["Apps"]);
    const none = cli(["--out", outdir]);
    expect([none.status, none.err[0]]).toEqual([
      2,
      expect.stringMatching(/name the stacks to deploy, or --all/),
    ]);
    const both = cli(["--all", "hcp-aws-trust-default", "--out", outdir]);
    expect(both.status).toBe(2);
    const first = cli(["hcp-aws-trust-default.Apps", "--out", outdir]);
    expect([first.status, first.err[0]]).toEqual([
      2,
      expect.stringMatching(/no deploy record yet/),
    ]);
    const missing = cli(["--all", "--out", join(tempDir("empty-"), "cdktf.out")]);
    expect([missing.status, missing.err[0]]).toEqual([
      2,
      expect.stringMatching(/holds no synth of this app/),
    ]);
    writeFileSync(configPath, stringify({ hcp: { organization: "changed" } }));
    const stale = cli(["--all", "--out", outdir]);
    expect([stale.status, stale.err[0]]).toEqual([
      2,
      expect.stringMatching(/changed since this synth/),
    ]);
    for (const attempt of [none, both, first, missing, stale]) expect(attempt.calls).toEqual([]);
    expect(existsSync(deployRecordPathFor(configPath, {}))).toBe(false);
  });

  it("deploys named stacks once a record exists; refuses a record it cannot read", () => {
    const { configPath, outdir } = synthesized(["Apps", "Tools"]);
    const path = deployRecordPathFor(configPath, {});
    writeDeployRecord(path, emptyRecord());
    const named = cli(["hcp-aws-trust-default.Tools", "--out", outdir]);
    expect([named.status, named.calls]).toEqual([0, ["deploy hcp-aws-trust-default.Tools"]]);
    writeFileSync(path, "{");
    const broken = cli(["--all", "--out", outdir]);
    expect([broken.status, broken.err[0]]).toEqual([2, expect.stringMatching(/is not valid JSON/)]);
  });
});
