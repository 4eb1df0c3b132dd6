import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseOidcProviderArn, partitionOfRegion } from "./config/arns";
import { expandBlock } from "./for-each";
import { UNKNOWN_ACCOUNT_ID } from "./iam/web-identity";
import { roleArnFor } from "./plan/accounts";
import { readLiteral } from "./terraform-text";
import type { PolicyDocument } from "./trust-policy";

/** A role as written to a synthesized stack, its trust policy as AWS will evaluate it. */
export interface SynthesizedRole {
  readonly stack: string;
  /** `aws_iam_role.roles["ws_app"]` */
  readonly address: string;
  readonly name: string;
  /** The role's ARN; its account is {@link UNKNOWN_ACCOUNT_ID} unless a reused provider names it. */
  readonly arn: string;
  readonly partition: string;
  readonly accountId: string;
  /** The trust policy, with Terraform escapes undone and the provider reference resolved. */
  readonly trustPolicy: PolicyDocument;
}

/** Thrown when the output folder holds no readable synth. */
export class SynthOutputError extends Error {
  override name = "SynthOutputError";
}

/** The JSON cdktf writes for a stack (`cdk.tf.json`), as far as this app reads it. */
export interface StackJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  provider?: Record<string, Array<Record<string, unknown>>>;
  output?: Record<string, { value?: unknown }>;
}

export interface SynthesizedStack {
  readonly name: string;
  readonly json: StackJson;
}

/** Every stack under a cdktf output folder (`cdktf.out`), in manifest order, `for_each` expanded. */
export function readSynthesizedStacks(outdir: string): SynthesizedStack[] {
  const manifestPath = join(outdir, "manifest.json");
  if (!existsSync(manifestPath)) {
    throw new SynthOutputError(
      `no synthesized stacks in ${JSON.stringify(outdir)} (${manifestPath} is missing): run "npx cdktf synth" first, or point --out at the output folder`,
    );
  }
  const manifest = readJson<{ stacks?: Record<string, { synthesizedStackPath: string }> }>(
    manifestPath,
  );
  return Object.entries(manifest.stacks ?? {}).map(([name, entry]) => ({
    name,
    json: expandStack(readJson<StackJson>(join(outdir, entry.synthesizedStackPath))),
  }));
}

/** A stack with its `for_each` resources and data sources read as their instances (`roles["ws_app"]`). */
export function expandStack(json: StackJson): StackJson {
  return { ...json, resource: expandBlock(json.resource), data: expandBlock(json.data) };
}

/** Reads every role of every stack under a cdktf output folder (`cdktf.out`). */
export function readSynthesizedRoles(outdir: string): SynthesizedRole[] {
  return readSynthesizedStacks(outdir).flatMap(({ name, json }) => rolesOfStack(name, json));
}

/** The roles of one synthesized (expanded) stack. */
export function rolesOfStack(stack: string, json: StackJson): SynthesizedRole[] {
  const region = json.provider?.aws?.[0]?.region;
  const partition = partitionOfRegion(typeof region === "string" ? region : "");
  // A stack whose AWS provider is limited to one account deploys its roles there.
  const allowed = json.provider?.aws?.[0]?.allowed_account_ids;
  const allowedAccount =
    Array.isArray(allowed) && allowed.length === 1 ? String(allowed[0]) : undefined;
  return Object.entries(json.resource?.aws_iam_role ?? {}).map(([name, body]) => {
    const address = `aws_iam_role.${name}`;
    const text = String(body.assume_role_policy);
    const reused = [...text.matchAll(/"arn:[^"$]*:oidc-provider\/[^"]*"/g)]
      .map((match) => parseOidcProviderArn(JSON.parse(match[0])))
      .find((arn) => arn !== undefined);
    const accountId = reused?.accountId ?? allowedAccount ?? UNKNOWN_ACCOUNT_ID;
    // The provider of the deploying account: its partition and ID, read when Terraform plans.
    const resolved = text
      .replace(/\$\{data\.aws_partition\.current\.partition\}/g, partition)
      .replace(/\$\{data\.aws_caller_identity\.current\.account_id\}/g, accountId);
    const leftover = resolved.match(/(?<![$])\$\{[^}]*\}/);
    if (leftover) {
      throw new SynthOutputError(
        `${stack}: the trust policy of ${address} holds a reference that cannot be evaluated: ${leftover[0]}`,
      );
    }
    const roleName = readLiteral(String(body.name));
    const path = typeof body.path === "string" ? readLiteral(body.path) : "/";
    return {
      stack,
      address,
      name: roleName,
      arn: roleArnFor(partition, accountId, path, roleName),
      partition,
      accountId,
      trustPolicy: JSON.parse(readLiteral(resolved)) as PolicyDocument,
    };
  });
}

function readJson<T>(path: string): T {
  if (!existsSync(path))
    throw new SynthOutputError(`${path} is missing: run "npx cdktf synth" again`);
  return JSON.parse(readFileSync(path, "utf8")) as T;
}
