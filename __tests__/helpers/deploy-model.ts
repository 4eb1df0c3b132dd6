/**
 * A model of what deploying the synthesized stacks does to AWS and HCP Terraform, at the level of
 * the members a stack declares (see `lib/plan/members.ts`): each stack has a Terraform state
 * (address → object), the world has objects (a role in an account, a variable of a workspace).
 * A deploy does what Terraform does with the stack's configuration: refresh (objects that are gone
 * leave the state), `moved` + `removed { destroy = false }` (forget), `import` blocks (refused for
 * an object that does not exist, skipped when the address is in the state already; the carried
 * variables' imports are conditional), create, update and destroy, with `prevent_destroy` on
 * created workspaces. A failed deploy fails at plan (nothing applied) or part way through its
 * apply (the first actions applied, in an order Terraform may take: roles and containers before
 * what depends on them, variables last, as their `depends_on` on the roles orders them; what is
 * destroyed in the reverse order, and before the variables are written, which nothing prevents).
 *
 * What the model records as violations is what the layout lock and the deploy record must never
 * let happen, whatever the order of synths and deploys: an import of an object that does not
 * exist, a create of an object that exists, a plan stopped by `prevent_destroy` that the config
 * did not ask for, an object that exists in no state, a variable naming a role that does not exist.
 */
import { createHash } from "node:crypto";
import { membersOf, RESOURCES } from "../../lib/plan/members";
import type {
  PlannedStack,
  Relocation,
  ResourceName,
  TrustPlan,
  VariableTarget,
} from "../../lib/plan/model";

/** `RESOURCE|SCOPE|KEY`: the scope of an AWS object is its account, of an HCP Terraform one `hcp`. */
export type ObjectId = string;

const AWS = new Set<string>([RESOURCES.role, RESOURCES.attachment, RESOURCES.inline]);

export function objectOf(resource: string, key: string, account: string): ObjectId {
  return `${resource}|${AWS.has(resource) ? account : "hcp"}|${key}`;
}

export function addressOf(resource: string, key: string): string {
  return `${resource}["${key}"]`;
}

/** What a stack's configuration declares, as Terraform sees it. */
export interface StackConfig {
  readonly name: string;
  readonly account: string;
  /** Address → the object and, for a variable naming a role, that role. */
  readonly declared: ReadonlyMap<string, { object: ObjectId; value?: ObjectId }>;
  /** `import` blocks: address → object; `conditional`: imported only when it exists (variables). */
  readonly imports: ReadonlyMap<string, { object: ObjectId; conditional: boolean }>;
  /** Addresses forgotten (`moved` to a departed name, then `removed` with `destroy = false`). */
  readonly forgets: ReadonlySet<string>;
  /** `tfe_workspace.created` is written, so `prevent_destroy` guards the state's created workspaces. */
  readonly guards: boolean;
}

/** The order Terraform creates things in: a role before its attachments, a workspace before its variables. */
const CREATE_ORDER: readonly string[] = [
  RESOURCES.role,
  RESOURCES.workspace,
  RESOURCES.variableSet,
  RESOURCES.attachment,
  RESOURCES.inline,
  RESOURCES.projectVariableSet,
  RESOURCES.variable,
  RESOURCES.testVariable,
];

const resourceOf = (address: string) => address.slice(0, address.indexOf("["));

/** A stack's members with the planned values of its variables. */
function declaredOf(
  stack: PlannedStack,
  accountOfId: ReadonlyMap<string, string>,
): Map<string, { object: ObjectId; value?: ObjectId }> {
  const kept = (stack as { kept?: { roles: PlannedStack["roles"]; targets: VariableTarget[] } })
    .kept;
  const parts = [stack, ...(kept === undefined ? [] : [{ ...stack, ...kept }])];
  const declared = new Map<string, { object: ObjectId; value?: ObjectId }>();
  for (const part of parts) {
    for (const [resource, keys] of Object.entries(membersOf(part))) {
      for (const key of Object.keys(keys))
        declared.set(addressOf(resource, key), { object: objectOf(resource, key, stack.account) });
    }
    for (const target of part.targets) {
      for (const variable of target.variables) {
        if (variable.value.kind !== "role-arn") continue;
        const { role, arn } = variable.value;
        const id = arn === undefined ? undefined : /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];
        const account = id === undefined ? stack.account : accountOfId.get(id);
        if (account === undefined) throw new Error(`no account has ID ${id}`);
        const address = addressOf(RESOURCES.variable, `${target.key}_${variable.key}`);
        const entry = declared.get(address);
        if (entry !== undefined)
          declared.set(address, { ...entry, value: objectOf(RESOURCES.role, role, account) });
      }
    }
  }
  return declared;
}

