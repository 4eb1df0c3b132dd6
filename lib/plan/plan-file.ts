import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { PRODUCT } from "../product";
import { SynthOutputError } from "../synth-output";
import { sorted } from "./deployed";
import { declaredMembers, type Members } from "./members";
import type { Relocation } from "./model";
import { membersSchema, resourceName, stackName } from "./schemas";
import type { PlanOwner, PlanRole, PlanStack, PlanSummary } from "./summary";

/**
 * The plan file, `trust-plan.json` in the output folder: what a synth planned, as the report and
 * `explain` read it later (`npm run report`, `npm run explain`). Compact: the accounts, then the
 * stacks in synth order, each with its roles and variable targets (each role once; `n` is its
 * place in the plan's config order). Written only by a synth that succeeded; a failed synth
 * removes it. For `npm run deploy` it also holds, per stack, the members its configuration
 * declares (what its state holds once deployed) and whether a move awaits its deploy, and the
 * members on their way between stacks (see `lock.ts`).
 */
export const PLAN_FILE = "trust-plan.json";

/** The format of the plan file; a file of another format is refused (synthesize again). */
export const PLAN_FILE_VERSION = 1;

/** A plan file larger than this is refused: it is local input, but not trusted blindly. */
export const MAX_PLAN_FILE_BYTES = 256 * 1024 * 1024;

const AGAIN = 'run "npx cdktf synth" again';
const text = (max: number) => z.string().max(max);
const name = text(256);

const ownerSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("workspace"),
    name,
    project: name.optional(),
    create: z.boolean(),
  }),
  z.strictObject({ kind: z.literal("project"), name }),
  z.strictObject({
    kind: z.literal("stack"),
    name,
    project: name,
    deployment: name.optional(),
  }),
  z.strictObject({ kind: z.literal("module"), name, provider: name, subjectName: name }),
  z.strictObject({
    kind: z.literal("hyok"),
    name,
    agentPool: name,
    kms: z.strictObject({
      kekId: text(2048),
      region: text(64),
      resource: text(2048),
      alias: text(512).optional(),
      actions: z.array(text(256)).max(64).readonly(),
    }),
  }),
]);

const roleSchema = z.strictObject({
  n: z.int().nonnegative(),
  key: text(1024),
  owner: ownerSchema,
  tag: name.optional(),
  phase: z.enum(["run", "plan", "apply"]),
  roleName: text(64),
  arn: text(2048).optional(),
  subject: text(2048),
  policyArns: z.array(text(2048)),
  inlinePolicy: z.record(z.string(), z.unknown()).optional(),
  iamPath: text(512),
});

const variableSchema = z.strictObject({
  key: text(256),
  value: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("text"), text: text(4096) }),
    z.strictObject({ kind: z.literal("role-arn"), role: text(1024), arn: text(2048).optional() }),
  ]),
});

const planFileSchema = z.strictObject({
  product: z.literal(PRODUCT),
  version: z.literal(PLAN_FILE_VERSION),
  /** The synth record's time (`hcp-aws-trust.synth.json`): the file belongs to that synth. */
  synthesizedAt: text(64).optional(),
  hcp: z.strictObject({ organization: name, hostname: name, audience: name }),
  accounts: z.array(
    z.strictObject({
      name: text(64),
      region: text(64),
      partition: text(64),
      accountId: text(12).optional(),
      oidcProvider: z.discriminatedUnion("kind", [
        z.strictObject({ kind: z.literal("created") }),
        z.strictObject({ kind: z.literal("reused"), arn: text(2048) }),
      ]),
    }),
  ),
  pinning: z
    .strictObject({ pinned: z.int().nonnegative(), unpinned: z.array(text(1024)) })
    .optional(),
  stacks: z.array(
    z.strictObject({
      name: stackName,
      account: text(64),
      kind: z.enum(["base", "project"]),
      project: name.optional(),
      bucket: z.int().nonnegative().optional(),
      roles: z.array(roleSchema),
      targets: z.array(
        z.strictObject({ key: text(1024), owner: ownerSchema, variables: z.array(variableSchema) }),
      ),
      members: membersSchema.optional(),
      awaited: z.literal(true).optional(),
    }),
  ),
  relocations: z
    .array(
      z.strictObject({
        resource: resourceName,
        key: text(1024),
        ref: text(2048),
        from: stackName,
        to: stackName,
        phase: z.enum(["keep", "forget"]),
        imports: z.boolean(),
      }),
    )
    .optional(),
});

