/**
 * What the commands read from HCP Terraform, one request per object the config names (never a
 * listing of the whole organization per workspace). Endpoints, as go-tfe calls them:
 * - `GET /organizations/ORG/workspaces/NAME` (workspace.go `Read`)
 * - `GET /workspaces/ID/vars` (variable.go `List`)
 * - `GET /workspaces/ID/varsets`: the sets applied to the workspace (variable_set.go `ListForWorkspace`)
 * - `GET /varsets/ID/relationships/vars` (variable_set_variable.go `List`)
 * - `GET /organizations/ORG/varsets?q=NAME` (variable_set.go `List`, `q` matches names partially)
 * - `GET /projects/ID`, `GET /organizations/ORG/projects?filter[names]=NAME` (project.go)
 * - `GET /organizations/ORG/workspaces?filter[project][id]=ID` (workspace.go `List`)
 * - `GET /organizations/ORG`: its `external-id` (`org-…`), the ID its name may not keep
 * - `GET /organizations/ORG/stacks?filter[project][id]=ID&search[name]=NAME` (stack.go `List`)
 * - `GET /organizations/ORG/hyok-configurations` (hyok_configuration.go `List`),
 *   `GET /oidc-configurations/ID` (aws_oidc_configuration.go `Read`), `GET /agent-pools/ID`
 *   (agent_pool.go `Read`)
 */
import { CannotCheckError } from "./errors";
import type { HcpClient, Resource } from "./hcp-client";

export interface LiveWorkspace {
  readonly id: string;
  readonly name: string;
  readonly projectId?: string;
}

export interface LiveVariable {
  readonly id: string;
  readonly key: string;
  /** Never set for a sensitive variable, whatever the API sends. */
  readonly value?: string;
  readonly sensitive: boolean;
  readonly category: string;
}

export interface LiveVariableSet {
  readonly id: string;
  readonly name: string;
  readonly global: boolean;
  readonly priority: boolean;
  /** Who owns the set: the organization, or a project (its ID). */
  readonly ownerProjectId?: string;
  /** Projects the set is applied to, as far as the API lists them. */
  readonly projectIds: readonly string[];
}

export interface LiveOrganization {
  /** `org-…`: stays with the organization, unlike its name. */
  readonly externalId?: string;
}

export interface LiveStack {
  readonly id: string;
  readonly name: string;
}

export interface LiveProject {
  readonly id: string;
  readonly name: string;
}

/** A HYOK configuration as the API describes it (go-tfe `HYOKConfiguration`). */
export interface LiveHyok {
  readonly id: string;
  readonly name: string;
  readonly kekId: string;
  readonly keyRegion?: string;
  readonly primary: boolean;
  /** `untested`, `testing`, `test_failed`, `available`, `errored`, `revoking`, `revoked`. */
  readonly status: string;
  readonly error?: string;
  readonly oidcConfiguration?: { readonly id: string; readonly type: string };
  readonly agentPoolId?: string;
}

const seg = encodeURIComponent;

export class HcpReader {
  private readonly setVariablesCache = new Map<string, Promise<LiveVariable[]>>();
  private readonly projectCache = new Map<string, Promise<LiveProject | undefined>>();

  constructor(
    readonly client: HcpClient,
    readonly organization: string,
  ) {}

  /**
   * The organization as the token sees it: its external ID (`org-…`), or undefined when the
   * API answers 404 (deleted, or not readable with this token: it does not say which).
   */
  async organizationInfo(): Promise<LiveOrganization | undefined> {
    const org = await this.client.get(`/organizations/${seg(this.organization)}`, {
      object: `organization ${this.organization}`,
      permission: "membership in the organization",
    });
    if (org === undefined) return undefined;
    const external = org.attributes["external-id"];
    return typeof external === "string" ? { externalId: external } : {};
  }

  /** Checks that the token reaches the organization; throws {@link CannotCheckError} otherwise. */
  async checkOrganization(): Promise<LiveOrganization> {
    const org = await this.organizationInfo();
    if (org === undefined) {
      throw new CannotCheckError(
        `organization ${this.organization} was not found, or TFE_TOKEN may not read it (HCP Terraform answers 404 to both): check hcp.organization and that the token belongs to a team or user of that organization`,
      );
    }
    return org;
  }

