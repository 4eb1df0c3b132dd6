import PQueue from "p-queue";
import type { AdoptedAccount, AdoptedRole } from "./adoption-format";
import { importId } from "./adoption-format";
import type { AwsAccountReader } from "./aws-read";
import { CannotCheckError } from "./errors";
import {
  type ExpectedAccount,
  type ExpectedRole,
  type ExpectedState,
  providerArn,
  trustPolicy,
} from "./expected";
import { type AdoptionFindings, countCreated } from "./findings";
import { admittedBeyond, samePolicy } from "./policy-compare";

/**
 * Reads an account's credentials' account ID, and refuses credentials of another account than the
 * config's. `oneAtATime`: the run checks several accounts, so the message also offers `--account`.
 */
export async function checkedAccountId(
  account: ExpectedAccount,
  reader: AwsAccountReader,
  oneAtATime = false,
): Promise<string> {
  const accountId = await reader.accountId();
  if (account.accountId !== undefined && account.accountId !== accountId) {
    const alone = oneAtATime
      ? `; or, with credentials for one account at a time, run for each account alone: --account ${account.name} with that account's credentials`
      : "";
    throw new CannotCheckError(
      `the credentials for account ${account.name} reach AWS account ${accountId}, but the config says ${account.accountId}: use that account's credentials (AWS_PROFILE) or its assumeRoleArn${alone}`,
    );
  }
  return accountId;
}

/**
 * What of one account's planned provider and roles exists already, and may be imported:
 * the provider for the host, each role with the planned name, its planned attachments and
 * inline policy. Anything that adopting would change beyond the config's own values is a conflict.
 */
export async function adoptAccount(
  state: ExpectedState,
  account: ExpectedAccount,
  accountId: string,
  reader: AwsAccountReader,
  findings: AdoptionFindings,
  overwrite: boolean,
): Promise<AdoptedAccount> {
  const where = `account ${account.name} (${accountId})`;
  const oidcProviders: Record<string, string> = {};
  if (account.reusedProviderArn === undefined) {
    const provider = await reader.providerForHost(account.host);
    const subject = `OIDC provider ${account.host} in ${where}`;
    if (provider === undefined) {
      countCreated(findings, "OIDC provider");
    } else if (!provider.clientIds.includes(account.audience) || provider.clientIds.length > 1) {
      const lacks = !provider.clientIds.includes(account.audience);
      findings.conflicts.push({
        subject,
        message: lacks
          ? `${provider.arn} accepts the client IDs ${JSON.stringify(provider.clientIds)}, not the audience ${JSON.stringify(account.audience)}`
          : `${provider.arn} accepts other client IDs besides ${JSON.stringify(account.audience)} (${JSON.stringify(provider.clientIds)}); the deploy would remove them, or replace the provider, depending on the aws provider version`,
        todo: lacks
          ? `add the audience (aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${provider.arn} --client-id ${account.audience}) and run adopt again, or set oidcProviderArn on the account to use it as it is`
          : `set oidcProviderArn: ${provider.arn} on the account, so the app uses the provider as it is`,
        overwritable: false,
      });
    } else {
      oidcProviders[account.host] = provider.arn;
      findings.adopted.push({ subject });
    }
  }

  const roles: Record<string, AdoptedRole> = {};
  const own = state.roles.filter((role) => role.account === account.name);
  const queue = new PQueue({ concurrency: 4 });
  await Promise.all(
    own.map((role) =>
      queue.add(async () => {
        const adopted = await adoptRole(
          state,
          account,
          accountId,
          role,
          reader,
          findings,
          overwrite,
        );
        if (adopted !== undefined) roles[role.name] = adopted;
      }),
    ),
  );
  return {
    accountId,
    ...(Object.keys(oidcProviders).length === 0 ? {} : { oidcProviders }),
    ...(Object.keys(roles).length === 0 ? {} : { roles }),
  };
}

async function adoptRole(
  state: ExpectedState,
  account: ExpectedAccount,
  accountId: string,
  role: ExpectedRole,
  reader: AwsAccountReader,
  findings: AdoptionFindings,
  overwrite: boolean,
): Promise<AdoptedRole | undefined> {
  const subject = `role ${role.name} in account ${account.name} (${accountId})`;
  const live = await reader.role(role.name);
  if (live === undefined) {
    countCreated(findings, "role");
    countCreated(findings, "policy attachment", role.policyArns.length);
    if (role.inlinePolicy !== undefined) countCreated(findings, "inline policy");
    return undefined;
  }
  if (live.name !== role.name || live.path !== role.path) {
    const what =
      live.name !== role.name
        ? `exists as ${live.name} (IAM names ignore case); the config names it ${role.name}`
        : `has the path ${live.path}; the config gives ${role.path}`;
    findings.conflicts.push({
      subject,
      message: `${what}, and the deploy would replace the role (name and path cannot change in place)`,
      todo:
        live.name !== role.name
          ? `set roleName: ${live.name} on the entry, then run adopt again`
          : `set path: ${live.path} on the entry (or in defaults), then run adopt again`,
      overwritable: false,
    });
    return undefined;
  }
  const scope = {
    providerArn: providerArn(account, accountId),
    host: state.hostname,
    audience: state.audience,
    subject: role.subject,
  };
  const beyond = admittedBeyond(live.trust, scope);
  if (beyond.length > 0) {
    findings.conflicts.push({
      subject,
      message: `its trust also admits ${beyond.join("; ")}; the deploy would replace it with the config's trust (${role.subject}), shutting those out`,
      todo: "give the entry another roleName to leave this role alone, or adopt it anyway with --overwrite",
      overwritable: true,
    });
    if (!overwrite) return undefined;
  }
  const sameTrust = samePolicy(live.trust, trustPolicy(state, role, scope.providerArn));
  findings.adopted.push({
    subject,
    ...(sameTrust ? {} : { change: "its trust policy is rewritten to the config's" }),
  });

  const attached = await reader.attachedPolicies(role.name);
  const policyAttachments: Record<string, string> = {};
  for (const arn of role.policyArns) {
    if (attached.includes(arn))
      policyAttachments[arn] = importId.rolePolicyAttachment(role.name, arn);
    else countCreated(findings, "policy attachment");
  }
  const extra = attached.filter((arn) => !role.policyArns.includes(arn));
  if (extra.length > 0) {
    findings.notes.push(
      `${subject} has policies the config does not attach (${extra.join(", ")}): they stay attached; the app does not manage them`,
    );
  }
  const inline = await reader.inlinePolicies(role.name);
  const inlinePolicies: Record<string, string> = {};
  if (role.inlinePolicy !== undefined) {
    const name = role.inlinePolicy.name;
    if (inline.has(name)) {
      inlinePolicies[name] = importId.rolePolicy(role.name, name);
      if (!samePolicy(inline.get(name), role.inlinePolicy.document)) {
        findings.adopted.push({
          subject: `inline policy ${name} of ${subject}`,
          change: "rewritten to the config's",
        });
      }
    } else countCreated(findings, "inline policy");
  }
  const others = [...inline.keys()].filter((name) => name !== role.inlinePolicy?.name);
  if (others.length > 0) {
    findings.notes.push(
      `${subject} has inline policies the config does not name (${others.join(", ")}): they stay; the app does not manage them`,
    );
  }
  return {
    id: role.name,
    ...(Object.keys(policyAttachments).length === 0 ? {} : { policyAttachments }),
    ...(Object.keys(inlinePolicies).length === 0 ? {} : { inlinePolicies }),
  };
}
