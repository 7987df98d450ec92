//! The recovery sheet: one page to print at `init` and keep in the centre's safe. It holds the
//! recovery key (the only way back in when the passphrase is forgotten), what it is for, and how
//! to use it. It names the store, never a record.

use crate::error::Result;

use super::canvas::{centered_baseline, Canvas, Meta};
use super::fonts::{FontFace, FontSet};
use super::sheet::{LEFT, RIGHT, WIDTH};

/// What the sheet says about the store it belongs to.
#[derive(Debug, Clone)]
pub struct SheetFacts {
    pub store_id: String,
    pub owner: String,
    pub centre_name: String,
    pub created_on: String,
}

const STEPS: &[&str] = &[
    "1. 地さんぽノートを起動し、解錠画面の「パスフレーズを忘れた」を選びます（コマンドでは chisanpo recover）。",
    "2. 下の回復キーを入力します。ハイフン・空白・大文字小文字は問いません。",
    "3. 新しいパスフレーズを決めます。記録はそのまま残ります。",
    "4. バックアップの復元でも、パスフレーズの代わりにこの回復キーを使えます。",
];

const CAUTIONS: &[&str] = &[
    "・このシートは、施錠できる場所（センターの金庫など）に保管してください。",
    "・回復キーを知る人は、このパソコンの記録をすべて読めます。写真やメールで送らないでください。",
    "・回復キーは再表示できません。紛失したときは、記録を開けるうちにストアを作り直す手続きを相談してください。",
];

/// A wrapped paragraph, indented under its heading; returns the next baseline.
fn paragraph(c: &mut Canvas, mut y: f32, face: FontFace, size: f32, text: &str) -> f32 {
    let lines = {
        let measure = |t: &str| c.text_width(face, size, t);
        super::wrap::wrap(text, WIDTH - 6.0, &measure)
    };
    for (i, l) in lines.iter().enumerate() {
        c.text(LEFT + if i == 0 { 3.0 } else { 6.0 }, y, face, size, l);
        y += 5.2;
    }
    y + 1.8
}

/// The PDF of the recovery sheet. `shown`: the recovery key as it is shown to be typed back,
/// groups joined by `-`.
pub fn render(shown: &str, facts: &SheetFacts, fonts: FontSet) -> Result<Vec<u8>> {
    let meta = Meta {
        title: "地さんぽノート 回復シート".into(),
        author: facts.owner.clone(),
        subject: format!("ストア {}", facts.store_id),
        created: chrono::Utc::now(),
    };
    let mut c = Canvas::new(fonts, meta);
    c.new_page();
    let m = FontFace::Mincho;
    let g = FontFace::Gothic;
    c.text_center(LEFT, 28.0, WIDTH, g, 20.0, "地さんぽノート　回復シート");
    c.text_center(LEFT, 36.0, WIDTH, m, 10.0, "パスフレーズを忘れたときに、記録を取り戻すためのものです。");

    let rows = [
        ("利用者", facts.owner.as_str()),
        ("センター", facts.centre_name.as_str()),
        ("作成日", facts.created_on.as_str()),
        ("ストアID", facts.store_id.as_str()),
    ];
    let mut y = 46.0;
    for (label, value) in rows {
        c.fill_rect(LEFT, y, 34.0, 9.0, 0.92);
        c.rect(LEFT, y, 34.0, 9.0, 0.5);
        c.rect(LEFT + 34.0, y, WIDTH - 34.0, 9.0, 0.5);
        let base = centered_baseline(y, 9.0, 10.0);
        c.text_center(LEFT, base, 34.0, m, 10.0, label);
        c.text(LEFT + 37.0, base, m, 10.0, value);
        y += 9.0;
    }

    y += 10.0;
    c.text(LEFT, y, g, 12.0, "回復キー");
    y += 4.0;
    c.rect(LEFT, y, WIDTH, 30.0, 2.0);
    // Two lines of four groups, large, with a gap between groups, easy to read back.
    let groups: Vec<&str> = shown.split('-').collect();
    for (row, chunk) in groups.chunks(4).enumerate() {
        let text = chunk.join(" - ");
        c.text_center(LEFT, y + 12.5 + row as f32 * 11.0, WIDTH, g, 20.0, &text);
    }
    y += 40.0;

    c.text(LEFT, y, g, 12.0, "使い方");
    y += 7.0;
    for s in STEPS {
        y = paragraph(&mut c, y, m, 10.0, s);
    }
    y += 6.0;
    c.text(LEFT, y, g, 12.0, "注意");
    y += 7.0;
    for s in CAUTIONS {
        y = paragraph(&mut c, y, m, 9.5, s);
    }
    c.line(LEFT, 280.0, RIGHT, 280.0, 0.5);
    c.text(LEFT, 286.0, m, 8.0, "地さんぽノート　回復シート（1枚）");
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sheet_holds_the_key_as_shown() {
        let facts = SheetFacts {
            store_id: "0195".into(),
            owner: "産業 太郎".into(),
            centre_name: "静岡県地域産業保健センター".into(),
            created_on: "令和7年4月1日".into(),
        };
        let pdf = render("ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789", &facts, FontSet::embedded().unwrap()).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert!(pdf.len() < 80 * 1024, "{}", pdf.len());
    }
}
