/**
 * The config directory reader (lib/config/read.ts): for each kind of entry a real directory
 * gets, whether it is read, skipped with a note, or refused with a message naming it; never a
 * stack trace. `add-workspace` reads directories the same way.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runAddWorkspace } from "../lib/cli/add-workspace";
import { ConfigError, loadConfig } from "../lib/config/load";
import { readConfigDirectory } from "../lib/config/read";
import { AdoptionFileError } from "../lib/live/adoption-file";
import { adoptionImports } from "../lib/live/adoption-imports";
import { readLock, writeLock } from "../lib/lock-file";
import { configFingerprint, provenanceOf, readSynthRecord } from "../lib/synth-record";
import { baseConfig, tempDir, workspace } from "./helpers/synth";

/** A config directory holding a valid config in `00-shared.yaml`, and whatever `extra` adds. */
function directory(extra: (dir: string) => void): string {
  const dir = tempDir("entries-");
  writeFileSync(join(dir, "00-shared.yaml"), stringify(baseConfig()));
  extra(dir);
  return dir;
}

function problemsOf(dir: string): readonly string[] {
  try {
    readConfigDirectory(dir);
  } catch (error) {
    if (error instanceof ConfigError) {
      expect(error.message).not.toMatch(/^\s+at /m);
      return error.problems;
    }
    throw error;
  }
  throw new Error("expected the directory to be refused");
}

const WORKSPACE = stringify({ workspaces: [workspace("web")] });

