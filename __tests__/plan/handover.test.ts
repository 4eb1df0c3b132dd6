import { describe, expect, it } from "vitest";
import { RESOURCES } from "../../lib/plan/members";
import { objectOf } from "../helpers/deploy-model";
import { type Entry, Session } from "../helpers/deploy-session";

const APPS = "hcp-aws-trust-prod.Apps";
const TOOLS = "hcp-aws-trust-prod.Tools";
const app: Entry = { name: "app", project: "Apps" };
const other: Entry = { name: "other", project: "Other" };
const role = (account = "prod") => objectOf(RESOURCES.role, "ws_app", account);

describe("moves decided from the deploy record", () => {
  it("a workspace moved, the stack it leaves deployed alone, then removed: its role is destroyed, never orphaned", () => {
    const s = new Session({ record: true });
    s.synth([app, other]);
    s.deployAll();
    s.synth([{ ...app, project: "Tools" }, other]);
    s.deploy(APPS);
    s.synth([other]);
    s.fullDeploy();
    expect(s.world.violations).toEqual([]);
    expect(s.world.objects.has(role())).toBe(false);
    expect(s.settledProblems()).toEqual([]);
  });

  it("a workspace added and moved before any deploy is created where it lands, nothing imported", () => {
    const s = new Session({ record: true });
    s.synth([other]);
    s.deployAll();
    s.synth([app, other]);
    s.synth([{ ...app, project: "Tools" }, other]);
    s.fullDeploy();
    expect(s.world.violations).toEqual([]);
    expect(s.world.holders(role())).toEqual([TOOLS]);
    expect(s.settledProblems()).toEqual([]);
  });
});
