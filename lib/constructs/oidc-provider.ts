import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { DataTlsCertificate } from "@cdktf/provider-tls/lib/data-tls-certificate";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { Construct } from "constructs";
import { literal, literalMap } from "../terraform-text";
import { pinAddress } from "./address";

/** An IAM OIDC provider for an HCP Terraform host, created here or existing: callers treat both alike. */
export interface IHcpOidcProvider {
  /** The provider's ARN: a literal, or a Terraform expression of this stack. */
  readonly arn: string;
}

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
 * with the thumbprint of the last certificate the host sends (usually the top intermediate CA's).
 * AWS allows one per URL per account; a config reuses an existing one with `oidcProviderArn`
 * instead ({@link HcpOidcProvider.fromArn}).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
 */
export class HcpOidcProvider extends Construct implements IHcpOidcProvider {
  /** An existing provider, by its ARN. */
  static fromArn(arn: string): IHcpOidcProvider {
    return { arn: literal(arn) };
  }

  /**
   * The provider another stack of the same account creates, by the ARN it will have there:
   * `arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST`, with the partition and account of the
   * credentials this stack is deployed with. Unlike a lookup of the provider, it reads nothing
   * that must exist yet, so the stack can be planned before the provider's stack is applied.
   */
  static inAccountOf(scope: Construct, hostname: string): IHcpOidcProvider {
    const caller = new DataAwsCallerIdentity(scope, "caller");
    pinAddress(caller, "current");
    const partition = new DataAwsPartition(scope, "partition");
    pinAddress(partition, "current");
    return {
      arn: `arn:${partition.partition}:iam::${caller.accountId}:oidc-provider/${literal(hostname)}`,
    };
  }

  readonly arn: string;

  constructor(scope: Construct, id: string, props: HcpOidcProviderProps) {
    super(scope, id);
    const url = literal(`https://${props.hostname}`);
    new TlsProvider(scope, "tls");
    const certificate = new DataTlsCertificate(this, "certificate", { url });
    pinAddress(certificate, "hcp");
    const provider = new IamOpenidConnectProvider(this, "provider", {
      url,
      clientIdList: props.audiences.map(literal),
      // tls 4.x lists the peer certificates in reverse of the order the server sends them
      // (hashicorp/terraform-provider-tls internal/provider/data_source_certificate.go:
      // `certs[len(peerCerts)-i-1]`), and a server sends its leaf first and seldom the root, so
      // [0] is the last one sent: usually the top intermediate CA, whose thumbprint IAM asks for
      // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc_verify-thumbprint.html).
      // IAM uses it only for a host whose certificate no CA of its own library signed.
      thumbprintList: [certificate.certificates.get(0).sha1Fingerprint],
      tags: props.tags === undefined ? undefined : literalMap(props.tags),
    });
    pinAddress(provider, "hcp");
    this.arn = provider.arn;
  }
}