describe("a config directory entry", () => {
  it("that is a YAML file, .yaml or .yml in any case, is read in name order", () => {
    const dir = directory((d) => {
      writeFileSync(join(d, "b.yml"), WORKSPACE.replace("web", "b"));
      writeFileSync(join(d, "a.YAML"), WORKSPACE.replace("web", "a"));
    });
    const { files, skipped } = readConfigDirectory(dir);
    expect(files.map((f) => f.source)).toEqual(
      ["00-shared.yaml", "a.YAML", "b.yml"].map((name) => join(dir, name)),
    );
    expect(skipped).toEqual([]);
  });

  it("that is a link to a YAML file is read", () => {
    const outside = tempDir("target-");
    writeFileSync(join(outside, "web.yaml"), WORKSPACE);
    const dir = directory((d) => symlinkSync(join(outside, "web.yaml"), join(d, "web.yaml")));
    expect(loadConfig(dir).config.workspaces?.map((ws) => ws.name)).toEqual(["app-prod", "web"]);
  });

  it("that is a dangling link named *.yaml is refused, naming it and its target", () => {
    const dir = directory((d) => symlinkSync(join(d, "gone.yaml"), join(d, "web.yaml")));
    expect(problemsOf(dir)).toEqual([
      `${join(dir, "web.yaml")}: a link to "${join(dir, "gone.yaml")}", which does not exist: remove it or fix the link`,
    ]);
  });

  it("that is an editor's lock file (a hidden dangling link) is skipped with a note", () => {
    const dir = directory((d) => symlinkSync("user@host.1234:1700000000", join(d, ".#web.yaml")));
    expect(readConfigDirectory(dir).skipped).toEqual([
      '".#web.yaml" (hidden; remove the leading dot to read it)',
    ]);
  });

  it("that is a dangling link of another name is skipped with a note", () => {
    const dir = directory((d) => symlinkSync(join(d, "gone"), join(d, "notes")));
    expect(readConfigDirectory(dir).skipped).toEqual([
      `"notes" (a link to "${join(dir, "gone")}", which does not exist)`,
    ]);
  });

  it("that is a link loop named *.yaml is refused; of another name, skipped with a note", () => {
    const dir = directory((d) => {
      symlinkSync(join(d, "loop-b.yaml"), join(d, "loop-a.yaml"));
      symlinkSync(join(d, "loop-a.yaml"), join(d, "loop-b.yaml"));
      symlinkSync(join(d, "self"), join(d, "self"));
    });
    expect(problemsOf(dir)).toEqual([
      `${join(dir, "loop-a.yaml")}: a link that leads back to itself (a loop): remove it or fix the link`,
      `${join(dir, "loop-b.yaml")}: a link that leads back to itself (a loop): remove it or fix the link`,
    ]);
    const only = directory((d) => symlinkSync(join(d, "self"), join(d, "self")));
    expect(readConfigDirectory(only).skipped).toEqual([
      '"self" (a link that leads back to itself (a loop))',
    ]);
  });

  it("that is a folder is skipped with a note: subfolders are not read", () => {
    const dir = directory((d) => {
      mkdirSync(join(d, "team-a"));
      writeFileSync(join(d, "team-a", "web.yaml"), WORKSPACE);
    });
    expect(readConfigDirectory(dir).skipped).toEqual([
      '"team-a" (a folder; only the files of the config directory itself are read)',
    ]);
  });

  it("that is a folder named *.yaml is refused", () => {
    const dir = directory((d) => mkdirSync(join(d, "web.yaml")));
    expect(problemsOf(dir)).toEqual([
      `${join(dir, "web.yaml")}: a folder, not a file: rename or remove it`,
    ]);
  });

  it("that is a link to the parent folder is skipped with a note, never followed", () => {
    const dir = directory((d) => symlinkSync("..", join(d, "up")));
    const [note] = readConfigDirectory(dir).skipped;
    expect(note).toMatch(
      /^"up" \(a link to the folder ".*"; only the files of the config directory itself are read\)$/,
    );
  });

  it("that is hidden, or of another extension, is skipped with a note", () => {
    const dir = directory((d) => {
      writeFileSync(join(d, ".gitkeep"), "");
      writeFileSync(join(d, ".web.yaml"), WORKSPACE);
      writeFileSync(join(d, "README.md"), "# configs");
      writeFileSync(join(d, "web.yaml.bak"), WORKSPACE);
    });
    expect(readConfigDirectory(dir).skipped).toEqual([
      '".gitkeep" (hidden)',
      '".web.yaml" (hidden; remove the leading dot to read it)',
      '"README.md" (not a .yaml or .yml file)',
      '"web.yaml.bak" (not a .yaml or .yml file)',
    ]);
  });

  it("that is a named pipe called *.yaml is refused instead of blocking the read", () => {
    const dir = directory((d) => {
      expect(spawnSync("mkfifo", [join(d, "pipe.yaml")]).status).toBe(0);
    });
    expect(problemsOf(dir)).toEqual([
      `${join(dir, "pipe.yaml")}: not a regular file (a pipe, socket or device)`,
    ]);
  });

  it("that is UTF-16 is refused with what to do", () => {
    const dir = directory((d) => {
      writeFileSync(
        join(d, "web.yaml"),
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(WORKSPACE, "utf16le")]),
      );
    });
    expect(() => readConfigDirectory(dir)).toThrow(
      `${join(dir, "web.yaml")}: the file is UTF-16; save it as UTF-8`,
    );
  });

  it("that is not UTF-8 is refused with the byte and line", () => {
    const dir = directory((d) => {
      writeFileSync(
        join(d, "web.yaml"),
        Buffer.concat([Buffer.from("a: 1\nb: "), Buffer.from([0xe9]), Buffer.from("\n")]),
      );
    });
    expect(() => readConfigDirectory(dir)).toThrow(
      `${join(dir, "web.yaml")}: byte 8 is not UTF-8 (line 2)`,
    );
  });
});

describe("an entry whose name holds control characters", () => {
  it("is refused when named *.yaml, its name escaped in the message", () => {
    const dir = directory((d) => writeFileSync(join(d, "\u001b[31mred.yaml"), WORKSPACE));
    expect(problemsOf(dir)).toEqual([
      `${join(dir, '"\\u001b[31mred.yaml"')}: its name holds control or invisible characters: rename it`,
    ]);
  });
});

