//! Line breaking for Japanese text in a box (禁則処理).
//!
//! - No line starts with closing punctuation or small kana: 、。」）ー ゃっ … (行頭禁則).
//! - No line ends with opening brackets: 「（『 … (行末禁則).
//! - Latin words and numbers are not split unless a single word is wider than the box.
//! - Explicit newlines are kept.
//!
//! The break is made by pushing characters down to the next line (追い出し), so nothing ever
//! overhangs the box. Wrapping never drops or adds a character other than the newlines it makes.

/// Characters that must not start a line.
pub fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | ','
            | '.'
            | '・'
            | '：'
            | '；'
            | '？'
            | '！'
            | '?'
            | '!'
            | ':'
            | ';'
            | 'ー'
            | '〜'
            | '～'
            | '‐'
            | '゠'
            | '–'
            | '」'
            | '』'
            | '）'
            | '］'
            | '｝'
            | '〕'
            | '〉'
            | '》'
            | '】'
            | '〙'
            | '〗'
            | ')'
            | ']'
            | '}'
            | '”'
            | '’'
            | '»'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ゎ'
            | 'ゕ'
            | 'ゖ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | 'ヮ'
            | 'ヵ'
            | 'ヶ'
            | '々'
            | 'ゝ'
            | 'ゞ'
            | 'ヽ'
            | 'ヾ'
            | '％'
            | '%'
            | '℃'
    )
}

/// Characters that must not end a line.
pub fn no_line_end(c: char) -> bool {
    matches!(
        c,
        '「' | '『'
            | '（'
            | '［'
            | '｛'
            | '〔'
            | '〈'
            | '《'
            | '【'
            | '〘'
            | '〖'
            | '('
            | '['
            | '{'
            | '“'
            | '‘'
            | '«'
            | '＄'
            | '$'
            | '￥'
            | '¥'
            | '＃'
            | '#'
    )
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '\'' | '-' | '_' | '/' | '@' | '+' | '&')
}

/// Break `text` into lines no wider than `width`, measuring with `measure`.
pub fn wrap(text: &str, width: f32, measure: &dyn Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        wrap_paragraph(para.trim_end_matches('\r'), width, measure, &mut lines);
    }
    lines
}

fn wrap_paragraph(para: &str, width: f32, measure: &dyn Fn(&str) -> f32, out: &mut Vec<String>) {
    let chars: Vec<char> = para.chars().collect();
    if chars.is_empty() {
        out.push(String::new());
        return;
    }
    let mut start = 0;
    while start < chars.len() {
        // The longest prefix that fits (at least one character, so a too-narrow box still progresses).
        let mut end = start + 1;
        let mut line: String = chars[start].to_string();
        while end < chars.len() {
            let mut next = line.clone();
            next.push(chars[end]);
            if measure(&next) > width {
                break;
            }
            line = next;
            end += 1;
        }
        if end < chars.len() {
            end = adjust_break(&chars, start, end);
        }
        out.push(chars[start..end].iter().collect());
        start = end;
        // A space that caused the break does not start the next line of Latin text.
        if start < chars.len() && chars[start] == ' ' && start > 0 && is_word_char(chars[start - 1]) {
            // Keep the space at the end of the previous line so no character is lost.
            if let Some(last) = out.last_mut() {
                last.push(' ');
            }
            start += 1;
        }
    }
}

/// Move a break at `end` earlier so that the rules hold. Never returns `start` (a line always
/// holds at least one character).
fn adjust_break(chars: &[char], start: usize, end: usize) -> usize {
    let mut b = end;
    // Do not split a Latin word or a number.
    if is_word_char(chars[b]) && is_word_char(chars[b - 1]) {
        let mut w = b;
        while w > start && is_word_char(chars[w - 1]) {
            w -= 1;
        }
        if w > start {
            b = w;
        }
    }
    // 行頭禁則 and 行末禁則: push characters down until both hold.
    let mut guard = 0;
    while b > start + 1 && (no_line_start(chars[b]) || no_line_end(chars[b - 1])) && guard < 8 {
        b -= 1;
        guard += 1;
    }
    if b == start || (b == start + 1 && (no_line_start(chars[b]) || no_line_end(chars[b - 1])) && end > start + 1) {
        // The rules cannot be met without an empty line: break where it fits.
        return end;
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every character one unit wide, ASCII half.
    fn measure(s: &str) -> f32 {
        s.chars().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).sum()
    }

    fn w(text: &str, width: f32) -> Vec<String> {
        wrap(text, width, &measure)
    }

    #[test]
    fn plain_text_fills_each_line() {
        assert_eq!(w("あいうえおかきくけこ", 4.0), ["あいうえ", "おかきく", "けこ"]);
        assert_eq!(w("", 4.0), [""]);
        assert_eq!(w("一行目\n二行目", 10.0), ["一行目", "二行目"]);
    }

    #[test]
    fn punctuation_never_starts_a_line() {
        // 「。」 would start line 2: 「お」 is pushed down with it.
        assert_eq!(w("あいうえお。かき", 5.0), ["あいうえ", "お。かき"]);
        assert_eq!(w("あいうえ、」かき", 4.0), ["あいう", "え、」か", "き"]);
        assert_eq!(w("がっこうへいった", 4.0), ["がっこう", "へいった"]);
        assert_eq!(w("きゃきゃきゃ", 3.0), ["きゃ", "きゃ", "きゃ"]);
        for line in w("あいうえお、かきくけこ。さしすせそ「たちつてと」なにぬねの", 4.0) {
            let first = line.chars().next().unwrap();
            let last = line.chars().last().unwrap();
            assert!(!no_line_start(first), "{line}");
            assert!(!no_line_end(last), "{line}");
        }
    }

    #[test]
    fn opening_brackets_never_end_a_line() {
        assert_eq!(w("あいう「えお」", 4.0), ["あいう", "「えお」"]);
    }

    #[test]
    fn latin_words_and_numbers_stay_whole() {
        let lines = w("血圧 145/92 mmHg を測定", 5.0);
        assert_eq!(lines.concat(), "血圧 145/92 mmHg を測定");
        assert!(lines.iter().any(|l| l.contains("145/92")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("mmHg")), "{lines:?}");
        // A word longer than the box is split where it must be.
        let lines = w("abcdefghijklmnopqrstuvwxyz", 3.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), "abcdefghijklmnopqrstuvwxyz");
    }

    #[test]
    fn a_box_narrower_than_one_character_still_progresses() {
        assert_eq!(w("あいう", 0.5), ["あ", "い", "う"]);
    }

    proptest! {
        #[test]
        fn wrapping_loses_nothing_and_respects_the_width(text in "[あ-んア-ン一-龠、。「」ー a-z0-9\n]{0,200}", width in 1.0f32..30.0) {
            let lines = w(&text, width);
            // No character is lost or added: the lines joined give back the text (newlines
            // between paragraphs aside).
            let rejoined: String = lines.concat();
            let original: String = text.chars().filter(|c| *c != '\n').collect();
            prop_assert_eq!(rejoined, original);
            for line in &lines {
                let fits = measure(line.trim_end()) <= width || line.chars().count() == 1;
                prop_assert!(fits || line.chars().all(is_word_char) || line.chars().count() <= 2, "{:?} wider than {}", line, width);
            }
        }
    }
}
