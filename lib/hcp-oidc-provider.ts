import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { DataTlsCertificate } from "@cdktf/provider-tls/lib/data-tls-certificate";
import { Construct } from "constructs";
import { fixAddress } from "./address";

export interface HcpOidcProviderProps {
  /** The HCP Terraform or Terraform Enterprise hostname; the provider URL is `https://HOSTNAME`. */
  readonly hostname: string;
  /** The audiences (client IDs) the provider accepts. */
  readonly audiences: readonly string[];
  /**
   * The ARN of a provider for this hostname that already exists in the account.
   * AWS allows one provider per URL per account; a second create fails with `EntityAlreadyExists`.
   * @default - a provider is created
   */
  readonly existingArn?: string;
  /** @default - no tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The IAM OIDC identity provider that lets AWS verify HCP Terraform's workload identity tokens:
 * created (with the thumbprint of the host's root certificate), or an existing one reused.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
 */
export class HcpOidcProvider extends Construct {
  /** The provider's ARN: a literal for a reused provider, a Terraform reference for a created one. */
  readonly arn: string;
  /** Whether this construct creates the provider (false when an existing one is reused). */
  readonly created: boolean;

  constructor(scope: Construct, id: string, props: HcpOidcProviderProps) {
    super(scope, id);
    if (props.existingArn !== undefined) {
      this.arn = props.existingArn;
      this.created = false;
      return;
    }
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
    this.created = true;
  }
}