  /** The organization's HYOK configurations. */
  async hyokConfigurations(): Promise<LiveHyok[]> {
    const items = await this.client.list(
      `/organizations/${seg(this.organization)}/hyok-configurations`,
      {
        object: `the HYOK configurations of organization ${this.organization}`,
        permission: "read access to the organization's HYOK configurations (organization owners)",
      },
    );
    return (items ?? []).map(toHyok);
  }

  /** The role ARN of an AWS OIDC configuration, if it can be read. */
  async awsOidcRoleArn(id: string): Promise<string | undefined> {
    const data = await this.client.get(`/oidc-configurations/${seg(id)}`, {
      object: `OIDC configuration ${id}`,
      permission: "read access to the organization's OIDC configurations (organization owners)",
    });
    const arn = data?.attributes["role-arn"];
    return typeof arn === "string" ? arn : undefined;
  }

  /** An agent pool's name, if it can be read. */
  async agentPoolName(id: string): Promise<string | undefined> {
    const data = await this.client.get(`/agent-pools/${seg(id)}`, {
      object: `agent pool ${id}`,
      permission: "read access to the organization's agent pools",
    });
    const name = data?.attributes.name;
    return typeof name === "string" ? name : undefined;
  }

  /** The Stack of that exact name in a project, if any. */
  async stackByName(project: LiveProject, name: string): Promise<LiveStack | undefined> {
    const url = `/organizations/${seg(this.organization)}/stacks?filter[project][id]=${seg(project.id)}&search[name]=${seg(name)}`;
    const items = await this.client.list(url, {
      object: `the Stacks of project ${JSON.stringify(project.name)}`,
      permission: `read access to the Stacks of project ${JSON.stringify(project.name)}`,
    });
    // `search` matches names partially; a Stack that names its project must name this one.
    const found = (items ?? []).find((item) => {
      const inProject = relatedId(item, "project");
      return item.attributes.name === name && (inProject === undefined || inProject === project.id);
    });
    return found === undefined ? undefined : { id: found.id, name };
  }

  async workspace(name: string): Promise<LiveWorkspace | undefined> {
    const data = await this.client.get(
      `/organizations/${seg(this.organization)}/workspaces/${seg(name)}`,
      workspaceTarget(name),
    );
    return data === undefined ? undefined : toWorkspace(data);
  }

  async workspaceVariables(workspace: LiveWorkspace): Promise<LiveVariable[]> {
    const items = await this.client.list(`/workspaces/${seg(workspace.id)}/vars`, {
      object: `the variables of workspace ${workspace.name}`,
      permission: `the "Read variables" permission on workspace ${workspace.name}`,
    });
    return (items ?? []).map(toVariable);
  }

  async workspaceVariableSets(workspace: LiveWorkspace): Promise<LiveVariableSet[]> {
    const items = await this.client.list(`/workspaces/${seg(workspace.id)}/varsets`, {
      object: `the variable sets applied to workspace ${workspace.name}`,
      permission: `the "Read variables" permission on workspace ${workspace.name}`,
    });
    return (items ?? []).map(toVariableSet);
  }

  /** A set's variables; read once per set, however many workspaces it applies to. */
  setVariables(set: { readonly id: string; readonly name: string }): Promise<LiveVariable[]> {
    let cached = this.setVariablesCache.get(set.id);
    if (cached === undefined) {
      cached = this.client
        .list(`/varsets/${seg(set.id)}/relationships/vars`, {
          object: `the variables of variable set ${JSON.stringify(set.name)}`,
          permission:
            "read access to the variable set (it is read through a workspace it applies to, or with organization access to variable sets)",
        })
        .then((items) => (items ?? []).map(toVariable));
      this.setVariablesCache.set(set.id, cached);
    }
    return cached;
  }

  /** The organization's variable set of that exact name, if any. */
  async variableSetByName(name: string): Promise<LiveVariableSet | undefined> {
    const url = `/organizations/${seg(this.organization)}/varsets?q=${seg(name)}&include=projects`;
    const items = await this.client.list(url, {
      object: `the variable sets of organization ${this.organization}`,
      permission: 'organization access to variable sets (e.g. "Manage all projects")',
    });
    const found = (items ?? []).find((item) => item.attributes.name === name);
    return found === undefined ? undefined : toVariableSet(found);
  }