describe("skipped entries", () => {
  it("are named in one note line of the synth", () => {
    const dir = directory((d) => {
      writeFileSync(join(d, "README.md"), "");
      mkdirSync(join(d, "old"));
    });
    const notes: string[] = [];
    loadConfig(dir, (line) => notes.push(line));
    expect(notes).toEqual([
      `Note: ${dir}: not read: "README.md" (not a .yaml or .yml file), "old" (a folder; only the files of the config directory itself are read)`,
    ]);
  });
});

describe("add-workspace", () => {
  it("reads the directory the same way: an entry the synth refuses, it refuses too", () => {
    const dir = directory((d) => symlinkSync(join(d, "gone.yaml"), join(d, "web.yaml")));
    const err: string[] = [];
    const status = runAddWorkspace(
      [
        "--name",
        "api",
        "--project",
        "Apps",
        "--policy",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "--dir",
        dir,
      ],
      { out: () => {}, err: (line) => err.push(line) },
      {},
    );
    expect(status).toBe(1);
    expect(err.join("\n")).toContain(
      `${join(dir, "web.yaml")}: a link to "${join(dir, "gone.yaml")}", which does not exist`,
    );
  });
});

/**
 * Runs the app as the cdktf CLI does (`node --import tsx main.ts`) on a config directory, into an
 * output folder that exists already (a failed synth then marks it), with or without the CLI's
 * annotations.
 */
function synthOf(dir: string, cli = false, env: Record<string, string> = {}) {
  const outdir = join(tempDir("entries-out-"), "cdktf.out");
  mkdirSync(outdir);
  const result = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: join(__dirname, ".."),
    env: {
      ...process.env,
      CI: "",
      TRUST_CONFIG: dir,
      CDKTF_OUTDIR: outdir,
      ...(cli ? { CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true" } : {}),
      ...env,
    },
    encoding: "utf8",
    // A synth that follows links around a loop of folders never ends.
    timeout: 60_000,
  });
  expect(result.error).toBeUndefined();
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s+at /m);
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/\bE(NOENT|LOOP)\b/);
  return { ...result, outdir };
}

describe("an entry the reader skips or refuses, in a synth", () => {
  it("is an editor's lock link (Emacs: .#10-app.yaml to user@host.PID): skipped, and the synth succeeds", () => {
    const dir = directory((d) =>
      symlinkSync("user@host.12345:1700000000", join(d, ".#10-app.yaml")),
    );
    const { status, stdout, stderr, outdir } = synthOf(dir);
    expect(stderr).toBe("");
    expect(stdout).toContain(
      `Note: ${dir}: not read: ".#10-app.yaml" (hidden; remove the leading dot to read it)`,
    );
    expect(status).toBe(0);
    expect(existsSync(join(outdir, "trust-report.md"))).toBe(true);
    expect(readSynthRecord(outdir)).toMatchObject({
      status: "ok",
      configSha256: configFingerprint(dir),
    });
    expect(provenanceOf(outdir).stale).toBeUndefined();
  });

  it.each([
    [
      "a link to itself (loop.yaml)",
      (d: string) => symlinkSync("loop.yaml", join(d, "loop.yaml")),
      "loop.yaml: a link that leads back to itself (a loop): remove it or fix the link",
    ],
    [
      "a link to the parent folder (up.yaml)",
      (d: string) => symlinkSync("..", join(d, "up.yaml")),
      "up.yaml: a link to the folder",
    ],
  ])(
    "is %s: refused with one message naming it, and the earlier output marked as failed",
    (_, make, message) => {
      const dir = directory(make);
      for (const cli of [false, true]) {
        const { status, stdout, stderr, outdir } = synthOf(dir, cli);
        // Under the cdktf CLI the message is an error annotation, which the CLI prints and
        // turns into exit status 1.
        const shown = cli ? readFileSync(join(outdir, "manifest.json"), "utf8") : stderr;
        expect(shown).toContain(message);
        expect(stdout).toBe("");
        expect(status).toBe(cli ? 0 : 1);
        expect(readSynthRecord(outdir)).toMatchObject({ status: "failed" });
        expect(readSynthRecord(outdir)?.error).toContain(message);
      }
    },
  );
});

