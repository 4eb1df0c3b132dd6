/** What `adopt` finds: things to import, conflicts, and notes. */

/** Something live that differs from the config in a way that adopting it would change or break. */
export interface Conflict {
  /** What it is about, e.g. `role tfc-acme-app (account default)`. */
  readonly subject: string;
  /** What differs, and what the deploy would do. */
  readonly message: string;
  /** What to do about it. */
  readonly todo: string;
  /**
   * Whether `--overwrite` may adopt it anyway (the deploy then updates it in place to the
   * config's values); false where adopting would replace the object or cannot work at all.
   */
  readonly overwritable: boolean;
}

/** One adopted object, for the summary. */
export interface Adopted {
  readonly subject: string;
  /** How the deploy will treat it after the import, when it changes anything. */
  readonly change?: string;
}

/** What one half (AWS, HCP Terraform) of an adoption run found. */
export interface AdoptionFindings {
  readonly adopted: Adopted[];
  readonly conflicts: Conflict[];
  /** Facts worth knowing that block nothing: e.g. policies attached by hand, which stay. */
  readonly notes: string[];
  /** How many objects the deploy will create, by kind. */
  readonly created: Map<string, number>;
}

export function emptyFindings(): AdoptionFindings {
  return { adopted: [], conflicts: [], notes: [], created: new Map() };
}

export function countCreated(findings: AdoptionFindings, kind: string, n = 1): void {
  findings.created.set(kind, (findings.created.get(kind) ?? 0) + n);
}
