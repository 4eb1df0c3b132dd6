import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { DataTlsCertificate } from "@cdktf/provider-tls/lib/data-tls-certificate";
import { Construct } from "constructs";
import { fixAddress } from "./address";

export interface HcpOidcProviderProps {
  /** The HCP Terraform or Terraform Enterprise hostname; the provider URL is `https://HOSTNAME`. */
  readonly hostname: string;
  /** The audiences (client IDs) the provider accepts. */
  readonly audiences: readonly string[];
  /** @default - no tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The IAM OIDC identity provider that lets AWS verify HCP Terraform's workload identity tokens,
 * with the thumbprint of the host's root certificate. AWS allows one per URL per account; a
 * config reuses an existing one with `oidcProviderArn` instead.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
 */
export class HcpOidcProvider extends Construct {
  /** The provider's ARN, a Terraform reference. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: HcpOidcProviderProps) {
    super(scope, id);
    const url = `https://${props.hostname}`;
    const certificate = new DataTlsCertificate(this, "certificate", { url });
    fixAddress(certificate, "hcp");
    const provider = new IamOpenidConnectProvider(this, "provider", {
      url,
      clientIdList: [...props.audiences],
      // The chain is listed root first; AWS pins the root CA's fingerprint (and, since provider
      // 5.81, falls back to it only where its own CA library does not cover the host).
      thumbprintList: [certificate.certificates.get(0).sha1Fingerprint],
      tags: props.tags ? { ...props.tags } : undefined,
    });
    fixAddress(provider, "hcp");
    this.arn = provider.arn;
  }
}
