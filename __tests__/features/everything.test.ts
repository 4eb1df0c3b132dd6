import { describe, expect, it } from "vitest";
import { synthStacks } from "../helpers/synth";
import { example } from "./helpers";

describe("everything in one config", () => {
  it("synthesizes a base stack per account that creates its provider, and a stack per account and project", () => {
    const stacks = synthStacks(example("everything.yaml"));
    expect(Object.keys(stacks).sort()).toEqual([
      "hcp-aws-trust-dev",
      "hcp-aws-trust-dev.Apps",
      "hcp-aws-trust-dev.Platform",
      "hcp-aws-trust-prod",
      "hcp-aws-trust-prod.Networking",
      "hcp-aws-trust-prod.Platform",
      "hcp-aws-trust-shared.Platform",
    ]);
    const roles = Object.values(stacks).flatMap((s) => Object.keys(s.resource?.aws_iam_role ?? {}));
    expect(roles.sort()).toEqual([
      'roles["project_Apps"]',
      'roles["ws_admin-tools"]',
      'roles["ws_apps-new"]',
      'roles["ws_multi"]',
      'roles["ws_multi_tag_DEV_apply"]',
      'roles["ws_multi_tag_DEV_plan"]',
      'roles["ws_multi_tag_SHARED"]',
      'roles["ws_net-prod_apply"]',
      'roles["ws_net-prod_plan"]',
    ]);
  });
});
