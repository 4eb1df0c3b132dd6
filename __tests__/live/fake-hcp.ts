import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A variable as the fake keeps it. */
export interface FakeVariable {
  readonly id: string;
  key: string;
  value: string;
  sensitive?: boolean;
  category?: "env" | "terraform";
}

export interface FakeWorkspace {
  readonly id: string;
  name: string;
  projectId: string;
  vars: FakeVariable[];
}

export interface FakeVariableSet {
  readonly id: string;
  name: string;
  global?: boolean;
  priority?: boolean;
  ownerProjectId?: string;
  projectIds: string[];
  workspaceIds: string[];
  vars: FakeVariable[];
}

export interface FakeStack {
  readonly id: string;
  name: string;
  projectId: string;
}

export interface FakeProject {
  readonly id: string;
  name: string;
}

export interface FakeHyok {
  readonly id: string;
  name: string;
  kekId: string;
  keyRegion: string;
  primary: boolean;
  status: string;
  error?: string;
  oidcConfigurationId: string;
  agentPoolId: string;
}

export interface FakeAwsOidcConfiguration {
  readonly id: string;
  roleArn: string;
}

export interface FakeAgentPool {
  readonly id: string;
  name: string;
}

const id16 = (prefix: string, n: number) => `${prefix}-${String(n).padStart(16, "0")}`;

/**
 * A fake HCP Terraform API on 127.0.0.1: the JSON:API endpoints the live commands read, with
 * pagination as the real one (`page[size]` at most 100, `meta.pagination`), 401 for a wrong
 * token, 404 for what does not exist, and bursts of 429 on demand.
 */
export class FakeHcp {
  readonly organization: string;
  token = "tfe-token-MARKER-7d1f";
  projects: FakeProject[] = [];
  workspaces: FakeWorkspace[] = [];
  varsets: FakeVariableSet[] = [];
  stacks: FakeStack[] = [];
  hyokConfigurations: FakeHyok[] = [];
  awsOidcConfigurations: FakeAwsOidcConfiguration[] = [];
  agentPools: FakeAgentPool[] = [];
  /** The organization's external ID (`org-…`), which stays with it whatever its name. */
  externalId: string;
  /** Deleted: every path under it answers 404, as for a name nobody holds. */
  organizationDeleted = false;
  /** Every request's path and query, in order. */
  readonly requests: string[] = [];
  /** The next this many requests get HTTP 429. */
  rateLimitNext = 0;
  /** Return sensitive values anyway (the real API never does), to prove they are dropped. */
  leakSensitiveValues = false;
  private counter = 0;
  private server: Server | undefined;

  constructor(organization = "acme") {
    this.organization = organization;
    // Not from the counter, so that the other IDs stay what they were.
    this.externalId = "org-ExTeRnAl0000001";
  }

  /** A Stack in a project. */
  stack(name: string, project: string): FakeStack {
    const stack = { id: id16("st", ++this.counter), name, projectId: this.project(project).id };
    this.stacks.push(stack);
    return stack;
  }

  /** An agent pool of that name (made once). */
  agentPool(name: string): FakeAgentPool {
    const existing = this.agentPools.find((p) => p.name === name);
    if (existing !== undefined) return existing;
    const pool = { id: id16("apool", ++this.counter), name };
    this.agentPools.push(pool);
    return pool;
  }

  /** A HYOK configuration with its AWS OIDC configuration, as a deploy makes them. */
  hyok(
    name: string,
    fields: { kekId: string; keyRegion: string; roleArn: string; agentPool: string },
    extra: Partial<FakeHyok> = {},
  ): FakeHyok {
    const oidc = { id: id16("awsoidc", ++this.counter), roleArn: fields.roleArn };
    this.awsOidcConfigurations.push(oidc);
    const hyok: FakeHyok = {
      id: id16("hyokc", ++this.counter),
      name,
      kekId: fields.kekId,
      keyRegion: fields.keyRegion,
      primary: false,
      status: "available",
      oidcConfigurationId: oidc.id,
      agentPoolId: this.agentPool(fields.agentPool).id,
      ...extra,
    };
    this.hyokConfigurations.push(hyok);
    return hyok;
  }

