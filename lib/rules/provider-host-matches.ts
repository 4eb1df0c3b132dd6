import { parseOidcProviderArn } from "../config/arns";
import { accountsOf } from "../plan/accounts";
import type { Rule, Violation } from "./rule";

/**
 * A reused OIDC provider must be the one for `hcp.hostname`: AWS verifies a token with the
 * provider whose URL is the token's issuer, so a provider for another host never admits a run.
 */
export const providerHostMatches: Rule = {
  id: "provider-host-matches",
  description: "A reused OIDC provider is the one for hcp.hostname.",
  check({ config }) {
    const violations: Violation[] = [];
    for (const [name, account] of Object.entries(accountsOf(config))) {
      const arn = account.oidcProviderArn;
      const provider = arn === undefined ? undefined : parseOidcProviderArn(arn);
      if (provider === undefined || provider.host === config.hcp.hostname) continue;
      violations.push({
        path:
          config.accounts === undefined
            ? "aws.oidcProviderArn"
            : `accounts.${name}.oidcProviderArn`,
        message: `${JSON.stringify(arn)} is the provider for "${provider.host}", but hcp.hostname is "${config.hcp.hostname}": tokens from one host cannot be verified by the other's provider; use "oidc-provider/${config.hcp.hostname}"`,
      });
    }
    return violations;
  },
};