type PlanFile = z.output<typeof planFileSchema>;

/** An owner as the file holds it: without where its entry is in the config. */
function ownerOf(owner: PlanOwner): PlanOwner {
  switch (owner.kind) {
    case "workspace": {
      const { kind, name, project, create } = owner;
      return { kind, name, ...(project === undefined ? {} : { project }), create };
    }
    case "project":
      return { kind: owner.kind, name: owner.name };
    case "stack": {
      const { kind, name, project, deployment } = owner;
      return { kind, name, project, ...(deployment === undefined ? {} : { deployment }) };
    }
    case "module": {
      const { kind, name, provider, subjectName } = owner;
      return { kind, name, provider, subjectName };
    }
    case "hyok": {
      const { kind, name, agentPool, kms } = owner;
      return { kind, name, agentPool, kms };
    }
  }
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

/** The plan file's content for a plan. */
export function planFileOf(plan: PlanSummary, synthesizedAt?: string): PlanFile {
  const order = new Map(plan.roles.map((role, n) => [role, n]));
  return {
    product: PRODUCT,
    version: PLAN_FILE_VERSION,
    ...optional("synthesizedAt", synthesizedAt),
    hcp: { ...plan.hcp },
    ...optional(
      "pinning",
      plan.pinning === undefined
        ? undefined
        : { pinned: plan.pinning.pinned, unpinned: [...plan.pinning.unpinned] },
    ),
    accounts: plan.accounts.map((a) => ({
      name: a.name,
      region: a.region,
      partition: a.partition,
      ...optional("accountId", a.accountId),
      oidcProvider: a.oidcProvider,
    })),
    stacks: plan.stacks.map((stack) => ({
      name: stack.name,
      account: stack.account,
      kind: stack.kind,
      ...optional("project", stack.project),
      ...optional("bucket", stack.bucket),
      roles: stack.roles.map((role) => ({
        n: order.get(role) ?? -1,
        key: role.key,
        owner: ownerOf(role.owner),
        ...optional("tag", role.tag),
        phase: role.phase,
        roleName: role.roleName,
        ...optional("arn", role.arn),
        subject: role.subject,
        policyArns: [...role.policyArns],
        ...optional("inlinePolicy", role.inlinePolicy),
        iamPath: role.iamPath,
      })),
      targets: stack.targets.map((target) => ({
        key: target.key,
        owner: ownerOf(target.owner),
        variables: target.variables.map((v) => ({ key: v.key, value: { ...v.value } })),
      })),
      ...(plan.relocations === undefined ? {} : { members: sorted(declaredMembers(stack)) }),
      ...(stack.awaited === true ? { awaited: true as const } : {}),
    })),
    ...(plan.relocations === undefined
      ? {}
      : {
          relocations: plan.relocations.map(({ resource, key, ref, from, to, phase, imports }) => ({
            resource,
            key,
            ref,
            from,
            to,
            phase,
            imports,
          })),
        }),
  };
}

/** Writes the plan file into a synth's output folder. */
export function writePlanFile(outdir: string, plan: PlanSummary, synthesizedAt?: string): void {
  writeFileSync(join(outdir, PLAN_FILE), `${JSON.stringify(planFileOf(plan, synthesizedAt))}\n`);
}

/**
 * The plan of the synth in `outdir`, from its plan file. Throws {@link SynthOutputError}, one
 * line saying what to do, when the file is missing, too large, not JSON, of another format, not
 * of this app's making, or (given the synth record's time) of another synth.
 */
export function readPlanFile(outdir: string, synthesizedAt?: string): PlanSummary {
  const { file, refuse } = parsePlanFile(outdir, synthesizedAt);
  return summaryOf(file, refuse);
}

/** A stack of the plan file as `npm run deploy` reads it. */
export interface DeployPlanStack {
  readonly name: string;
  readonly account: string;
  readonly kind: "base" | "project";
  /** What its configuration declares: what its state holds once a deploy of it succeeded. */
  readonly members: Members;
  /** A move waits for its deploy (see `lock.ts`). */
  readonly awaited: boolean;
}

/** What `npm run deploy` reads of a synth's plan file: its stacks and the members moving between them. */
export interface DeployPlan {
  readonly stacks: readonly DeployPlanStack[];
  readonly relocations: readonly Relocation[];
}

/**
 * The stacks and moves of the synth in `outdir`, for the deploy. Throws {@link SynthOutputError}
 * as {@link readPlanFile} does, and when the file was written by a version of the app without
 * the deploy record.
 */
export function readDeployPlan(outdir: string, synthesizedAt?: string): DeployPlan {
  const { file, refuse } = parsePlanFile(outdir, synthesizedAt);
  summaryOf(file, refuse);
  if (file.relocations === undefined || file.stacks.some((s) => s.members === undefined))
    refuse("it was written by a version of the app without the deploy record");
  return {
    stacks: file.stacks.map((stack) => ({
      name: stack.name,
      account: stack.account,
      kind: stack.kind,
      members: stack.members ?? {},
      awaited: stack.awaited === true,
    })),
    relocations: file.relocations ?? [],
  };
}

function parsePlanFile(
  outdir: string,
  synthesizedAt: string | undefined,
): { file: PlanFile; refuse: (why: string) => never } {
  const path = join(outdir, PLAN_FILE);
  if (!existsSync(path)) {
    throw new SynthOutputError(
      `${path} is missing (a synth of an older version of this app, or not a synth's output folder): ${AGAIN}`,
    );
  }
  const size = statSync(path).size;
  if (size > MAX_PLAN_FILE_BYTES)
    throw new SynthOutputError(
      `${path} is ${size} bytes, over the limit of ${MAX_PLAN_FILE_BYTES}: ${AGAIN}`,
    );
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new SynthOutputError(`${path} is not valid JSON (${(error as Error).message}): ${AGAIN}`);
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version !== PLAN_FILE_VERSION) {
    throw new SynthOutputError(
      `${path} is of format ${version}, and this version of the app reads format ${PLAN_FILE_VERSION}: ${AGAIN}`,
    );
  }
  const parsed = planFileSchema.safeParse(data);
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    const where =
      problem === undefined
        ? ""
        : ` (at ${problem.path.join(".") || "the top"}: ${problem.message})`;
    throw new SynthOutputError(`${path} is not a plan file of this app${where}: ${AGAIN}`);
  }
  const file = parsed.data;
  const refuse = (why: string) => {
    throw new SynthOutputError(`${path} is not a plan file of this app (${why}): ${AGAIN}`);
  };
  if (synthesizedAt !== undefined && file.synthesizedAt !== synthesizedAt)
    refuse(`it is not from the synth of ${synthesizedAt} recorded beside it`);
  return { file, refuse };
}

