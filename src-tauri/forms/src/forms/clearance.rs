//! Clearance on the printed page: what a doctor notices on paper and a text extraction does not —
//! a circle (○) round a chosen option touching a rule or another circle, text running into a rule.
//!
//! [`super::sheet::Sheet`] records, as it draws, every rule (cell borders, lines), every mark and
//! every run of text with its box; [`Clearance::problems`] lists what is closer than the gaps
//! below. Tests draw each 様式 and require the list to be empty.

/// A box on the page, in millimetres from the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    fn right(&self) -> f32 {
        self.x + self.w
    }

    fn bottom(&self) -> f32 {
        self.y + self.h
    }

    /// The gap between two boxes (0 when they touch or overlap).
    fn gap(&self, o: &Rect) -> f32 {
        let dx = (o.x - self.right()).max(self.x - o.right()).max(0.0);
        let dy = (o.y - self.bottom()).max(self.y - o.bottom()).max(0.0);
        dx.hypot(dy)
    }
}

/// The smallest room between a circle and any rule or other circle, in mm.
pub const MARK_GAP: f32 = 0.5;
/// The smallest room between text and a rule, in mm.
pub const TEXT_GAP: f32 = 0.3;

/// What was drawn on the first page of a sheet, for the clearance check.
#[derive(Debug, Default, Clone)]
pub struct Clearance {
    /// Rules as thin boxes (a horizontal or vertical line).
    rules: Vec<Rect>,
    marks: Vec<(Rect, String)>,
    texts: Vec<(Rect, String)>,
}

impl Clearance {
    /// A straight rule from (x1, y1) to (x2, y2); only horizontal and vertical rules are kept.
    pub fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        if (y1 - y2).abs() < 0.01 || (x1 - x2).abs() < 0.01 {
            self.rules.push(Rect { x: x1.min(x2), y: y1.min(y2), w: (x2 - x1).abs(), h: (y2 - y1).abs() });
        }
    }

    /// The four borders of a ruled box.
    pub fn cell(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.rule(x, y, x + w, y);
        self.rule(x, y + h, x + w, y + h);
        self.rule(x, y, x, y + h);
        self.rule(x + w, y, x + w, y + h);
    }

    pub fn mark(&mut self, r: Rect, what: &str) {
        self.marks.push((r, what.to_string()));
    }

    pub fn text(&mut self, r: Rect, what: &str) {
        if !what.trim().is_empty() {
            self.texts.push((r, what.to_string()));
        }
    }

    /// Every circle that touches a rule or another circle, and every text that touches or
    /// crosses a rule, in Japanese.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (n, (a, what)) in self.marks.iter().enumerate() {
            for (b, other) in &self.marks[n + 1..] {
                if a.gap(b) < MARK_GAP {
                    out.push(format!("「{what}」と「{other}」の○が接しています（間隔{:.2}mm）", a.gap(b)));
                }
            }
            if let Some(r) = self.rules.iter().find(|r| a.gap(r) < MARK_GAP) {
                out.push(format!("「{what}」の○が罫線に接しています（間隔{:.2}mm、罫線 {r:?}）", a.gap(r)));
            }
        }
        for (t, what) in &self.texts {
            if let Some(r) = self.rules.iter().find(|r| t.gap(r) < TEXT_GAP) {
                out.push(format!("「{what}」が罫線に接しています（間隔{:.2}mm、罫線 {r:?}）", t.gap(r)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_circles_rules_and_text_are_reported_and_clear_ones_are_not() {
        let mut c = Clearance::default();
        c.cell(0.0, 0.0, 100.0, 10.0);
        c.mark(Rect { x: 2.0, y: 2.0, w: 20.0, h: 4.0 }, "a");
        c.mark(Rect { x: 23.0, y: 2.0, w: 20.0, h: 4.0 }, "b");
        c.text(Rect { x: 50.0, y: 3.0, w: 10.0, h: 3.0 }, "clear");
        assert!(c.problems().is_empty(), "{:?}", c.problems());

        c.mark(Rect { x: 43.2, y: 2.0, w: 5.0, h: 4.0 }, "c");
        c.mark(Rect { x: 60.0, y: 0.2, w: 5.0, h: 4.0 }, "d");
        c.text(Rect { x: 90.0, y: 3.0, w: 10.1, h: 3.0 }, "054-123-4568");
        let p = c.problems();
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].contains("「b」と「c」の○が接しています"), "{p:?}");
        assert!(p[1].contains("「d」の○が罫線に接しています"), "{p:?}");
        assert!(p[2].contains("「054-123-4568」が罫線に接しています"), "{p:?}");
    }
}
