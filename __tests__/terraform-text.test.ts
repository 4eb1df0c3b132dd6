import { Lazy, TerraformOutput, TerraformStack, Testing, Token } from "cdktf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  literal,
  readLiteral,
  templateParts,
  tokenMarkerIn,
  verbatim,
} from "../lib/terraform-text";

describe("literal", () => {
  it.each([
    ["${aws:username}", "$${aws:username}"],
    ["%{if x}", "%%{if x}"],
    ["a $ b % c {d}", "a $ b % c {d}"],
    ["${a}${b}", "$${a}$${b}"],
    // Already escaped text stays text: HCL reads "$$${" as "$" and the escape "$${".
    ["$${x}", "$$${x}"],
    ["%%{x}", "%%%{x}"],
    ["%${x}", "%$${x}"],
  ])("writes %j as %j", (text, written) => {
    expect(literal(text)).toBe(written);
  });

  it("is read back by Terraform as the text it was given, whatever the text", () => {
    const text = fc.string({
      unit: fc.constantFrom("$", "%", "{", "}", "~", "a", " ", '"', "\\"),
      maxLength: 40,
    });
    fc.assert(
      fc.property(text, (value) => {
        expect(templateParts(literal(value)).every((part) => part.kind === "literal")).toBe(true);
        expect(readLiteral(literal(value))).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses text holding a cdktf token marker, which cdktf would replace", () => {
    expect(() => literal("x ${TfToken[TOKEN.1]}")).toThrow(/cdktf's token marker "\$\{TfToken\["/);
    expect(() => literal("#{TfToken[TOKEN.1]}")).toThrow(/token marker/);
    expect(tokenMarkerIn("&{TfToken[TOKEN.1]}")).toBe("&{TfToken[");
    expect(tokenMarkerIn("{TfToken is fine")).toBeUndefined();
  });
});

describe("cdktf's token markers", () => {
  it("are replaced in any string of a stack, which is why config text may not hold them", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const marker = Token.asString(Lazy.stringValue({ produce: () => "REPLACED" }));
    // The marker as text, as a config could hold it.
    new TerraformOutput(stack, "o", { value: `before ${String(marker)} after` });
    expect(String(marker)).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(JSON.parse(Testing.synth(stack)).output.o.value).toBe("before REPLACED after");
  });
});

describe("templateParts", () => {
  it("reads sequences and escapes as HCL's template scanner does", () => {
    expect(templateParts('a${b["c}"]}d%{ if x }e')).toEqual([
      { kind: "literal", text: "a" },
      { kind: "interpolation", source: '${b["c}"]}' },
      { kind: "literal", text: "d" },
      { kind: "directive", source: "%{ if x }" },
      { kind: "literal", text: "e" },
    ]);
    expect(readLiteral("$$${x}")).toBe("$${x}");
    expect(readLiteral("100% $ {")).toBe("100% $ {");
  });

  it("refuses to read as text a string Terraform would evaluate", () => {
    expect(() => readLiteral('${file("/etc/passwd")}')).toThrow(/would evaluate/);
    expect(() => readLiteral("%{ if true }x%{ endif }")).toThrow(/would evaluate/);
  });
});

describe("verbatim", () => {
  it("passes text Terraform reads without evaluating, and refuses template sequences there", () => {
    expect(verbatim("hcp-aws-trust/")).toBe("hcp-aws-trust/");
    expect(() => verbatim("${x}")).toThrow(/template sequence/);
  });
});