/** The plan a valid file describes; `refuse` is told what does not hold together. */
function summaryOf(file: PlanFile, refuse: (why: string) => never): PlanSummary {
  const accounts = new Set(file.accounts.map((a) => a.name));
  const stacks = new Set<string>();
  const roles: PlanRole[] = [];
  const planStacks: PlanStack[] = file.stacks.map((stack) => {
    if (!accounts.has(stack.account)) refuse(`stack ${stack.name} names no account of the file`);
    if (stacks.has(stack.name)) refuse(`stack ${stack.name} is listed twice`);
    stacks.add(stack.name);
    const own = stack.roles.map(({ n, ...role }) => {
      const planned: PlanRole = { ...role, account: stack.account };
      roles[n] = planned;
      return planned;
    });
    const { members: _, awaited: __, ...rest } = stack;
    return { ...rest, roles: own };
  });
  const count = file.stacks.reduce((sum, s) => sum + s.roles.length, 0);
  if (roles.length !== count || Array.from(roles).some((r) => r === undefined))
    refuse("the roles' places in the plan (n) are not 0 to their number, each once");
  const keys = new Set(roles.map((r) => r.key));
  if (keys.size !== roles.length) refuse("two roles have the same key");
  for (const stack of file.stacks) {
    for (const target of stack.targets) {
      for (const { key, value } of target.variables) {
        if (value.kind === "role-arn" && !keys.has(value.role))
          refuse(`variable ${key} of ${target.key} names role ${value.role}, which is not in it`);
      }
    }
  }
  return {
    hcp: file.hcp,
    accounts: file.accounts,
    roles,
    stacks: planStacks,
    ...(file.pinning === undefined ? {} : { pinning: file.pinning }),
  };
}
