import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const dir = join(process.cwd(), ".tmp");

export function setup(): void {
  mkdirSync(dir, { recursive: true });
}

export function teardown(): void {
  rmSync(dir, { recursive: true, force: true });
}
