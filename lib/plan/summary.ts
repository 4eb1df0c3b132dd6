import type {
  Owner,
  PlannedAccount,
  PlannedHcp,
  PlannedRole,
  PlannedStack,
  PlannedVariable,
  Relocation,
} from "./model";
import type { Pinning } from "./pins";

/**
 * What the report and `explain` read of a plan: the plan itself at synth, or the plan file
 * (`plan-file.ts`) afterwards. A {@link import("./model").TrustPlan} is one as it is; the file holds
 * exactly these fields, so what it says is what the synth planned.
 */

type WithoutPath<T> = T extends unknown ? Omit<T, "path"> : never;

/** Whose runs a role admits, without where the entry is in the config. */
export type PlanOwner = WithoutPath<Owner>;

export type PlanAccount = Pick<
  PlannedAccount,
  "name" | "region" | "partition" | "accountId" | "oidcProvider"
>;

export interface PlanRole
  extends Pick<
    PlannedRole,
    | "key"
    | "account"
    | "tag"
    | "phase"
    | "roleName"
    | "arn"
    | "subject"
    | "policyArns"
    | "inlinePolicy"
    | "iamPath"
  > {
  readonly owner: PlanOwner;
}

export interface PlanTarget {
  readonly key: string;
  readonly owner: PlanOwner;
  readonly variables: readonly PlannedVariable[];
}

export interface PlanStack
  extends Pick<PlannedStack, "name" | "account" | "kind" | "project" | "kept" | "awaited"> {
  readonly bucket?: number;
  readonly roles: readonly PlanRole[];
  readonly targets: readonly PlanTarget[];
}

export interface PlanSummary {
  readonly hcp: PlannedHcp;
  readonly accounts: readonly PlanAccount[];
  /** Every role, in the plan's (config) order. */
  readonly roles: readonly PlanRole[];
  /** Every stack, in the plan's (synth) order, with its roles and variable targets. */
  readonly stacks: readonly PlanStack[];
  /** Which trusted names are pinned (`trust.pins.json`); the report lists the others. */
  readonly pinning?: Pinning;
  /** Members on their way between stacks (`lock.ts`); absent from a plan read from its file. */
  readonly relocations?: readonly Relocation[];
}
