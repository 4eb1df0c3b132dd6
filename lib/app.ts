import { App } from "cdktf";
import { TrustStack } from "../stacks/trust-stack";
import type { TrustConfig } from "./config/schema";
import { PRODUCT } from "./product";

/** The name of the stack (and of its local state file, `terraform.STACK.tfstate`). */
export const STACK_NAME = PRODUCT;

export interface BuildAppOptions {
  /** @default - `cdktf.out`, or the folder the cdktf CLI asks for */
  readonly outdir?: string;
}

/** The cdktf app for a validated config. */
export function buildApp(config: TrustConfig, options: BuildAppOptions = {}): App {
  const app = new App({ outdir: options.outdir });
  new TrustStack(app, STACK_NAME, { config });
  return app;
}
