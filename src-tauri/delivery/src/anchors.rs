//! Devices' audit anchors at the centre (ADR 0020).
//!
//! Each bundle carries the head of its device's audit chain when it was made (signed with the
//! bundle). The centre keeps, per device, the head of the newest bundle it applied and echoes it
//! in its receipts, so the device can keep "what the centre has seen" outside its database. A
//! device whose head goes backwards from one bundle to a later one (an older database copied
//! back, a lost `-wal`, a restore of an older backup) is flagged: the bundle is still applied
//! (nothing is lost by applying; versions never overwrite each other at the centre) and the
//! coordinator is told which device to look at.
//!
//! The judgement is a pure function of what the centre held and what arrived, tested by table.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::store::anchor::AuditHead;

/// What the centre holds for one device: the newest bundle applied and its head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DeviceAnchor {
    pub bundle_seq: u64,
    pub head: AuditHead,
}

/// What a bundle's head says about its device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The first bundle with a head from this device: kept.
    First,
    /// A later bundle whose chain has grown (or not moved): kept.
    Advanced,
    /// An earlier bundle arriving late (bundles may come in any order): compared with nothing,
    /// the newer head is kept.
    Late,
    /// A later bundle whose chain is shorter, or as long but different: the device's store went
    /// back. Kept (the device's present), and the device flagged with this reason.
    RolledBack(String),
}

impl Verdict {
    /// Whether the bundle's head replaces the one held.
    pub fn keeps_new(&self) -> bool {
        !matches!(self, Verdict::Late)
    }
}

/// Judge a bundle's head against what the centre held for its device.
pub fn judge(held: Option<&DeviceAnchor>, bundle_seq: u64, head: &AuditHead) -> Verdict {
    let Some(held) = held else { return Verdict::First };
    if bundle_seq <= held.bundle_seq {
        return Verdict::Late;
    }
    if head.seq > held.head.seq || (head.seq == held.head.seq && head.hash == held.head.hash) {
        return Verdict::Advanced;
    }
    let why = if head.seq < held.head.seq {
        format!(
            "監査ログが巻き戻っています（配送ファイル {} では {} 件でしたが、後の配送ファイル {} では {} 件です）",
            held.bundle_seq, held.head.seq, bundle_seq, head.seq
        )
    } else {
        format!("監査ログが分岐しています（{} 件目の内容が、配送ファイル {} と {} で異なります）", head.seq, held.bundle_seq, bundle_seq)
    };
    Verdict::RolledBack(format!(
        "{why}。端末のストアが古い写しやバックアップで置き換えられた可能性があります。端末の利用者に確認し、端末で `chisanpo verify` を実行してもらってください。"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(seq: i64, h: &str) -> AuditHead {
        AuditHead { seq, hash: h.into() }
    }

    #[test]
    fn a_head_that_goes_back_in_a_later_bundle_is_flagged_and_nothing_else_is() {
        let held = DeviceAnchor { bundle_seq: 5, head: head(100, "a") };
        let cases: &[(Option<&DeviceAnchor>, u64, AuditHead, &str)] = &[
            (None, 1, head(3, "x"), "first"),
            (Some(&held), 6, head(120, "b"), "advanced"),
            (Some(&held), 6, head(100, "a"), "advanced"),
            (Some(&held), 4, head(90, "z"), "late"),
            (Some(&held), 5, head(10, "z"), "late"),
            (Some(&held), 6, head(90, "c"), "back"),
            (Some(&held), 9, head(100, "other"), "fork"),
        ];
        for (held, seq, h, expected) in cases {
            let v = judge(*held, *seq, h);
            let got = match &v {
                Verdict::First => "first",
                Verdict::Advanced => "advanced",
                Verdict::Late => "late",
                Verdict::RolledBack(why) if why.contains("巻き戻って") => "back",
                Verdict::RolledBack(why) if why.contains("分岐して") => "fork",
                Verdict::RolledBack(_) => "rolled back, unnamed",
            };
            assert_eq!(got, *expected, "{held:?} then bundle {seq} with {h:?}");
            assert_eq!(v.keeps_new(), *expected != "late");
        }
    }
}
