import { join } from "node:path";
import { awsProvider } from "./aws";
import { serve } from "./server";
import { tfeProvider } from "./tfe";
import { tlsProvider } from "./tls";

/**
 * The entry point of the test providers: `node main.js aws|tfe|tls`, started by Terraform through
 * the wrappers the harness writes. The server certificate is kept in `HCP_AWS_TRUST_TF_CERTS`
 * (default: `.tmp/terraform-certs` of the repository).
 */
const name = process.argv[2];
const definitions = { aws: awsProvider, tfe: tfeProvider, tls: tlsProvider } as const;
const definition = definitions[name as keyof typeof definitions];
if (definition === undefined) {
  process.stderr.write(`usage: main aws|tfe|tls (got ${String(name)})\n`);
  process.exit(2);
}
const certs =
  process.env.HCP_AWS_TRUST_TF_CERTS ||
  join(__dirname, "..", "..", "..", ".tmp", "terraform-certs");
serve(definition as Parameters<typeof serve>[0], certs).catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