  /** A project by ID; read once per project. */
  project(id: string): Promise<LiveProject | undefined> {
    let cached = this.projectCache.get(id);
    if (cached === undefined) {
      cached = this.client
        .get(`/projects/${seg(id)}`, {
          object: `project ${id}`,
          permission: "read access to the project",
        })
        .then((data) => (data === undefined ? undefined : toProject(data)));
      this.projectCache.set(id, cached);
    }
    return cached;
  }

  /** The project of that exact name, if any. */
  async projectByName(name: string): Promise<LiveProject | undefined> {
    const url = `/organizations/${seg(this.organization)}/projects?filter[names]=${seg(name)}`;
    const items = await this.client.list(url, {
      object: `project ${JSON.stringify(name)}`,
      permission: "read access to the project",
    });
    const found = (items ?? []).find((item) => item.attributes.name === name);
    return found === undefined ? undefined : toProject(found);
  }

  /** The workspaces of a project, page by page. */
  async workspacesInProject(project: LiveProject): Promise<LiveWorkspace[]> {
    const url = `/organizations/${seg(this.organization)}/workspaces?filter[project][id]=${seg(project.id)}`;
    const items = await this.client.list(url, {
      object: `the workspaces of project ${JSON.stringify(project.name)}`,
      permission: `read access to the workspaces of project ${JSON.stringify(project.name)}`,
    });
    return (items ?? []).map(toWorkspace);
  }
}

function workspaceTarget(name: string) {
  return {
    object: `workspace ${name}`,
    permission: `read access to workspace ${name} (e.g. the "Read" role on its project)`,
  };
}

function relatedId(resource: Resource, name: string): string | undefined {
  const data = resource.relationships?.[name]?.data as { id?: unknown } | null | undefined;
  return typeof data?.id === "string" ? data.id : undefined;
}

function toWorkspace(data: Resource): LiveWorkspace {
  const projectId = relatedId(data, "project");
  return {
    id: data.id,
    name: String(data.attributes.name),
    ...(projectId === undefined ? {} : { projectId }),
  };
}

function toVariable(data: Resource): LiveVariable {
  const sensitive = data.attributes.sensitive === true;
  const value = data.attributes.value;
  return {
    id: data.id,
    key: String(data.attributes.key),
    ...(sensitive || typeof value !== "string" ? {} : { value }),
    sensitive,
    category: String(data.attributes.category),
  };
}

function toVariableSet(data: Resource): LiveVariableSet {
  const parent = data.relationships?.parent?.data as { id?: unknown; type?: unknown } | undefined;
  const projects = data.relationships?.projects?.data;
  return {
    id: data.id,
    name: String(data.attributes.name),
    global: data.attributes.global === true,
    priority: data.attributes.priority === true,
    ...(parent?.type === "projects" && typeof parent.id === "string"
      ? { ownerProjectId: parent.id }
      : {}),
    projectIds: Array.isArray(projects)
      ? projects.flatMap((p: { id?: unknown }) => (typeof p?.id === "string" ? [p.id] : []))
      : [],
  };
}

function toHyok(data: Resource): LiveHyok {
  const options = data.attributes["kms-options"] as Record<string, unknown> | null | undefined;
  const region = options?.["key-region"];
  const oidc = data.relationships?.["oidc-configuration"]?.data as
    | { id?: unknown; type?: unknown }
    | null
    | undefined;
  const error = data.attributes.error;
  const agentPoolId = relatedId(data, "agent-pool");
  return {
    id: data.id,
    name: String(data.attributes.name),
    kekId: String(data.attributes["kek-id"] ?? ""),
    ...(typeof region === "string" && region !== "" ? { keyRegion: region } : {}),
    primary: data.attributes.primary === true,
    status: String(data.attributes.status ?? ""),
    ...(typeof error === "string" && error !== "" ? { error } : {}),
    ...(typeof oidc?.id === "string"
      ? { oidcConfiguration: { id: oidc.id, type: String(oidc.type ?? "") } }
      : {}),
    ...(agentPoolId === undefined ? {} : { agentPoolId }),
  };
}

function toProject(data: Resource): LiveProject {
  return { id: data.id, name: String(data.attributes.name) };
}
