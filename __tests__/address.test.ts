import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { pinAddress } from "../lib/constructs/address";
import { terraformName } from "../lib/plan/naming";

describe("terraformName", () => {
  it.each([["ws_app"], ["ws_app-prod"], ["_x"], ["ReadOnlyAccess"]])(
    "keeps the valid name %j",
    (name) => {
      expect(terraformName(name)).toBe(name);
    },
  );

  it.each([["App.Deploy"], ["1st"], ["-x"], ["a b"], ["a+b=c,d@e"]])(
    "turns %j into a valid name with a hash",
    (text) => {
      expect(terraformName(text)).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*_[0-9a-f]{8}$/);
    },
  );

  it("never maps two texts to one name", () => {
    expect(terraformName("App.Deploy")).not.toBe(terraformName("App_Deploy"));
    expect(terraformName("App.Deploy")).not.toBe(terraformName("App@Deploy"));
  });
});

describe("pinAddress", () => {
  function stack(): TerraformStack {
    return new TerraformStack(Testing.app(), "test");
  }

  it("sets the element's Terraform name", () => {
    const scope = stack();
    const output = new TerraformOutput(scope, "some-id", { value: "x" });
    pinAddress(output, "chosen_name");
    expect(JSON.parse(Testing.synth(scope)).output).toEqual({ chosen_name: { value: "x" } });
  });

  it("fails if two elements of one stack would share an address", () => {
    const scope = stack();
    pinAddress(new TerraformOutput(scope, "one", { value: "x" }), "same");
    expect(() => pinAddress(new TerraformOutput(scope, "two", { value: "y" }), "same")).toThrow(
      "two elements of stack 'test' would share the address output.same",
    );
  });

  it("fails on a name Terraform would not accept", () => {
    expect(() => pinAddress(new TerraformOutput(stack(), "one", { value: "x" }), "1st")).toThrow(
      "'1st' is not a valid Terraform name",
    );
  });
});
