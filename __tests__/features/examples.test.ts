import { describe, expect, it } from "vitest";
import { parseConfig } from "../../lib/config/load";
import { example, exampleConfig } from "./helpers";

describe("the examples", () => {
  it("are all valid as shipped", () => {
    for (const name of [
      "split-roles.yaml",
      "project-roles.yaml",
      "accounts.yaml",
      "tagged.yaml",
      "role-options.yaml",
      "backend-cloud.yaml",
      "backend-s3.yaml",
      "everything.yaml",
    ]) {
      expect(() => parseConfig(example(name), name), name).not.toThrow();
    }
    expect(exampleConfig("accounts.yaml").accounts).toBeDefined();
  });
});
