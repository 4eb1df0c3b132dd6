import { appendFileSync, copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runExplain } from "../lib/cli/explain";
import { formatDifference, subjectDifferences, subjectProblem } from "../lib/run-subject";
import { recordSynth, synthToDir, tempDir } from "./helpers/synth";

const ROOT = join(__dirname, "..");
const sub = (project: string, ws: string, phase = "plan") =>
  `organization:acme-corp:project:${project}:workspace:${ws}:run_phase:${phase}`;

/** examples/project-roles.yaml: project Apps with a project-wide role, apps-billing with its own. */
let outdir: string;
let config: string;

beforeAll(() => {
  config = join(tempDir("config-"), "trust.yaml");
  copyFileSync(join(ROOT, "examples", "project-roles.yaml"), config);
  outdir = synthToDir(readFileSync(config, "utf8"));
  recordSynth(outdir, config, { status: "ok", warnings: [] });
});

function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = runExplain([...args, "--out", outdir], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { status, stdout: out.join("\n"), stderr: err.join("\n") };
}

describe("a token's sub, checked before anything is read", () => {
  it.each([
    [
      "a word",
      "x",
      "expected organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:PHASE",
    ],
    [
      "fields in another order",
      "organization:acme:workspace:w:project:p:run_phase:plan",
      'got the fields "organization:workspace:project:run_phase"',
    ],
    [
      "an empty project",
      "organization:acme:project::workspace:w:run_phase:plan",
      "the project field",
    ],
    ["a run phase in capitals", sub("Apps", "w", "Plan"), 'run_phase "Plan"'],
  ])("refuses %s, saying what is wrong and the form expected (exit 2)", (_, given, message) => {
    const { status, stdout, stderr } = run("--sub", given);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^explain: --sub: /);
    expect(stderr).toContain(message);
  });

  it.each([
    ["a run's", sub("Apps", "w")],
    ["a module test run's", "organization:acme:module:vpc:operation:test_run"],
    ["a Stacks deployment's", "organization:acme:project:p:stack:s:deployment:prod:operation:plan"],
  ])("accepts %s sub", (_, given) => {
    expect(subjectProblem(given)).toBeUndefined();
  });
});

describe("the differences between a sub and a role's pattern", () => {
  it("names the one field that differs, and says when only the case does", () => {
    const pattern = sub("Payments", "api", "*");
    const differences = subjectDifferences(pattern, sub("payments", "api"));
    expect(differences?.map(formatDifference)).toEqual([
      'project: expected "Payments", got "payments" (names are case-sensitive)',
    ]);
  });

  it("lets a * field admit anything, and compares the others exactly", () => {
    expect(subjectDifferences(sub("*", "api", "*"), sub("Any", "api"))).toEqual([]);
    expect(subjectDifferences(sub("*", "api", "*"), sub("Any", "api2"))).toHaveLength(1);
  });
});

