import { describe, expect, it } from "vitest";
import { MAX_ROLE_NAME_LENGTH, roleName } from "../lib/role-name";

describe("roleName", () => {
  it("joins the parts after the tfc prefix", () => {
    expect(roleName(["acme", "networking-prod"])).toBe("tfc-acme-networking-prod");
  });

  it("keeps a name of exactly 64 characters as it is", () => {
    const parts = ["acme", "w".repeat(64 - "tfc-acme-".length)];
    expect(roleName(parts)).toBe(`tfc-acme-${parts[1]}`);
    expect(roleName(parts)).toHaveLength(MAX_ROLE_NAME_LENGTH);
  });

  it("cuts a name of 65 characters to 64, ending in a hash of the full name", () => {
    const name = roleName(["acme", "w".repeat(65 - "tfc-acme-".length)]);
    expect(name).toHaveLength(MAX_ROLE_NAME_LENGTH);
    expect(name).toMatch(/^tfc-acme-w+-[0-9a-f]{8}$/);
  });

  it("gives different long names different results, and the same name the same result", () => {
    const a = roleName(["acme", `${"w".repeat(80)}-a`]);
    const b = roleName(["acme", `${"w".repeat(80)}-b`]);
    expect(a).not.toBe(b);
    expect(roleName(["acme", `${"w".repeat(80)}-a`])).toBe(a);
  });

  it("only uses characters IAM allows in role names", () => {
    expect(roleName(["acme_corp", "App_Prod-2".repeat(9)])).toMatch(/^[\w+=,.@-]{1,64}$/);
  });
});
