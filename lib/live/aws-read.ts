/**
 * What the commands read from AWS IAM and STS, with the AWS SDK for JavaScript v3: the default
 * credential chain (`AWS_PROFILE`, SSO, a pipeline's web identity role, ...), the account's
 * `assumeRoleArn` when given, and the SDK's own endpoint settings (`AWS_ENDPOINT_URL_IAM`,
 * `AWS_ENDPOINT_URL_STS`), request signing, XML parsing and retries.
 */
import {
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  type IAMClientConfig,
  ListOpenIDConnectProvidersCommand,
  NoSuchEntityException,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  paginateListRoles,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { PRODUCT } from "../product";
import { CannotCheckError, networkCode } from "./errors";
import type { ExpectedAccount } from "./expected";

export interface AwsOptions {
  /** Credentials to start from; by default the SDK's default chain. */
  readonly credentials?: IAMClientConfig["credentials"];
  /** Attempts per request, the SDK's retries included. @default 3 */
  readonly maxAttempts?: number;
}

export interface LiveProvider {
  readonly arn: string;
  readonly clientIds: readonly string[];
}

export interface LiveRole {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  /** The trust policy, parsed. */
  readonly trust: unknown;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Turns off the AWS SDK's warning that its releases after January 2027 need Node.js 22 (seven
 * lines on stderr of every run on Node.js 20, which this app supports), with the SDK's own switch
 * (aws/aws-sdk-js-v3#7983), read when a client is made; a value already set is left alone.
 */
function quietSdkNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}

/** Reads one AWS account, with the credentials that reach it. */
export class AwsAccountReader {
  private readonly iam: IAMClient;
  private readonly sts: STSClient;

  constructor(
    readonly account: ExpectedAccount,
    options: AwsOptions = {},
  ) {
    quietSdkNodeVersionWarning();
    const base = options.credentials;
    const credentials =
      account.assumeRoleArn === undefined
        ? base
        : fromTemporaryCredentials({
            params: { RoleArn: account.assumeRoleArn, RoleSessionName: `${PRODUCT}-check` },
            ...(base === undefined ? {} : { masterCredentials: base }),
            clientConfig: { region: account.region },
          });
    const config = {
      region: account.region,
      maxAttempts: options.maxAttempts ?? 3,
      ...(credentials === undefined ? {} : { credentials }),
    };
    this.iam = new IAMClient(config);
    this.sts = new STSClient(config);
  }

  /** The ID of the account these credentials reach. */
  async accountId(): Promise<string> {
    const identity = await this.call("sts:GetCallerIdentity", "the caller's identity", () =>
      this.sts.send(new GetCallerIdentityCommand({})),
    );
    if (identity?.Account === undefined) {
      throw new CannotCheckError(
        `STS did not name the account of account ${this.account.name}'s credentials`,
      );
    }
    return identity.Account;
  }

  /** The account's OIDC provider for a host, found by the ARN's name (`oidc-provider/HOST`). */
  async providerForHost(host: string): Promise<LiveProvider | undefined> {
    const list = await this.call("iam:ListOpenIDConnectProviders", "the OIDC providers", () =>
      this.iam.send(new ListOpenIDConnectProvidersCommand({})),
    );
    const arn = list?.OpenIDConnectProviderList?.map((p) => p.Arn ?? "").find((a) =>
      a.endsWith(`:oidc-provider/${host}`),
    );
    return arn === undefined ? undefined : this.provider(arn);
  }

  async provider(arn: string): Promise<LiveProvider | undefined> {
    const found = await this.call("iam:GetOpenIDConnectProvider", `OIDC provider ${arn}`, () =>
      this.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
    );
    return found === undefined ? undefined : { arn, clientIds: found.ClientIDList ?? [] };
  }

  async role(name: string): Promise<LiveRole | undefined> {
    const found = await this.call("iam:GetRole", `role ${name}`, () =>
      this.iam.send(new GetRoleCommand({ RoleName: name })),
    );
    const role = found?.Role;
    if (role === undefined) return undefined;
    let trust: unknown;
    try {
      // IAM returns policy documents URL-encoded.
      trust = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument ?? "{}"));
    } catch {
      trust = undefined;
    }
    return {
      name: role.RoleName ?? name,
      path: role.Path ?? "/",
      arn: role.Arn ?? "",
      trust,
      tags: Object.fromEntries((role.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
    };
  }

  async attachedPolicies(role: string): Promise<string[]> {
    return this.pages(
      "iam:ListAttachedRolePolicies",
      `the policies attached to role ${role}`,
      async () => {
        const arns: string[] = [];
        for await (const page of paginateListAttachedRolePolicies(
          { client: this.iam },
          { RoleName: role },
        )) {
          arns.push(...(page.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? ""));
        }
        return arns;
      },
    );
  }

  /** The role's inline policies by name, each parsed. */
  async inlinePolicies(role: string): Promise<Map<string, unknown>> {
    const names = await this.pages(
      "iam:ListRolePolicies",
      `the inline policies of role ${role}`,
      async () => {
        const all: string[] = [];
        for await (const page of paginateListRolePolicies(
          { client: this.iam },
          { RoleName: role },
        )) {
          all.push(...(page.PolicyNames ?? []));
        }
        return all;
      },
    );
    const policies = new Map<string, unknown>();
    for (const name of names) {
      const found = await this.call(
        "iam:GetRolePolicy",
        `inline policy ${name} of role ${role}`,
        () => this.iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name })),
      );
      try {
        policies.set(name, JSON.parse(decodeURIComponent(found?.PolicyDocument ?? "{}")));
      } catch {
        policies.set(name, undefined);
      }
    }
    return policies;
  }

  /**
   * Roles this app made for the organization: listed once per account (ListRoles returns no tags),
   * narrowed to the app's description or default name, then confirmed by their tags.
   */
  async managedRoles(organization: string): Promise<LiveRole[]> {
    const candidates = await this.pages("iam:ListRoles", "the account's roles", async () => {
      const names: string[] = [];
      for await (const page of paginateListRoles({ client: this.iam }, {})) {
        for (const role of page.Roles ?? []) {
          const name = role.RoleName ?? "";
          if (
            (role.Description ?? "").includes(`Managed by ${PRODUCT}`) ||
            name.startsWith(`tfc-${organization}-`)
          ) {
            names.push(name);
          }
        }
      }
      return names;
    });
    const roles: LiveRole[] = [];
    for (const name of candidates) {
      const role = await this.role(name);
      if (role?.tags.ManagedBy === PRODUCT && role.tags.HcpOrganization === organization)
        roles.push(role);
    }
    return roles;
  }

  private pages<T>(action: string, what: string, run: () => Promise<T>): Promise<T> {
    return this.call(action, what, run).then((result) => {
      if (result === undefined)
        throw new CannotCheckError(`${what} in account ${this.account.name}: not found`);
      return result;
    });
  }

  /** Runs a request; `undefined` when the object does not exist; other failures explained. */
  private async call<T>(
    action: string,
    what: string,
    run: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof NoSuchEntityException) return undefined;
      throw this.explain(error, action, what);
    }
  }

  private explain(error: unknown, action: string, what: string): CannotCheckError {
    const name = (error as { name?: string }).name ?? "Error";
    const account = `account ${this.account.name}${this.account.accountId === undefined ? "" : ` (${this.account.accountId})`}`;
    const via =
      this.account.assumeRoleArn === undefined ? "" : ` through ${this.account.assumeRoleArn}`;
    if (name === "CredentialsProviderError" || name === "ProviderError") {
      return new CannotCheckError(
        `no AWS credentials for ${account}: set AWS_PROFILE, run aws sso login, or give the pipeline a role (the SDK's default credential chain found none)`,
      );
    }
    if (
      [
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "UnrecognizedClientException",
      ].includes(name)
    ) {
      return new CannotCheckError(
        `AWS refused the credentials for ${account} (${name}): they are invalid or expired; log in again`,
      );
    }
    if (name === "AccessDenied" || name === "AccessDeniedException") {
      const message = (error as { message?: string }).message ?? "";
      const assuming = this.account.assumeRoleArn !== undefined && /sts:AssumeRole\b/.test(message);
      return new CannotCheckError(
        assuming
          ? `the credentials may not assume ${this.account.assumeRoleArn} for ${account} (AccessDenied)`
          : `the credentials for ${account}${via} may not read ${what}: they need ${action}`,
      );
    }
    const code = networkCode(error);
    if (code !== undefined) {
      return new CannotCheckError(
        `cannot reach AWS for ${account} (${code}) reading ${what}: check the network and any AWS_ENDPOINT_URL_* setting`,
      );
    }
    return new CannotCheckError(`AWS failed reading ${what} in ${account}${via}: ${name}`);
  }
}
