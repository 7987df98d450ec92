//! The small records the annual report (別添3) counts besides consultations and interviews:
//! 地域産業保健事業運営協議会, coordinators' activity days, and other work.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codes::Code;
use super::dates::Date;
use super::validate::{Strictness, Violations};

macro_rules! small_code {
    ($name:ident { $($v:ident = ($mark:literal, $label:literal, $id:literal)),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name { $($v),+ }
        impl Code for $name {
            const ALL: &'static [Self] = &[$(Self::$v),+];
            fn label(self) -> &'static str { match self { $(Self::$v => $label),+ } }
            fn mark(self) -> &'static str { match self { $(Self::$v => $mark),+ } }
        }
        impl $name {
            pub fn as_str(self) -> &'static str { match self { $(Self::$v => $id),+ } }
        }
    };
}

small_code!(ActivityKind {
    Council = ("1", "地域産業保健事業運営協議会", "council"),
    CoordinatorDay = ("2", "コーディネーターの活動", "coordinator_day"),
    OtherWork = ("3", "その他の業務", "other_work"),
});

small_code!(CouncilLevel {
    Prefecture = ("1", "都道府県単位の協議会", "prefecture"),
    Zone = ("2", "圏域単位の協議会", "zone"),
});

/// One activity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Activity {
    pub kind: Option<ActivityKind>,
    /// 開催日・活動日
    pub held_on: Option<Date>,
    /// The coordinator (activity days).
    pub staff_id: Option<String>,
    /// Which council (協議会).
    pub council_level: Option<CouncilLevel>,
    /// 内容
    pub description: String,
    /// 回数 or 件数 of other work (default 1).
    pub count: Option<u32>,
}

impl Activity {
    pub fn validate(&self) -> Violations {
        let mut v = Violations::default();
        v.require(Strictness::Final, &self.kind, "kind", "種類");
        v.require(Strictness::Final, &self.held_on, "held_on", "日付");
        match self.kind {
            Some(ActivityKind::Council) => v.require(Strictness::Final, &self.council_level, "council_level", "協議会の区分"),
            Some(ActivityKind::CoordinatorDay) => v.require(Strictness::Final, &self.staff_id, "staff_id", "コーディネーター"),
            Some(ActivityKind::OtherWork) => v.require_text(Strictness::Final, &self.description, "description", "業務の内容"),
            None => {}
        }
        if self.count == Some(0) {
            v.push("count", "回数は1以上で入力してください。");
        }
        v.max_len(&self.description, 2000, "description", "内容");
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_needs_its_own_facts() {
        let day = Date::ymd(2025, 5, 1);
        let ok = [
            Activity { kind: Some(ActivityKind::Council), held_on: day, council_level: Some(CouncilLevel::Zone), ..Default::default() },
            Activity { kind: Some(ActivityKind::CoordinatorDay), held_on: day, staff_id: Some("s".into()), ..Default::default() },
            Activity {
                kind: Some(ActivityKind::OtherWork), held_on: day, description: "事業場訪問による周知".into(), count: Some(3), ..Default::default()
            },
        ];
        for a in ok {
            assert!(a.validate().is_empty(), "{a:?}");
        }
        let missing = [
            (Activity { kind: Some(ActivityKind::Council), held_on: day, ..Default::default() }, "council_level"),
            (Activity { kind: Some(ActivityKind::CoordinatorDay), held_on: day, ..Default::default() }, "staff_id"),
            (Activity { kind: Some(ActivityKind::OtherWork), held_on: day, ..Default::default() }, "description"),
            (Activity { kind: Some(ActivityKind::Council), council_level: Some(CouncilLevel::Zone), ..Default::default() }, "held_on"),
        ];
        for (a, field) in missing {
            assert_eq!(a.validate().0[0].field, field, "{a:?}");
        }
    }
}