describe("the hash of a config directory", () => {
  it("covers exactly the files the synth reads: not hidden, skipped or nested ones", () => {
    const dir = directory((d) => writeFileSync(join(d, "web.YAML"), WORKSPACE));
    const before = configFingerprint(dir);
    expect(before).toBeDefined();
    mkdirSync(join(dir, "old"));
    writeFileSync(join(dir, "old", "web.yaml"), WORKSPACE);
    writeFileSync(join(dir, ".web.yaml"), WORKSPACE);
    writeFileSync(join(dir, "notes.md"), "");
    symlinkSync("user@host.1:2", join(dir, ".#web.yaml"));
    symlinkSync("self.yml.bak", join(dir, "self.yml.bak"));
    expect(configFingerprint(dir)).toBe(before);
    writeFileSync(join(dir, "web.YAML"), WORKSPACE.replace("web", "api"));
    expect(configFingerprint(dir)).not.toBe(before);
  });

  it("is undefined, not a stack trace, when the directory holds an entry the synth refuses", () => {
    const dir = directory((d) => symlinkSync("loop.yaml", join(d, "loop.yaml")));
    expect(configFingerprint(dir)).toBeUndefined();
  });
});

describe("the layout lock or the adoption file of a config directory", () => {
  const kinds: Array<[string, (path: string) => void, string]> = [
    [
      "a link to itself",
      (path) => symlinkSync(path, path),
      "a link that leads back to itself (a loop)",
    ],
    [
      "a link that leads nowhere",
      (path) => symlinkSync(join(path, "..", "gone.json"), path),
      'gone.json", which does not exist',
    ],
    ["a folder", (path) => mkdirSync(path), "a folder, not a file"],
    ["a link to a folder", (path) => symlinkSync("..", path), "a link to the folder"],
  ];

  it.each(kinds)(
    "that is %s is refused, naming it, and nothing is written through it",
    (_, make, why) => {
      const lockDir = directory((d) => make(join(d, "trust.lock.json")));
      const lock = join(lockDir, "trust.lock.json");
      expect(() => readLock(lock)).toThrow(ConfigError);
      expect(() => readLock(lock)).toThrow(`layout lock ${lock}: `);
      expect(() => readLock(lock)).toThrow(why);
      expect(() => writeLock(lock, { version: 1, stacks: {} })).toThrow(ConfigError);
      expect(existsSync(join(lockDir, "gone.json"))).toBe(false);

      const adoptionDir = directory((d) => make(join(d, "trust.imports.json")));
      const adoption = join(adoptionDir, "trust.imports.json");
      const { config } = loadConfig(adoptionDir);
      expect(() => adoptionImports(config, adoptionDir)).toThrow(AdoptionFileError);
      expect(() => adoptionImports(config, adoptionDir)).toThrow(`adoption file ${adoption}: `);
      expect(() => adoptionImports(config, adoptionDir)).toThrow(why);
    },
  );

  it.each(["trust.lock.json", "trust.imports.json"])(
    "that is a named pipe (%s) is refused instead of blocking the synth",
    (name) => {
      const dir = directory((d) => {
        expect(spawnSync("mkfifo", [join(d, name)]).status).toBe(0);
      });
      const { status, stdout, stderr } = synthOf(dir);
      expect(stderr).toContain(`${join(dir, name)}: not a regular file (a pipe, socket or device)`);
      expect(stdout).not.toContain("The layout changed");
      expect(status).toBe(1);
    },
  );

  it("that cannot be written (TRUST_LOCK in a folder that does not exist) fails the synth with one message", () => {
    const dir = directory(() => {});
    const lock = join(dir, "missing", "trust.lock.json");
    const { status, stderr, outdir } = synthOf(dir, false, { TRUST_LOCK: lock });
    expect(stderr).toBe(`cannot write the layout lock ${lock}: its folder does not exist\n`);
    expect(status).toBe(1);
    expect(readSynthRecord(outdir)).toMatchObject({ status: "failed" });
  });
});
