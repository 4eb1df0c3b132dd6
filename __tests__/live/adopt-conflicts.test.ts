import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readAdoption } from "../../lib/live/adoption-file";
import {
  adoptIn,
  appEntry,
  HAND_MADE_ARN,
  HAND_MADE_ROLE,
  READ_ONLY,
  handMadeSetup as setUp,
} from "./hand-made";
import {
  ACCOUNT,
  AUDIENCE,
  configWith,
  handMadeTrust,
  ORG,
  startWorld,
  stopWorld,
  subOf,
  type World,
} from "./world";

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await stopWorld(world);
});

const adopt = (config: Record<string, unknown>, ...args: string[]) =>
  adoptIn(world, config, ...args);
const handMadeSetup = () => setUp(world);

describe("conflicts", () => {
  it("GIVEN a role whose trust admits every workspace WHEN adopting THEN it is reported, left out of the file, and adopt exits 1", async () => {
    handMadeSetup();
    const role = world.aws.accounts.get(ACCOUNT)?.roles[0];
    if (role !== undefined)
      role.trust = handMadeTrust(`organization:${ORG}:project:*:workspace:*:run_phase:*`);
    const { status, stdout, file } = await adopt(configWith([appEntry]));
    expect(status).toBe(1);
    expect(stdout).toContain(
      `its trust also admits subject organization:${ORG}:project:*:workspace:*:run_phase:*`,
    );
    const adoption = readAdoption(file);
    expect(adoption.accounts?.default?.roles).toBeUndefined();
    // The rest is written all the same.
    expect(Object.keys(adoption.workspaces?.app?.variables ?? {})).toHaveLength(2);
  });

  it("GIVEN the same role WHEN adopting with --overwrite THEN it is adopted and adopt exits 0", async () => {
    handMadeSetup();
    const role = world.aws.accounts.get(ACCOUNT)?.roles[0];
    if (role !== undefined) role.trust = handMadeTrust([subOf("app"), subOf("other")]);
    const { status, stdout, file } = await adopt(configWith([appEntry]), "--overwrite");
    expect(status).toBe(0);
    expect(stdout).toContain("Adopted with --overwrite");
    expect(Object.keys(readAdoption(file).accounts?.default?.roles ?? {})).toEqual([
      HAND_MADE_ROLE,
    ]);
  });

  it("GIVEN a role trusting another principal too WHEN adopting THEN the principal is named", async () => {
    handMadeSetup();
    const role = world.aws.accounts.get(ACCOUNT)?.roles[0];
    if (role !== undefined) {
      const trust = handMadeTrust(subOf("app"));
      role.trust = {
        ...trust,
        Statement: [
          ...trust.Statement,
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::999988887777:root" },
            Action: "sts:AssumeRole",
          },
        ],
      };
    }
    const { status, stdout } = await adopt(configWith([appEntry]));
    expect(status).toBe(1);
    expect(stdout).toContain("principal AWS arn:aws:iam::999988887777:root");
  });

  it("GIVEN a variable with another value WHEN adopting THEN it says which value the deploy writes, and exits 1", async () => {
    const ws = handMadeSetup();
    const run = ws.vars[1];
    if (run !== undefined) run.value = "arn:aws:iam::111122223333:role/old-role";
    const { status, stdout, file } = await adopt(configWith([appEntry]));
    expect(status).toBe(1);
    expect(stdout).toContain(
      `variable TFC_AWS_RUN_ROLE_ARN of workspace app: is "arn:aws:iam::111122223333:role/old-role"; the deploy writes "${HAND_MADE_ARN}"`,
    );
    expect(Object.keys(readAdoption(file).workspaces?.app?.variables ?? {})).toEqual([
      "TFC_AWS_PROVIDER_AUTH",
    ]);
  });

  it("GIVEN a sensitive variable WHEN adopting, even with --overwrite, THEN it is not adopted: the provider would replace it", async () => {
    const ws = handMadeSetup();
    const run = ws.vars[1];
    if (run !== undefined) run.sensitive = true;
    const { status, stdout } = await adopt(configWith([appEntry]), "--overwrite");
    expect(status).toBe(1);
    expect(stdout).toContain("is sensitive, so its value cannot be compared");
  });

  it("GIVEN a provider for the host without the audience WHEN adopting THEN it is a conflict with the command that fixes it", async () => {
    handMadeSetup();
    const provider = world.aws.accounts.get(ACCOUNT)?.providers[0];
    if (provider !== undefined) provider.clientIds = ["sts.amazonaws.com"];
    const { status, stdout, file } = await adopt(configWith([appEntry]));
    expect(status).toBe(1);
    expect(stdout).toContain(`not the audience "${AUDIENCE}"`);
    expect(stdout).toContain("aws iam add-client-id-to-open-id-connect-provider");
    expect(readAdoption(file).accounts?.default?.oidcProviders).toBeUndefined();
  });

  it("GIVEN a workspace that does not exist WHEN adopting THEN it says the deploy would fail, and exits 1", async () => {
    const { status, stdout } = await adopt(
      configWith([{ name: "ghost", policyArns: [READ_ONLY] }]),
    );
    expect(status).toBe(1);
    expect(stdout).toContain("workspace ghost: not found in organization acme");
  });
});
