import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { quote } from "./config/quote";

/** The synth cannot write where it was told to (`cdktf synth --output`); the message says why. */
export class OutputFolderError extends Error {
  override name = "OutputFolderError";
}

/** The folder a synth writes to: the one the cdktf CLI asks for (`--output`), or `cdktf.out`. */
export function outputFolder(env: NodeJS.ProcessEnv = process.env): string {
  return env.CDKTF_OUTDIR ?? "cdktf.out";
}

/**
 * Makes sure the synth can write to `path`: creates it and its missing parents (cdktf's `App`
 * creates only the folder itself, and fails with ENOENT when its parent is missing).
 * @throws OutputFolderError if the path, or a folder on the way to it, is a file
 */
export function prepareOutputFolder(path: string): void {
  for (let at = resolve(path); ; at = dirname(at)) {
    const stats = statOrUndefined(at);
    if (stats !== undefined && !stats.isDirectory()) {
      const where = at === resolve(path) ? "it is a file" : `${quote(at)} is a file`;
      throw new OutputFolderError(
        `cannot write the synth output to ${quote(path)}: ${where}; give --output a folder (it is created if missing)`,
      );
    }
    if (stats !== undefined || dirname(at) === at) break;
  }
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw new OutputFolderError(
      `cannot create the output folder ${quote(path)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