/** The configuration a plan gives a stack (undefined when the plan has no such stack). */
export function stackConfigOf(
  plan: TrustPlan,
  name: string,
  accountOfId: ReadonlyMap<string, string>,
): StackConfig | undefined {
  const stack = plan.stacks.find((s) => s.name === name);
  if (stack === undefined) return undefined;
  const declared = declaredOf(stack, accountOfId);
  const relocations = plan.relocations as ReadonlyArray<
    Relocation & { phase?: string; imports?: boolean }
  >;
  const imports = new Map<string, { object: ObjectId; conditional: boolean }>();
  const forgets = new Set<string>();
  for (const r of relocations) {
    if (r.to === name && (r.imports ?? true))
      imports.set(addressOf(r.resource, r.key), {
        object: objectOf(r.resource, r.key, stack.account),
        conditional: r.resource === RESOURCES.variable,
      });
    if (r.from === name && (r.phase ?? "forget") === "forget")
      forgets.add(addressOf(r.resource, r.key));
  }
  const guards =
    stack.guardsCreated === true ||
    [...declared.keys()].some((a) => resourceOf(a) === RESOURCES.workspace);
  return { name, account: stack.account, declared, imports, forgets, guards };
}

/** A digest of a stack's configuration, standing for the digest of its synthesized JSON. */
export function digestOf(config: StackConfig): string {
  const text = JSON.stringify({
    declared: [...config.declared].sort(([a], [b]) => a.localeCompare(b)),
    imports: [...config.imports].sort(([a], [b]) => a.localeCompare(b)),
    forgets: [...config.forgets].sort(),
    guards: config.guards,
  });
  return createHash("sha256").update(text).digest("hex");
}

/** How a deploy ends: as planned, stopped at plan (nothing applied), or after its first `cut` actions. */
export type Outcome =
  | { readonly kind: "ok" }
  | { readonly kind: "plan-error" }
  | { readonly kind: "partial"; readonly cut: number };

type Action =
  | { kind: "forget"; address: string }
  | { kind: "import"; address: string; object: ObjectId; value?: ObjectId }
  | { kind: "create"; address: string; object: ObjectId; value?: ObjectId }
  | { kind: "update"; address: string; object: ObjectId; value?: ObjectId }
  | { kind: "destroy"; address: string; object: ObjectId };

export class TerraformWorld {
  /** Objects that exist, with the role a variable names. */
  readonly objects = new Map<ObjectId, { value?: ObjectId }>();
  /** Each stack's state: address → object. */
  readonly states = new Map<string, Map<string, ObjectId>>();
  readonly violations: string[] = [];

  stateOf(stack: string): Map<string, ObjectId> {
    let state = this.states.get(stack);
    if (state === undefined) {
      state = new Map();
      this.states.set(stack, state);
    }
    return state;
  }

