import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import {
  deployRecordPathFor,
  MAX_DEPLOY_RECORD_BYTES,
  readDeployRecord,
  writeDeployRecord,
} from "../../lib/deploy-record";
import { planTrust } from "../../lib/plan";
import { type DeployRecord, emptyRecord, recordDeploy } from "../../lib/plan/deployed";
import { lockOf } from "../../lib/plan/lock";
import { RESOURCES } from "../../lib/plan/members";
import { tempDir } from "../helpers/synth";

const ROLE = RESOURCES.role;
const VARIABLE = RESOURCES.variable;
const digest = (c: string) => c.repeat(64);

function writeRecord(data: unknown): string {
  const path = join(tempDir("record-"), "trust.deployed.json");
  writeFileSync(path, typeof data === "string" ? data : JSON.stringify(data));
  return path;
}

describe("the deploy record file", () => {
  it("refuses a key given twice, which JSON.parse would read as its last", () => {
    const path = join(tempDir("record-dup-"), "trust.deployed.json");
    writeFileSync(path, '{"version": 1, "deploys": 1, "deploys": 2, "stacks": {}}');
    expect(() => readDeployRecord(path)).toThrow("gives a key twice (line 1)");
  });

  it("refuses a link that leads nowhere instead of reading it as no record", () => {
    const dir = tempDir("record-link-");
    const path = join(dir, "trust.deployed.json");
    symlinkSync(join(dir, "gone.json"), path);
    expect(() => readDeployRecord(path)).toThrow("which does not exist");
  });

  it("lives beside the layout lock, named like it; TRUST_DEPLOYED overrides it", () => {
    const dir = tempDir("record-path-");
    expect(deployRecordPathFor(join(dir, "trust.yaml"), {})).toBe(join(dir, "trust.deployed.json"));
    expect(deployRecordPathFor(join(dir, "prod.yml"), {})).toBe(join(dir, "prod.deployed.json"));
    expect(deployRecordPathFor(dir, {})).toBe(join(dir, "trust.deployed.json"));
    expect(deployRecordPathFor(join(dir, "trust.yaml"), { TRUST_LOCK: "/x/y.lock.json" })).toBe(
      "/x/y.deployed.json",
    );
    expect(deployRecordPathFor(join(dir, "trust.yaml"), { TRUST_LOCK: "/x/layout.json" })).toBe(
      "/x/layout.deployed.json",
    );
    expect(
      deployRecordPathFor(join(dir, "trust.yaml"), {
        TRUST_LOCK: "/x/y.lock.json",
        TRUST_DEPLOYED: "/z/r.json",
      }),
    ).toBe("/z/r.json");
  });

  it("reads back what it writes; no file is no record", () => {
    const dir = tempDir("record-io-");
    const path = join(dir, "trust.deployed.json");
    expect(readDeployRecord(path)).toBeUndefined();
    const record = recordDeploy(
      emptyRecord(),
      {
        name: "hcp-aws-trust-prod.Apps",
        account: "prod",
        kind: "project",
        members: { [ROLE]: { ws_app: "tfc-acme-app" } },
        digest: digest("a"),
      },
      { ok: true },
    );
    writeDeployRecord(path, record);
    expect(readDeployRecord(path)).toEqual(record);
  });

  it("refuses what this app does not write, naming the file and the place, in one line", () => {
    const stack = (extra: Record<string, unknown>) => ({
      version: 1,
      deploys: 1,
      stacks: {
        "hcp-aws-trust-prod.Apps": { account: "prod", kind: "project", members: {}, ...extra },
      },
    });
    expect(() => readDeployRecord(writeRecord("{ not json"))).toThrow(/is not valid JSON/);
    expect(() => readDeployRecord(writeRecord(" ".repeat(MAX_DEPLOY_RECORD_BYTES + 1)))).toThrow(
      /over the limit/,
    );
    expect(() => readDeployRecord(writeRecord({ ...stack({}), version: 2 }))).toThrow(
      /is not a deploy record of this app at version/,
    );
    expect(() => readDeployRecord(writeRecord(stack({ digest: "x" })))).toThrow(
      /at stacks\.hcp-aws-trust-prod\.Apps\.digest: is not a SHA-256 digest/,
    );
    expect(() => readDeployRecord(writeRecord(stack({ owner: "me" })))).toThrow(
      /is not a deploy record of this app.*owner/,
    );
    expect(() =>
      readDeployRecord(
        writeRecord({
          version: 1,
          deploys: 0,
          stacks: { "../../etc": { account: "prod", kind: "project", members: {} } },
        }),
      ),
    ).toThrow(/not a stack name this app writes/);
    expect(() =>
      readDeployRecord(writeRecord(stack({ members: { "null_resource.x": { a: "b" } } }))),
    ).toThrow(/is not a deploy record of this app at stacks/);
  });

  it("never lets its references reach an import: what is imported comes from the plan", () => {
    const config = (project: string) =>
      parseConfig(
        stringify({
          hcp: { organization: "acme" },
          aws: { region: "us-east-1", accountId: "111122223333" },
          workspaces: [
            { name: "app", project, policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
          ],
        }),
      );
    const before = planTrust(config("Apps"));
    const record: DeployRecord = {
      version: 1,
      deploys: 1,
      stacks: {
        "hcp-aws-trust-default.Apps": {
          account: "default",
          kind: "project",
          members: { [ROLE]: { ws_app: '${file("/etc/passwd")}' } },
          deployed: 1,
        },
      },
    };
    const moved = planTrust(config("Tools"), lockOf(before), undefined, record);
    expect(moved.relocations.find((r) => r.resource === ROLE)?.ref).toBe("tfc-acme-app");
  });
});

describe("recording a deploy", () => {
  const apps = {
    name: "hcp-aws-trust-prod.Apps",
    account: "prod",
    kind: "project" as const,
    members: { [ROLE]: { ws_app: "tfc-acme-app" }, [VARIABLE]: { ws_app_K: "workspace:app:K" } },
    digest: digest("a"),
  };

  it("counts deploys; a success records what the configuration declares, and its digest", () => {
    const once = recordDeploy(emptyRecord(), apps, { ok: true });
    expect(once.deploys).toBe(1);
    expect(once.stacks[apps.name]).toEqual({
      account: "prod",
      kind: "project",
      members: apps.members,
      digest: digest("a"),
      deployed: 1,
    });
  });

  it("a failure records what the state lists, keeps the last success's digest, and counts the attempt", () => {
    const once = recordDeploy(emptyRecord(), apps, { ok: true });
    const failed = recordDeploy(
      once,
      { ...apps, members: {}, digest: digest("b") },
      { ok: false, held: { [ROLE]: { ws_app: "tfc-acme-app" } } },
    );
    expect(failed.stacks[apps.name]).toEqual({
      account: "prod",
      kind: "project",
      members: { [ROLE]: { ws_app: "tfc-acme-app" } },
      digest: digest("a"),
      deployed: 1,
      attempted: 2,
    });
  });

  it("a failure with a state it cannot read keeps what the stack held, marked unverified", () => {
    const once = recordDeploy(emptyRecord(), apps, { ok: true });
    const failed = recordDeploy(once, { ...apps, members: {} }, { ok: false, held: undefined });
    expect(failed.stacks[apps.name]?.members).toEqual(apps.members);
    expect(failed.stacks[apps.name]?.unverified).toBe(true);
  });

  it("what a deploy destroyed is gone for every stack that listed it: an AWS object only in its account", () => {
    // GIVEN two stacks of prod and one of dev that all list ws_app, and its variable
    let record = emptyRecord();
    const tools = { ...apps, name: "hcp-aws-trust-prod.Tools" };
    const dev = { ...apps, name: "hcp-aws-trust-dev.Apps", account: "dev" };
    for (const stack of [apps, tools, dev]) record = recordDeploy(record, stack, { ok: true });
    // WHEN Apps is deployed declaring neither (the workspace left the config)
    record = recordDeploy(record, { ...apps, members: {} }, { ok: true });
    // THEN Tools lists them as gone; dev's role is another object, still held; the variable is one object
    expect(record.stacks[tools.name]?.members).toEqual({});
    expect(record.stacks[tools.name]?.gone).toEqual(apps.members);
    expect(record.stacks[dev.name]?.members).toEqual({ [ROLE]: { ws_app: "tfc-acme-app" } });
    expect(record.stacks[dev.name]?.gone).toEqual({ [VARIABLE]: { ws_app_K: "workspace:app:K" } });
  });

  it("what a deploy forgot is not destroyed: other stacks keep holding it", () => {
    let record = emptyRecord();
    const tools = { ...apps, name: "hcp-aws-trust-prod.Tools" };
    for (const stack of [apps, tools]) record = recordDeploy(record, stack, { ok: true });
    record = recordDeploy(record, { ...apps, members: {}, forgets: apps.members }, { ok: true });
    expect(record.stacks[tools.name]?.members).toEqual(apps.members);
    expect(record.stacks[tools.name]?.gone).toBeUndefined();
  });
});
