import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfig } from "../lib/config/load";
import { benchConfig } from "../scripts/bench/bench";

describe("the benchmark's configs", () => {
  it.each([[1], [100], [1000]])(
    "are valid, with %i workspaces, several projects with spaces, split roles and three accounts",
    (n) => {
      const text = benchConfig(n);
      const config = parseConfig(text);
      expect(config.workspaces).toHaveLength(n);
      const raw = parse(text) as { workspaces: Array<{ project: string; plan?: unknown }> };
      expect(Object.keys(config.accounts ?? {})).toEqual(["prod", "shared", "dev"]);
      expect(raw.workspaces.every((ws) => ws.project.includes(" "))).toBe(true);
      if (n >= 4) expect(raw.workspaces.some((ws) => ws.plan !== undefined)).toBe(true);
      if (n >= 1000) expect(new Set(raw.workspaces.map((ws) => ws.project)).size).toBe(10);
    },
  );
});