  /**
   * Deploys one stack's configuration; returns whether it succeeded. A failure the outcome asks
   * for is not a violation; a failure Terraform would report for the configuration itself is.
   */
  deploy(config: StackConfig, outcome: Outcome): boolean {
    const state = this.stateOf(config.name);
    // Refresh: what no longer exists leaves the state.
    for (const [address, object] of [...state]) {
      if (!this.objects.has(object)) state.delete(address);
    }
    if (outcome.kind === "plan-error") return false;
    const actions: Action[] = [];
    const inState = new Set(state.keys());
    for (const address of config.forgets) {
      if (inState.delete(address)) actions.push({ kind: "forget", address });
    }
    const imported = new Set<string>();
    for (const [address, { object, conditional }] of config.imports) {
      if (inState.has(address)) continue;
      if (!this.objects.has(object)) {
        if (conditional) continue;
        this.violations.push(
          `${config.name}: Cannot import non-existent remote object (${address}, ${object})`,
        );
        return false;
      }
      if (!config.declared.has(address)) {
        this.violations.push(`${config.name}: import of ${address}, which it does not declare`);
        return false;
      }
      imported.add(address);
    }
    const applies: Action[] = [];
    for (const [address, { object, value }] of config.declared) {
      if (imported.has(address)) {
        applies.push({ kind: "import", address, object, ...(value ? { value } : {}) });
      } else if (inState.has(address)) {
        if (state.get(address) !== object) {
          this.violations.push(
            `${config.name}: ${address} holds ${state.get(address)}, not ${object}`,
          );
          return false;
        }
        if (this.objects.get(object)?.value !== value)
          applies.push({ kind: "update", address, object, ...(value ? { value } : {}) });
      } else {
        applies.push({ kind: "create", address, object, ...(value ? { value } : {}) });
      }
    }
    // Variables depend on the stack's roles (`depends_on`): written after them, whatever their
    // kind. Nothing orders a destroy after an update of what depended on it (Terraform may
    // destroy a role before it updates the variable that named it): the destroys come first.
    const rank = (a: Action) => CREATE_ORDER.indexOf(resourceOf(a.address));
    const isVariable = (a: Action) => resourceOf(a.address) === RESOURCES.variable;
    const destroys: Action[] = [];
    for (const address of inState) {
      if (config.declared.has(address)) continue;
      if (config.guards && resourceOf(address) === RESOURCES.workspace) {
        this.violations.push(`${config.name}: Instance cannot be destroyed (${address})`);
        return false;
      }
      destroys.push({ kind: "destroy", address, object: state.get(address) as ObjectId });
    }
    applies.sort((a, b) => rank(a) - rank(b));
    actions.push(
      ...applies.filter((a) => !isVariable(a)),
      ...destroys.sort((a, b) => rank(b) - rank(a)),
      ...applies.filter(isVariable),
    );
    const cut = outcome.kind === "partial" ? Math.min(outcome.cut, actions.length) : actions.length;
    for (const action of actions.slice(0, cut)) {
      switch (action.kind) {
        case "forget":
          state.delete(action.address);
          break;
        case "import":
        case "update":
          state.set(action.address, action.object);
          this.objects.set(action.object, action.value ? { value: action.value } : {});
          break;
        case "create":
          if (this.objects.has(action.object)) {
            this.violations.push(`${config.name}: ${action.object} already exists`);
            return false;
          }
          state.set(action.address, action.object);
          this.objects.set(action.object, action.value ? { value: action.value } : {});
          break;
        case "destroy":
          state.delete(action.address);
          this.objects.delete(action.object);
          break;
      }
    }
    return outcome.kind === "ok";
  }

  /** Deletes a created workspace by hand (the first step of retiring it), with its variables. */
  deleteWorkspace(name: string): void {
    this.objects.delete(objectOf(RESOURCES.workspace, name, "hcp"));
    const prefix = `${RESOURCES.variable}|hcp|ws_${name}_`;
    for (const object of [...this.objects.keys()])
      if (object.startsWith(prefix)) this.objects.delete(object);
  }

  /**
   * Objects that exist but are in no state, and variables of the config's workspaces (`ws_NAME_`
   * keys, NAME in `workspaces`) that name a role that does not exist. A workspace removed from the
   * config loses its variables and roles in whatever order its stacks are deployed.
   */
  checkInvariants(when: string, workspaces: ReadonlySet<string>): void {
    const held = new Set<ObjectId>();
    for (const state of this.states.values()) for (const object of state.values()) held.add(object);
    for (const [object, { value }] of this.objects) {
      if (!held.has(object)) this.violations.push(`${when}: ${object} exists in no state`);
      const workspace = /\|ws_([a-z]+)_/.exec(object)?.[1];
      const inConfig = workspace !== undefined && workspaces.has(workspace);
      if (inConfig && value !== undefined && !this.objects.has(value))
        this.violations.push(`${when}: ${object} names ${value}, which does not exist`);
    }
  }

  /** Who holds an object, by stack. */
  holders(object: ObjectId): string[] {
    return [...this.states].filter(([, s]) => [...s.values()].includes(object)).map(([n]) => n);
  }
}

/** The members (as the lock and the record write them) of the addresses a state holds. */
export function membersOfState(
  state: ReadonlyMap<string, ObjectId>,
): Partial<Record<ResourceName, Record<string, string>>> {
  const members: Record<string, Record<string, string>> = {};
  for (const address of state.keys()) {
    const resource = resourceOf(address);
    const key = JSON.parse(address.slice(resource.length + 1, -1)) as string;
    members[resource] = { ...members[resource], [key]: "" };
  }
  return members as Partial<Record<ResourceName, Record<string, string>>>;
}
