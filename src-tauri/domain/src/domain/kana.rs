//! Search keys: a name or kana folded so that what a person types finds it.
//!
//! Half-width and full-width forms, hiragana and katakana, upper and lower case, and spaces
//! all fold together: 「ﾔﾏﾀﾞ」「やまだ」「ヤマダ」「ｙａｍａｄａ」 find the same people as
//! 「ヤマダ」 and 「yamada」.

use unicode_normalization::UnicodeNormalization;

/// The folded form of a name or kana, as stored in the search columns.
pub fn search_key(s: &str) -> String {
    let folded: String = s
        .nfkc()
        .filter(|c| !c.is_whitespace() && !matches!(c, '・' | '･'))
        .map(|c| match c {
            // Hiragana ぁ..ゖ and the iteration marks ゝゞ map onto katakana by a fixed offset.
            '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309E}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            c => c.to_lowercase().next().unwrap_or(c),
        })
        .collect();
    // Dropping spaces can bring a combining mark next to a letter (「i ́」): compose again.
    folded.nfkc().collect()
}

/// True when the folded `needle` appears in the folded `haystack`.
pub fn matches(haystack: &str, needle: &str) -> bool {
    search_key(haystack).contains(&search_key(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn widths_scripts_and_case_fold_together() {
        let cases = [
            ("ヤマダ", "ヤマダ"),
            ("やまだ", "ヤマダ"),
            ("ﾔﾏﾀﾞ", "ヤマダ"),
            ("ｶﾞｯｺｳ", "ガッコウ"),
            ("山田 太郎", "山田太郎"),
            ("山田　太郎", "山田太郎"),
            ("ＹＡＭＡＤＡ", "yamada"),
            ("株式会社ＡＢＣ", "株式会社abc"),
            ("ゞ", "ヾ"),
            ("サトウ・ハナコ", "サトウハナコ"),
        ];
        for (input, want) in cases {
            assert_eq!(search_key(input), want, "{input}");
        }
    }

    #[test]
    fn matching_is_a_folded_substring() {
        assert!(matches("ヤマダ タロウ", "やまだ"));
        assert!(matches("ヤマダ タロウ", "ﾀﾛｳ"));
        assert!(matches("株式会社　山田製作所", "山田製作"));
        assert!(!matches("ヤマダ", "やまもと"));
    }

    proptest! {
        #[test]
        fn folding_is_idempotent(s in "\\PC{0,30}") {
            let once = search_key(&s);
            prop_assert_eq!(search_key(&once), once);
        }
    }
}
