import { describe, expect, it } from "vitest";
import { parseConfig } from "../../lib/config/load";
import { planTrust } from "../../lib/plan";
import type { Pins } from "../../lib/plan/pins";
import { planFileOf } from "../../lib/plan/plan-file";
import { reportMarkdown } from "../../lib/report/markdown";
import { buildReport } from "../../lib/report/model";
import { baseConfig, synthStacksRaw, workspace } from "../helpers/synth";

type Block = Record<string, unknown>;
type Stack = {
  data?: Record<string, Record<string, Block>>;
  resource?: Record<string, Record<string, Block>>;
};

const config = baseConfig({
  workspaces: [
    workspace("app", { project: "Apps" }),
    workspace("loose"),
    workspace("fresh", { project: "Apps", create: true }),
  ],
  projects: [{ name: "Apps", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }],
});

const PINS: Pins = {
  version: 1,
  organization: "acme",
  hostname: "app.terraform.io",
  organizationId: "org-AAAAAAAAAAAAAAAA",
  projects: { Apps: "prj-BBBBBBBBBBBBBBBB" },
  workspaces: { app: "ws-CCCCCCCCCCCCCCCC" },
};

function stacksOf(pins?: Pins): Record<string, Stack> {
  return synthStacksRaw(config, undefined, pins) as unknown as Record<string, Stack>;
}

describe("pins in the synthesized stacks", () => {
  it('writes each pin as a literal value of the lookup\'s for_each map, and "" for an unpinned entry', () => {
    const stacks = Object.values(stacksOf(PINS));
    const lookups = stacks.flatMap((s) =>
      Object.entries(s.data?.tfe_workspace?.workspaces?.for_each ?? {}),
    );
    expect(Object.fromEntries(lookups)).toMatchObject({
      app: { pinned_id: "ws-CCCCCCCCCCCCCCCC" },
      loose: { pinned_id: "" },
    });
    const projects = stacks.flatMap((s) =>
      Object.entries(s.data?.tfe_project?.projects?.for_each ?? {}),
    );
    expect(projects.length).toBeGreaterThan(0);
    for (const [, value] of projects)
      expect(value).toMatchObject({ pinned_id: "prj-BBBBBBBBBBBBBBBB" });
  });

  it("looks the organization up in each stack with roles, with its external ID in a postcondition", () => {
    const stacks = Object.entries(stacksOf(PINS)).filter(([name]) => name.includes("."));
    expect(stacks.length).toBeGreaterThan(0);
    for (const [, stack] of stacks) {
      const org = stack.data?.tfe_organization?.organization as {
        name: string;
        lifecycle: { postcondition: Array<{ condition: string }> };
      };
      expect(org.name).toBe("acme");
      expect(org.lifecycle.postcondition[0]?.condition).toBe(
        '${self.external_id == "org-AAAAAAAAAAAAAAAA"}',
      );
    }
  });

  it("writes no organization lookup and only empty pins without a pins file", () => {
    const stacks = Object.values(stacksOf());
    expect(stacks.some((s) => s.data?.tfe_organization !== undefined)).toBe(false);
    const lookups = stacks.flatMap((s) =>
      Object.values(s.data?.tfe_workspace?.workspaces?.for_each ?? {}),
    );
    for (const value of lookups) expect(value).toMatchObject({ pinned_id: "" });
  });

  it("tags each role with the pinned IDs of whom it was made for", () => {
    const plan = planTrust(parseConfig(JSON.stringify(config)), undefined, PINS);
    const tags = (name: string) =>
      plan.roles.find(
        (r) =>
          r.owner.kind !== "module" &&
          r.owner.name === name &&
          r.owner.kind === (name === "Apps" ? "project" : "workspace"),
      )?.tags;
    expect(tags("app")).toMatchObject({
      HcpOrganizationId: "org-AAAAAAAAAAAAAAAA",
      HcpProjectId: "prj-BBBBBBBBBBBBBBBB",
      HcpWorkspaceId: "ws-CCCCCCCCCCCCCCCC",
    });
    expect(tags("Apps")).toMatchObject({ HcpProjectId: "prj-BBBBBBBBBBBBBBBB" });
    expect(tags("loose")).not.toHaveProperty("HcpWorkspaceId");
    expect(tags("fresh")).not.toHaveProperty("HcpWorkspaceId");
    expect(plan.pinning).toEqual({ pinned: 3, unpinned: ["workspace loose", "workspace fresh"] });
  });

  it("lists the unpinned names in the report, and keeps them in the plan file", () => {
    const plan = planTrust(parseConfig(JSON.stringify(config)), undefined, PINS);
    const text = reportMarkdown(buildReport(plan));
    expect(text).toContain("3 of 5 trusted names pinned to their HCP Terraform ID");
    expect(text).toContain("Unpinned (2)");
    expect(text).toContain("- workspace loose\n- workspace fresh\n");
    expect(planFileOf(plan).pinning).toEqual(plan.pinning);
    const unpinned = buildReport(planTrust(parseConfig(JSON.stringify(config))));
    expect(unpinned.pinning?.unpinned).toContain("organization acme");
  });

  it("refuses pins of another organization", () => {
    expect(() =>
      planTrust(parseConfig(JSON.stringify(config)), undefined, { ...PINS, organization: "other" }),
    ).toThrow(/pins organization "other" on app.terraform.io, but the config trusts "acme"/);
  });

  it("never takes a pin from the config's own text", () => {
    const withPin = { ...config, hcp: { organization: "acme", organizationId: "org-X" } };
    expect(() => parseConfig(JSON.stringify(withPin))).toThrow();
  });
});