  /** Deletes a workspace; its name is free for anyone who may create workspaces. */
  deleteWorkspace(name: string): void {
    this.workspaces = this.workspaces.filter((w) => w.name !== name);
  }

  /** A new ID, as a deleted object created again under its old name gets. */
  nextId(prefix: string): string {
    return id16(prefix, ++this.counter);
  }

  get address(): string {
    const port = (this.server?.address() as AddressInfo | null)?.port;
    return `http://127.0.0.1:${port}`;
  }

  project(name: string): FakeProject {
    const existing = this.projects.find((p) => p.name === name);
    if (existing !== undefined) return existing;
    const project = { id: id16("prj", ++this.counter), name };
    this.projects.push(project);
    return project;
  }

  workspace(name: string, project = "Default Project"): FakeWorkspace {
    const ws = {
      id: id16("ws", ++this.counter),
      name,
      projectId: this.project(project).id,
      vars: [],
    };
    this.workspaces.push(ws);
    return ws;
  }

  variable(key: string, value: string, extra: Partial<FakeVariable> = {}): FakeVariable {
    return { id: id16("var", ++this.counter), key, value, category: "env", ...extra };
  }

  varset(name: string, extra: Partial<FakeVariableSet> = {}): FakeVariableSet {
    const set: FakeVariableSet = {
      id: id16("varset", ++this.counter),
      name,
      projectIds: [],
      workspaceIds: [],
      vars: [],
      ...extra,
    };
    this.varsets.push(set);
    return set;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** How many requests went to paths matching a pattern. */
  count(pattern: RegExp): number {
    return this.requests.filter((r) => pattern.test(r)).length;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://fake");
    this.requests.push(`${url.pathname}${url.search}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/vnd.api+json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (this.rateLimitNext > 0) {
      this.rateLimitNext--;
      send(
        429,
        { errors: [{ status: "429", title: "Too Many Requests" }] },
        {
          "x-ratelimit-limit": "30",
          "x-ratelimit-reset": "0.02",
        },
      );
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      send(401, { errors: [{ status: "401", title: "unauthorized" }] });
      return;
    }
    const found = this.route(url);
    if (found === undefined) send(404, { errors: [{ status: "404", title: "not found" }] });
    else send(200, found);
  }

  private route(url: URL): unknown {
    const parts = url.pathname
      .replace(/^\/api\/v2\//, "")
      .split("/")
      .map(decodeURIComponent);
    const q = url.searchParams;
    const org = this.organization;
    if (this.organizationDeleted) return undefined;
    if (parts[0] === "organizations") {
      if (parts[1] !== org) return undefined;
      if (parts.length === 2)
        return {
          data: {
            id: org,
            type: "organizations",
            attributes: { name: org, "external-id": this.externalId },
          },
        };
      if (parts[2] === "hyok-configurations") {
        return this.page(
          q,
          this.hyokConfigurations.map((h) => ({
            id: h.id,
            type: "hyok-configurations",
            attributes: {
              name: h.name,
              "kek-id": h.kekId,
              "kms-options": { "key-region": h.keyRegion },
              primary: h.primary,
              status: h.status,
              error: h.error ?? null,
            },
            relationships: {
              "oidc-configuration": {
                data: { id: h.oidcConfigurationId, type: "aws-oidc-configurations" },
              },
              "agent-pool": { data: { id: h.agentPoolId, type: "agent-pools" } },
            },
          })),
        );
      }
      if (parts[2] === "stacks") {
        const projectId = q.get("filter[project][id]");
        const term = (q.get("search[name]") ?? "").toLowerCase();
        return this.page(
          q,
          this.stacks
            .filter((s) => projectId === null || s.projectId === projectId)
            .filter((s) => s.name.toLowerCase().includes(term))
            .map((s) => ({
              id: s.id,
              type: "stacks",
              attributes: { name: s.name },
              relationships: { project: { data: { id: s.projectId, type: "projects" } } },
            })),
        );
      }
      if (parts[2] === "workspaces" && parts.length === 4) {
        const ws = this.workspaces.find((w) => w.name === parts[3]);
        return ws === undefined ? undefined : { data: this.workspaceJson(ws) };
      }
      if (parts[2] === "workspaces") {
        const projectId = q.get("filter[project][id]");
        return this.page(
          q,
          this.workspaces
            .filter((w) => projectId === null || w.projectId === projectId)
            .map((w) => this.workspaceJson(w)),
        );
      }
      if (parts[2] === "varsets") {
        const term = (q.get("q") ?? "").toLowerCase();
        return this.page(
          q,
          this.varsets
            .filter((s) => s.name.toLowerCase().includes(term))
            .map((s) => this.setJson(s)),
        );
      }
      if (parts[2] === "projects") {
        const names = q.get("filter[names]")?.split(",");
        return this.page(
          q,
          this.projects
            .filter((p) => names === undefined || names.includes(p.name))
            .map((p) => this.projectJson(p)),
        );
      }
      return undefined;
    }
    if (parts[0] === "workspaces") {
      const ws = this.workspaces.find((w) => w.id === parts[1]);
      if (ws === undefined) return undefined;
      if (parts[2] === "vars")
        return this.page(
          q,
          ws.vars.map((v) => this.varJson(v)),
        );
      if (parts[2] === "varsets") {
        const applied = this.varsets.filter(
          (s) =>
            s.global === true ||
            s.workspaceIds.includes(ws.id) ||
            s.projectIds.includes(ws.projectId),
        );
        return this.page(
          q,
          applied.map((s) => this.setJson(s)),
        );
      }
      return undefined;
    }
    if (parts[0] === "varsets" && parts[2] === "relationships" && parts[3] === "vars") {
      const set = this.varsets.find((s) => s.id === parts[1]);
      return set === undefined
        ? undefined
        : this.page(
            q,
            set.vars.map((v) => this.varJson(v)),
          );
    }
    if (parts[0] === "oidc-configurations") {
      const oidc = this.awsOidcConfigurations.find((c) => c.id === parts[1]);
      return oidc === undefined
        ? undefined
        : {
            data: {
              id: oidc.id,
              type: "aws-oidc-configurations",
              attributes: { "role-arn": oidc.roleArn },
            },
          };
    }
    if (parts[0] === "agent-pools") {
      const pool = this.agentPools.find((p) => p.id === parts[1]);
      return pool === undefined
        ? undefined
        : { data: { id: pool.id, type: "agent-pools", attributes: { name: pool.name } } };
    }
    if (parts[0] === "projects") {
      const project = this.projects.find((p) => p.id === parts[1]);
      return project === undefined ? undefined : { data: this.projectJson(project) };
    }
    return undefined;
  }

  private page(q: URLSearchParams, items: unknown[]): unknown {
    const size = Math.min(Number(q.get("page[size]") ?? 20), 100);
    const number = Number(q.get("page[number]") ?? 1);
    const total = Math.max(1, Math.ceil(items.length / size));
    return {
      data: items.slice((number - 1) * size, number * size),
      meta: {
        pagination: {
          "current-page": number,
          "next-page": number < total ? number + 1 : null,
          "prev-page": number > 1 ? number - 1 : null,
          "total-pages": total,
          "total-count": items.length,
        },
      },
    };
  }

  private workspaceJson(ws: FakeWorkspace) {
    return {
      id: ws.id,
      type: "workspaces",
      attributes: { name: ws.name },
      relationships: { project: { data: { id: ws.projectId, type: "projects" } } },
    };
  }

  private varJson(v: FakeVariable) {
    const hide = v.sensitive === true && !this.leakSensitiveValues;
    return {
      id: v.id,
      type: "vars",
      attributes: {
        key: v.key,
        value: hide ? null : v.value,
        sensitive: v.sensitive === true,
        category: v.category ?? "env",
        hcl: false,
      },
    };
  }

  private setJson(s: FakeVariableSet) {
    return {
      id: s.id,
      type: "varsets",
      attributes: { name: s.name, global: s.global === true, priority: s.priority === true },
      relationships: {
        parent: {
          data:
            s.ownerProjectId === undefined
              ? { id: this.organization, type: "organizations" }
              : { id: s.ownerProjectId, type: "projects" },
        },
        projects: { data: s.projectIds.map((id) => ({ id, type: "projects" })) },
        vars: { data: s.vars.map((v) => ({ id: v.id, type: "vars" })) },
      },
    };
  }

  private projectJson(p: FakeProject) {
    return { id: p.id, type: "projects", attributes: { name: p.name } };
  }
}
