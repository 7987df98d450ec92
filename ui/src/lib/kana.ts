// Search as you type: half- and full-width, hiragana and katakana, upper and lower case all
// match. The same folding as the core's `domain/kana.rs::search_key`, for lists filtered on screen.

/** The folded form of a name or a query. */
export function kanaKey(s: string): string {
  const folded = Array.from(s.normalize("NFKC").replace(/[\s・･]/g, ""))
    .map((c) => {
      const code = c.codePointAt(0)!;
      // Hiragana ぁ..ゖ and ゝゞ map onto katakana by a fixed offset.
      if ((code >= 0x3041 && code <= 0x3096) || (code >= 0x309d && code <= 0x309e)) return String.fromCodePoint(code + 0x60);
      return c.toLowerCase();
    })
    .join("");
  return folded.normalize("NFKC");
}

/** True when the query appears in any of the texts, folded. An empty query matches all. */
export function kanaMatches(query: string, ...texts: string[]): boolean {
  const q = kanaKey(query);
  return q === "" || texts.some((t) => kanaKey(t).includes(q));
}
