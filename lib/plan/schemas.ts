import { z } from "zod";
import { RESOURCES, type ResourceName } from "./members";

/** A resource a project stack holds members of (`aws_iam_role.roles`, ...). */
export const resourceName = z.enum(Object.values(RESOURCES) as [ResourceName, ...ResourceName[]]);

/** Members by resource, as the layout lock and the deploy record write them: key → reference. */
export const membersSchema = z.partialRecord(
  resourceName,
  z.record(z.string().max(1024), z.string().max(2048)),
);

/**
 * A stack name as this app writes them (`hcp-aws-trust-ACCOUNT[.PROJECT[.bN]]`): it becomes a
 * folder of the output, so nothing that could leave it (`/`, `\`, `..`) or hide (control
 * characters) is accepted.
 */
export const stackName = z
  .string()
  .max(512)
  .regex(/^hcp-aws-trust-[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){0,3}$/, {
    error: "is not a stack name this app writes (hcp-aws-trust-ACCOUNT[.PROJECT[.bN]])",
  });
