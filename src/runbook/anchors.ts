// Heading anchors as GitHub makes them (github-slugger, the algorithm github.com uses):
// lower-case, characters of the punctuation, symbol, control, format, private-use,
// unassigned and separator categories removed (but `-`, spaces and alphabetic characters),
// each space turned into `-`; CJK and other letters stay. A repeated anchor gets `-1`, `-2`.
// Step ids default to these, so `[x](#anchor)` lands on the same heading on GitHub and in
// mfs-tui. The categories are github-slugger's (script/generate-regex.mjs), written as
// Unicode property escapes instead of a generated table.

// Connector punctuation (`_`) is kept, as github-slugger keeps it.
const REMOVED = /(?![ -])(?!\p{Alphabetic})[\p{No}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Po}\p{S}\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Z}]/gu;

/** GitHub's anchor for a heading whose text (as rendered, without markup) is `text`. */
export function githubAnchor(text: string): string {
  return text.toLowerCase().replace(REMOVED, '').replace(/ /g, '-');
}

/** Anchors of one document's headings in order: a repeated one gets `-1`, `-2`, … as on GitHub. */
export class AnchorSlugger {
  private readonly seen = new Map<string, number>();

  slug(text: string): string {
    const base = githubAnchor(text);
    let anchor = base;
    while (this.seen.has(anchor)) {
      const n = this.seen.get(base)! + 1;
      this.seen.set(base, n);
      anchor = `${base}-${n}`;
    }
    this.seen.set(anchor, 0);
    return anchor;
  }
}

/**
 * A choice key from its label: lower-case words of letters and digits (any script: `是`,
 * `否`) joined by `-`. Latin accents are dropped, so every key an ASCII label gave before
 * CJK labels were accepted stays the same (journals and `--decide` refer to them).
 */
export function labelKey(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}
