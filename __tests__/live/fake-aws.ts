import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRole {
  name: string;
  path: string;
  trust: unknown;
  tags: Record<string, string>;
  description: string;
  attached: string[];
  inline: Record<string, unknown>;
}

export interface FakeProvider {
  arn: string;
  clientIds: string[];
}

export interface FakeAccount {
  readonly id: string;
  providers: FakeProvider[];
  roles: FakeRole[];
}

/** Credentials of the starting identity, as tests put them in the environment. */
export const BASE_KEY = "AKIAFAKEBASEKEY00001";
export const BASE_SECRET = "aws-secret-MARKER-91ac";
/** What the fake's AssumeRole hands out: markers that must never be printed. */
export const ASSUMED_SECRET = "assumed-secret-MARKER-55e2";
export const SESSION_TOKEN = "session-token-MARKER-0b3c";

const xmlEscape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const el = (name: string, value: string) => `<${name}>${xmlEscape(value)}</${name}>`;
const members = (items: string[]) => items.map((i) => `<member>${i}</member>`).join("");

/**
 * A fake IAM and STS Query API on 127.0.0.1 (form-encoded requests, XML answers, as
 * `AWS_ENDPOINT_URL_IAM` / `AWS_ENDPOINT_URL_STS` point the SDK at it). The account a request
 * acts on is the one its access key belongs to; AssumeRole hands out keys of the role's account.
 */
export class FakeAws {
  readonly accounts = new Map<string, FakeAccount>();
  /** Access key ID → account ID. */
  readonly keys = new Map<string, string>();
  /** Role ARNs that AssumeRole grants. */
  readonly assumable = new Set<string>();
  /** Each request's action and the account it acted on. */
  readonly requests: Array<{ action: string; account: string | undefined }> = [];
  /** Page size of ListRoles (the real default is 100). */
  listRolesPage = 100;
  private server: Server | undefined;

  constructor(baseAccount = "111122223333") {
    this.account(baseAccount);
    this.keys.set(BASE_KEY, baseAccount);
  }

  get endpoint(): string {
    const port = (this.server?.address() as AddressInfo | null)?.port;
    return `http://127.0.0.1:${port}`;
  }

  account(id: string): FakeAccount {
    let account = this.accounts.get(id);
    if (account === undefined) {
      account = { id, providers: [], roles: [] };
      this.accounts.set(id, account);
    }
    return account;
  }

  provider(accountId: string, host: string, clientIds: string[]): FakeProvider {
    const provider = { arn: `arn:aws:iam::${accountId}:oidc-provider/${host}`, clientIds };
    this.account(accountId).providers.push(provider);
    return provider;
  }

