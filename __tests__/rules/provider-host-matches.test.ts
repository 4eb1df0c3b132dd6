import { describe, expect, it } from "vitest";
import { providerHostMatches as rule } from "../../lib/rules/provider-host-matches";
import { baseConfig } from "../helpers/synth";
import { messages, review } from "./helpers";

const arn = (host: string) => `arn:aws:iam::111122223333:oidc-provider/${host}`;

describe(rule.id, () => {
  describe("Compliance", () => {
    it.each([
      ["a created provider", baseConfig()],
      [
        "a reused provider for app.terraform.io",
        baseConfig({ aws: { region: "us-east-1", oidcProviderArn: arn("app.terraform.io") } }),
      ],
      [
        "a reused provider for a Terraform Enterprise host",
        baseConfig({
          hcp: { organization: "acme", hostname: "tfe.example.com" },
          aws: { region: "us-east-1", oidcProviderArn: arn("tfe.example.com") },
        }),
      ],
    ])("passes %s", (_, config) => {
      expect(messages(rule, review(config))).toEqual([]);
    });
  });

  describe("Noncompliance", () => {
    it.each([
      ["app.terraform.io", "tfe.example.com"],
      ["tfe.example.com", "app.terraform.io"],
      ["app.terraform.io", "app.terraform.io.example.com"],
    ])("fails hcp.hostname %s with a provider for %s", (hostname, providerHost) => {
      const config = baseConfig({
        hcp: { organization: "acme", hostname },
        aws: { region: "us-east-1", oidcProviderArn: arn(providerHost) },
      });
      expect(messages(rule, review(config))).toEqual([
        `aws.oidcProviderArn: "${arn(providerHost)}" is the provider for "${providerHost}", but hcp.hostname is "${hostname}": tokens from one host cannot be verified by the other's provider; use "oidc-provider/${hostname}"`,
      ]);
    });
  });
});
