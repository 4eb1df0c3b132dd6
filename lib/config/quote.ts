/**
 * Config text as messages quote it. A config is untrusted: a value may hold terminal control
 * sequences, text-direction overrides or megabytes of text, and a message prints it.
 */

/** The longest value a message shows whole, in characters. */
export const MAX_QUOTED_LENGTH = 120;

// JSON.stringify escapes C0 controls, `"` and `\`; these are the other invisible or
// reordering characters: DEL and C1 controls (0x9b starts a terminal sequence on some
// terminals), the soft hyphen, zero-width and direction marks, line and paragraph separators,
// bidirectional embeddings, overrides and isolates, invisible operators, the BOM.
const HIDDEN = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

/** Whether a text holds control or invisible characters, which a message could not show as they are. */
export function hasHiddenCharacters(text: string): boolean {
  for (const char of text) if (char.charCodeAt(0) < 0x20) return true;
  return new RegExp(HIDDEN.source).test(text);
}

/**
 * A value in double quotes, safe to print: control and invisible characters escaped (`\n`,
 * `\u001b`, `\u202e`), and a value longer than {@link MAX_QUOTED_LENGTH} characters cut, with
 * a note of its full length.
 */
export function quote(value: string): string {
  const chars = [...value];
  const cut = chars.length > MAX_QUOTED_LENGTH;
  const shown = cut ? chars.slice(0, MAX_QUOTED_LENGTH).join("") : value;
  const escaped = JSON.stringify(shown).replace(
    HIDDEN,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return cut ? `${escaped.slice(0, -1)}..." (cut; ${chars.length} characters in all)` : escaped;
}