describe("explain's summary", () => {
  it("comes first: the roles that admit the token, before any listing", () => {
    const { status, stdout } = run("--sub", sub("Apps", "apps-billing"));
    expect(status).toBe(0);
    const lines = stdout.split("\n");
    const head = lines.indexOf("2 of 4 roles admit this token:");
    expect(head).toBeGreaterThan(0);
    expect(lines.slice(head + 1, head + 3).map((l) => l.trim().split(" ")[0])).toEqual([
      "tfc-acme-corp-project-Apps",
      "tfc-acme-corp-apps-billing",
    ]);
    expect(stdout).not.toMatch(/^(ALLOWED|denied) /m);
  });

  it("names, for a near miss, the closest roles and the one field that differs", () => {
    const { status, stdout } = run("--sub", sub("apps", "apps-billing"));
    expect(status).toBe(1);
    expect(stdout).toContain("No role admits this token (0 of 4 roles).\nClosest:\n");
    const closest = stdout.slice(stdout.indexOf("Closest:"));
    expect(closest).toMatch(
      /^ {2}tfc-acme-corp-project-Apps .*\n {4}project: expected "Apps", got "apps" \(names are case-sensitive\)$/m,
    );
  });

  it("says which role the run uses when several admit it: the workspace's own variable wins", () => {
    const { stdout } = run("--sub", sub("Apps", "apps-billing"));
    expect(stdout).toContain(
      "The plan of workspace apps-billing uses, by HCP Terraform's variable precedence over what this synth writes:\n  default configuration: tfc-acme-corp-apps-billing  (TFC_AWS_RUN_ROLE_ARN on workspace apps-billing, admits)",
    );
    expect(stdout).toContain("a priority or global variable set made outside this app");
  });

  it("says a workspace without variables of its own uses its project's variable set", () => {
    const { status, stdout } = run("--sub", sub("Apps", "apps-web", "apply"));
    expect(status).toBe(0);
    expect(stdout).toContain(
      '  default configuration: tfc-acme-corp-project-Apps  (TFC_AWS_RUN_ROLE_ARN in variable set "hcp-aws-trust: Apps" (project-scoped) of project Apps, admits)',
    );
  });

  it("lists only the roles --role and --workspace name, with their checks", () => {
    const byRole = run("--sub", sub("Apps", "apps-web"), "--role", "tfc-acme-corp-apps-billing");
    expect(byRole.stdout.match(/^(ALLOWED|denied) .*$/gm)).toEqual([
      'denied   tfc-acme-corp-apps-billing  (hcp-aws-trust-default.Apps: aws_iam_role.roles["ws_apps-billing"], a workspace run role)',
    ]);
    const byWorkspace = run("--sub", sub("Apps", "apps-billing"), "--workspace", "apps-billing");
    expect(byWorkspace.stdout.match(/^(ALLOWED|denied) +\S+/gm)).toEqual([
      "ALLOWED  tfc-acme-corp-project-Apps",
      "ALLOWED  tfc-acme-corp-apps-billing",
    ]);
    const none = run("--sub", sub("Apps", "apps-web"), "--role", "tfc-nope");
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("explain: no role of the synth matches --role tfc-nope");
  });

  it("gives the summary in --json too", () => {
    const { stdout } = run("--sub", sub("apps", "apps-billing"), "--json");
    const json = JSON.parse(stdout);
    expect(json.allowed).toBe(0);
    expect(json.closest[0]).toMatchObject({
      roleName: "tfc-acme-corp-project-Apps",
      differences: ['project: expected "Apps", got "apps" (names are case-sensitive)'],
    });
    expect(json.effective).toEqual([
      {
        role: 'hcp-aws-trust-default.Apps aws_iam_role.roles["ws_apps-billing"]',
        value: "tfc-acme-corp-apps-billing",
        from: "TFC_AWS_RUN_ROLE_ARN on workspace apps-billing",
      },
    ]);
    expect(json.synth.source).toMatch(/^made from .*trust\.yaml at /);
  });
});

describe("explain and the synth it reads", () => {
  it("names the config and time of the synth", () => {
    const { stdout, stderr } = run("--sub", sub("Apps", "apps-billing"));
    expect(stdout).toMatch(/^Synth made from .*trust\.yaml at \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/m);
    expect(stderr).toBe("");
  });

  it("says when the config changed since, and refuses the output of a failed synth", () => {
    const dir = synthToDir(readFileSync(config, "utf8"));
    const copy = join(tempDir("config-"), "trust.yaml");
    copyFileSync(config, copy);
    recordSynth(dir, copy, { status: "ok", warnings: [] });
    appendFileSync(copy, "# edited\n");
    const at = (d: string) => {
      const err: string[] = [];
      const status = runExplain(["--sub", sub("Apps", "apps-billing"), "--out", d], {
        out: () => {},
        err: (l) => err.push(l),
      });
      return { status, stderr: err.join("\n") };
    };
    const stale = at(dir);
    expect(stale.status).toBe(0);
    expect(stale.stderr).toMatch(/^explain: the config .*trust\.yaml changed since this synth/);
    recordSynth(dir, copy, { status: "failed", warnings: [], error: "bad" });
    const failed = at(dir);
    expect(failed.status).toBe(2);
    expect(failed.stderr).toMatch(/^explain: the last synth, of .*trust\.yaml at .*, failed/);
  });
});

describe("explain with tagged credentials", () => {
  it("says which role each configuration of the run uses: the default one and each tag", () => {
    const dir = synthToDir(readFileSync(join(ROOT, "examples", "tagged.yaml"), "utf8"));
    const out: string[] = [];
    const status = runExplain(["--sub", sub("Platform", "multi", "apply"), "--out", dir], {
      out: (l) => out.push(l),
      err: () => {},
    });
    expect(status).toBe(0);
    const text = out.join("\n");
    expect(text).toContain(
      "  default configuration: none (TFC_AWS_PROVIDER_AUTH is not set)\n  tag PROD: tfc-acme-corp-multi-PROD  (TFC_AWS_RUN_ROLE_ARN_PROD on workspace multi, admits)\n  tag SHARED: tfc-acme-corp-multi-SHARED-apply  (TFC_AWS_APPLY_ROLE_ARN_SHARED on workspace multi, admits)",
    );
  });
});