  role(accountId: string, role: Partial<FakeRole> & { name: string; trust: unknown }): FakeRole {
    const full: FakeRole = {
      path: "/",
      tags: {},
      description: "",
      attached: [],
      inline: {},
      ...role,
    };
    this.account(accountId).roles.push(full);
    return full;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const params = new URLSearchParams(body);
      const action = params.get("Action") ?? "";
      const key = /Credential=([^/]+)\//.exec(req.headers.authorization ?? "")?.[1] ?? "";
      const accountId = this.keys.get(key);
      this.requests.push({ action, account: accountId });
      const ns = ["GetCallerIdentity", "AssumeRole"].includes(action)
        ? "https://sts.amazonaws.com/doc/2011-06-15/"
        : "https://iam.amazonaws.com/doc/2010-05-08/";
      const reply = (status: number, xml: string) => {
        res.writeHead(status, { "content-type": "text/xml" });
        res.end(xml);
      };
      const fail = (status: number, code: string, message: string) =>
        reply(
          status,
          `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type>${el("Code", code)}${el("Message", message)}</Error><RequestId>r</RequestId></ErrorResponse>`,
        );
      if (accountId === undefined) {
        fail(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
        return;
      }
      const ok = (result: string) =>
        reply(
          200,
          `<${action}Response xmlns="${ns}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`,
        );
      const account = this.account(accountId);
      const role = () =>
        account.roles.find((r) => r.name.toLowerCase() === params.get("RoleName")?.toLowerCase());
      const noRole = () =>
        fail(404, "NoSuchEntity", `The role with name ${params.get("RoleName")} cannot be found.`);
      switch (action) {
        case "GetCallerIdentity":
          return ok(
            el("Arn", `arn:aws:iam::${accountId}:user/tester`) +
              el("UserId", "AIDA") +
              el("Account", accountId),
          );
        case "AssumeRole": {
          const arn = params.get("RoleArn") ?? "";
          if (!this.assumable.has(arn)) {
            return fail(
              403,
              "AccessDenied",
              `User: arn:aws:iam::${accountId}:user/tester is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
            );
          }
          const target = /^arn:aws:iam::(\d{12}):/.exec(arn)?.[1] ?? "";
          const temporary = `ASIA${target}`;
          this.keys.set(temporary, target);
          return ok(
            `<Credentials>${el("AccessKeyId", temporary)}${el("SecretAccessKey", ASSUMED_SECRET)}${el("SessionToken", SESSION_TOKEN)}${el("Expiration", "2099-01-01T00:00:00Z")}</Credentials><AssumedRoleUser>${el("Arn", `${arn}/s`)}${el("AssumedRoleId", "AROA:s")}</AssumedRoleUser>`,
          );
        }
        case "ListOpenIDConnectProviders":
          return ok(
            `<OpenIDConnectProviderList>${members(account.providers.map((p) => el("Arn", p.arn)))}</OpenIDConnectProviderList>`,
          );
        case "GetOpenIDConnectProvider": {
          const provider = account.providers.find(
            (p) => p.arn === params.get("OpenIDConnectProviderArn"),
          );
          if (provider === undefined)
            return fail(404, "NoSuchEntity", "OpenIDConnect provider not found");
          const url = provider.arn.replace(/^.*oidc-provider\//, "");
          return ok(
            `<ClientIDList>${members(provider.clientIds.map(xmlEscape))}</ClientIDList><ThumbprintList></ThumbprintList>${el("Url", url)}${el("CreateDate", "2024-01-01T00:00:00Z")}`,
          );
        }
        case "GetRole": {
          const found = role();
          return found === undefined
            ? noRole()
            : ok(`<Role>${this.roleXml(accountId, found)}</Role>`);
        }
        case "ListAttachedRolePolicies": {
          const found = role();
          if (found === undefined) return noRole();
          const items = found.attached.map(
            (arn) => el("PolicyName", arn.replace(/^.*\//, "")) + el("PolicyArn", arn),
          );
          return ok(
            `<AttachedPolicies>${members(items)}</AttachedPolicies><IsTruncated>false</IsTruncated>`,
          );
        }
        case "ListRolePolicies": {
          const found = role();
          if (found === undefined) return noRole();
          return ok(
            `<PolicyNames>${members(Object.keys(found.inline).map(xmlEscape))}</PolicyNames><IsTruncated>false</IsTruncated>`,
          );
        }
        case "GetRolePolicy": {
          const found = role();
          const name = params.get("PolicyName") ?? "";
          if (found?.inline[name] === undefined)
            return fail(404, "NoSuchEntity", "policy not found");
          return ok(
            el("RoleName", found.name) +
              el("PolicyName", name) +
              el("PolicyDocument", encodeURIComponent(JSON.stringify(found.inline[name]))),
          );
        }
        case "ListRoles": {
          const start = Number(params.get("Marker") ?? 0);
          const page = account.roles.slice(start, start + this.listRolesPage);
          const next = start + page.length;
          const truncated = next < account.roles.length;
          // ListRoles leaves tags out, as the real API does.
          const roles = page.map((r) => this.roleXml(accountId, { ...r, tags: {} }));
          return ok(
            `<Roles>${members(roles)}</Roles><IsTruncated>${truncated}</IsTruncated>${truncated ? el("Marker", String(next)) : ""}`,
          );
        }
        default:
          return fail(400, "InvalidAction", `unknown action ${action}`);
      }
    });
  }

  private roleXml(accountId: string, role: FakeRole): string {
    const tags = Object.entries(role.tags).map(([k, v]) => el("Key", k) + el("Value", v));
    return (
      el("Path", role.path) +
      el("RoleName", role.name) +
      el("RoleId", "AROAFAKE") +
      el("Arn", `arn:aws:iam::${accountId}:role${role.path}${role.name}`) +
      el("CreateDate", "2024-01-01T00:00:00Z") +
      el("AssumeRolePolicyDocument", encodeURIComponent(JSON.stringify(role.trust))) +
      el("Description", role.description) +
      `<Tags>${members(tags)}</Tags>`
    );
  }
}
