import { join } from "node:path";
import { runAdopt } from "../../lib/live/adopt";
import { ACCOUNT, AUDIENCE, capture, FAST, HOST, handMadeTrust, subOf, type World } from "./world";

export const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
export const HAND_MADE_ROLE = "terraform-cloud-sts-assumption-role";
export const HAND_MADE_ARN = `arn:aws:iam::${ACCOUNT}:role/${HAND_MADE_ROLE}`;

/** Runs adopt on a config in the world's folder; returns its status, output and file. */
export async function adoptIn(world: World, config: Record<string, unknown>, ...args: string[]) {
  const path = world.config(config);
  const io = capture();
  const status = await runAdopt(["--config", path, ...args], io, world.env, FAST);
  const file = join(world.dir, "trust.imports.json");
  return { status, stdout: io.stdout(), stderr: io.stderr(), file, path };
}

/** The seeds' console setup: provider, one role for workspace app, its two variables. */
export function handMadeSetup(world: World) {
  world.aws.provider(ACCOUNT, HOST, [AUDIENCE]);
  world.aws.role(ACCOUNT, {
    name: HAND_MADE_ROLE,
    trust: handMadeTrust(subOf("app")),
    attached: [READ_ONLY],
  });
  const ws = world.hcp.workspace("app");
  ws.vars.push(
    world.hcp.variable("TFC_AWS_PROVIDER_AUTH", "true"),
    world.hcp.variable("TFC_AWS_RUN_ROLE_ARN", HAND_MADE_ARN),
  );
  return ws;
}

/** The config entry that describes that setup. */
export const appEntry = {
  name: "app",
  project: "Default Project",
  roleName: HAND_MADE_ROLE,
  policyArns: [READ_ONLY],
};
