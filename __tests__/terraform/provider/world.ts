import { mkdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The world the test providers act on: one JSON file per provider under the folder
 * `HCP_AWS_TRUST_TF_WORLD` names (each terraform command starts fresh provider processes, so the
 * world lives on disk). The shapes extend the fakes' (`__tests__/live/fake-aws.ts`, `fake-hcp.ts`)
 * so a test can hand what Terraform wrote to them.
 */
export const WORLD_ENV = "HCP_AWS_TRUST_TF_WORLD";

export interface WorldRole {
  name: string;
  path: string;
  /** The trust policy, parsed. */
  trust: unknown;
  tags: Record<string, string>;
  description: string;
  /** Managed policy ARNs attached. */
  attached: string[];
  /** Inline policies by name, parsed. */
  inline: Record<string, unknown>;
  roleId: string;
  createDate: string;
  maxSessionDuration: number;
  permissionsBoundary: string | null;
}

export interface WorldOidcProvider {
  arn: string;
  url: string;
  clientIds: string[];
  thumbprints: string[];
  tags: Record<string, string>;
}

export interface WorldAccount {
  id: string;
  providers: WorldOidcProvider[];
  roles: WorldRole[];
}

export interface AwsWorld {
  /** The account whose credentials the environment holds (the caller when no role is assumed). */
  callerAccount: string;
  accounts: Record<string, WorldAccount>;
  counter: number;
}

export interface WorldVariable {
  id: string;
  key: string;
  value: string;
  sensitive: boolean;
  category: "env" | "terraform";
  description: string;
  hcl: boolean;
}

export interface WorldWorkspace {
  id: string;
  name: string;
  organization: string;
  projectId: string;
  description: string;
  vars: WorldVariable[];
}

export interface WorldProject {
  id: string;
  name: string;
  organization: string;
}

export interface WorldVariableSet {
  id: string;
  name: string;
  organization: string;
  description: string;
  global: boolean;
  priority: boolean;
  ownerProjectId: string | null;
  projectIds: string[];
  workspaceIds: string[];
  vars: WorldVariable[];
}

export interface WorldTestVariable extends WorldVariable {
  organization: string;
  moduleName: string;
  moduleProvider: string;
}

export interface WorldAgentPool {
  id: string;
  name: string;
  organization: string;
}

export interface WorldAwsOidcConfiguration {
  id: string;
  organization: string;
  roleArn: string;
}

export interface WorldHyokConfiguration {
  id: string;
  name: string;
  organization: string;
  kekId: string;
  keyRegion: string;
  oidcConfigurationId: string;
  agentPoolId: string;
}

export interface TfeWorld {
  projects: WorldProject[];
  workspaces: WorldWorkspace[];
  varsets: WorldVariableSet[];
  testVariables: WorldTestVariable[];
  agentPools: WorldAgentPool[];
  awsOidcConfigurations: WorldAwsOidcConfiguration[];
  hyokConfigurations: WorldHyokConfiguration[];
  counter: number;
}

export const emptyAwsWorld = (callerAccount: string): AwsWorld => ({
  callerAccount,
  accounts: {},
  counter: 0,
});
export const emptyTfeWorld = (): TfeWorld => ({
  projects: [],
  workspaces: [],
  varsets: [],
  testVariables: [],
  agentPools: [],
  awsOidcConfigurations: [],
  hyokConfigurations: [],
  counter: 0,
});

export function worldDir(): string {
  const dir = process.env[WORLD_ENV];
  if (dir === undefined || dir === "") {
    throw new Error(`${WORLD_ENV} names no folder: the test providers keep their world there`);
  }
  return dir;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs `change` on the world file's content and writes the result back, under a lock folder:
 * Terraform may run two processes of one provider at once (two configurations of it), and a
 * test may read the file while they write. Synchronous on purpose: a gRPC call's change is atomic
 * within its process.
 */
export function updateWorld<W, T>(file: string, empty: () => W, change: (world: W) => T): T {
  const lock = `${file}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 6000) throw error;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
  try {
    const world = readWorld(file, empty);
    const result = change(world);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(world, null, 2)}\n`);
    renameSync(temporary, file);
    return result;
  } finally {
    rmdirSync(lock);
  }
}

export function readWorld<W>(file: string, empty: () => W): W {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as W;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return empty();
    throw error;
  }
}

export const awsWorldFile = (dir: string) => join(dir, "aws.json");
export const tfeWorldFile = (dir: string) => join(dir, "tfe.json");
