import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { lockPathFor, MAX_LOCK_BYTES, readLock } from "../../lib/lock-file";
import { planTrust } from "../../lib/plan";
import { lockOf } from "../../lib/plan/lock";
import { tempDir } from "../helpers/synth";

const READ = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];
const config = (project: string) =>
  parseConfig(
    stringify({
      hcp: { organization: "acme" },
      aws: { region: "us-east-1", accountId: "111122223333" },
      workspaces: [{ name: "app", project, policyArns: READ }],
    }),
  );

function writeLock(data: unknown): string {
  const path = join(tempDir("lock-"), "trust.lock.json");
  writeFileSync(path, typeof data === "string" ? data : JSON.stringify(data));
  return path;
}

describe("the layout lock file", () => {
  it("is named after its config file, and lives inside a config directory", () => {
    const dir = tempDir("lock-path-");
    expect(lockPathFor(join(dir, "trust.yaml"), {})).toBe(join(dir, "trust.lock.json"));
    expect(lockPathFor(join(dir, "prod.yml"), {})).toBe(join(dir, "prod.lock.json"));
    expect(lockPathFor(dir, {})).toBe(join(dir, "trust.lock.json"));
    expect(lockPathFor(join(dir, "trust.yaml"), { TRUST_LOCK: "/x/y.json" })).toBe("/x/y.json");
  });

  it("reads back what a synth writes", () => {
    const lock = lockOf(planTrust(config("Apps")));
    expect(readLock(writeLock(lock))).toEqual(lock);
  });

  it("refuses a stack name that would leave the output folder, naming the file", () => {
    const path = writeLock({
      version: 1,
      stacks: { "../../etc": { account: "default", kind: "project", members: {} } },
    });
    expect(() => readLock(path)).toThrow(
      /is not a layout lock of this app.*not a stack name this app writes/,
    );
  });

  it("refuses text that is not JSON, and a file over the size limit, in one line", () => {
    expect(() => readLock(writeLock("{ not json"))).toThrow(/is not valid JSON/);
    expect(() => readLock(writeLock(" ".repeat(MAX_LOCK_BYTES + 1)))).toThrow(/over the limit/);
  });

  it("never lets its references reach an import: what is imported comes from the plan", () => {
    // GIVEN a lock whose recorded reference for the role was tampered with
    const lock = lockOf(planTrust(config("Apps")));
    const stack = lock.stacks["hcp-aws-trust-default.Apps"];
    const roles = stack?.members["aws_iam_role.roles"];
    if (roles === undefined) throw new Error("no roles in the lock");
    roles.ws_app = '${file("/etc/passwd")}';
    // WHEN the workspace moves to another project
    const moved = planTrust(config("Tools"), lock);
    // THEN the import names the role as the plan does
    const role = moved.relocations.find((r) => r.resource === "aws_iam_role.roles");
    expect(role?.ref).toBe("tfc-acme-app");
  });
});
