//! I-4 従事者: the staff list counted as 別添3 prints it.
//!
//! - 産業医の人数: staff whose role is 産業医等.
//! - 保健師の人数: staff whose role is 保健師.
//! - コーディネーターの人数(統括を含む): コーディネーター and 統括コーディネーター, and, as the
//!   sheet's note says (「※統括兼務のコーディネーターは2名と計上」), a 統括コーディネーター who
//!   also works as a coordinator ([`Staff::concurrent_coordinator`]) counts 2. The ids of a count
//!   list each person once, so for that line `value` may exceed the number of ids.

use rusqlite::Connection;

use crate::domain::{Staff, StaffRole};
use crate::error::Result;

use super::StaffCounts;

/// Count the staff list: `(id, staff)` in any order.
pub fn count<'a>(staff: impl IntoIterator<Item = (&'a str, &'a Staff)>) -> StaffCounts {
    let mut out = StaffCounts::default();
    for (id, s) in staff {
        match s.role {
            Some(StaffRole::Doctor) => out.doctors.add(id, 1),
            Some(StaffRole::Nurse) => out.nurses.add(id, 1),
            Some(StaffRole::Coordinator) => out.coordinators.add(id, 1),
            Some(StaffRole::ChiefCoordinator) => {
                out.chief_coordinators.add(id, 1);
                if s.concurrent_coordinator {
                    out.coordinators.add(id, 2);
                    out.concurrent_chief_coordinators.add(id, 1);
                } else {
                    out.coordinators.add(id, 1);
                }
            }
            None => {}
        }
    }
    out
}

/// Count the store's staff list.
pub(super) fn counts(c: &Connection) -> Result<StaffCounts> {
    let staff = crate::store::entities::staff_in(c)?;
    Ok(count(staff.iter().map(|(id, s)| (id.as_str(), s))))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A role, and whether it is marked コーディネーター兼務.
    type Member = (Option<StaffRole>, bool);

    fn member(role: Option<StaffRole>, concurrent: bool) -> Staff {
        Staff { role, name: "x".into(), concurrent_coordinator: concurrent, ..Default::default() }
    }

    #[test]
    fn counted_as_the_sheet_says() {
        use StaffRole::*;
        // (the staff list, 産業医, 保健師, コーディネーター(統括を含む), of whom 統括)
        #[rustfmt::skip]
        let cases: &[(&[Member], u64, u64, u64, u64)] = &[
            (&[], 0, 0, 0, 0),
            (&[(Some(Doctor), false)], 1, 0, 0, 0),
            (&[(Some(Nurse), false), (Some(Nurse), false)], 0, 2, 0, 0),
            (&[(Some(Coordinator), false)], 0, 0, 1, 0),
            // A 統括 only: one person, one post.
            (&[(Some(ChiefCoordinator), false)], 0, 0, 1, 1),
            // 統括兼務のコーディネーター: 2名と計上.
            (&[(Some(ChiefCoordinator), true)], 0, 0, 2, 1),
            (&[(Some(ChiefCoordinator), true), (Some(Coordinator), false), (Some(Coordinator), false)], 0, 0, 4, 1),
            (&[(Some(ChiefCoordinator), false), (Some(Coordinator), false)], 0, 0, 2, 1),
            (&[(Some(ChiefCoordinator), true), (Some(ChiefCoordinator), false)], 0, 0, 3, 2),
            (&[(Some(Doctor), false), (Some(Doctor), false), (Some(Nurse), false), (Some(Coordinator), false), (Some(ChiefCoordinator), true)], 2, 1, 3, 1),
            // No role: not counted anywhere.
            (&[(None, false)], 0, 0, 0, 0),
        ];
        for (list, doctors, nurses, coordinators, chiefs) in cases {
            let staff: Vec<(String, Staff)> = list.iter().enumerate().map(|(i, (r, c))| (format!("s{i}"), member(*r, *c))).collect();
            let n = count(staff.iter().map(|(id, s)| (id.as_str(), s)));
            let got = (n.doctors.value, n.nurses.value, n.coordinators.value, n.chief_coordinators.value);
            assert_eq!(got, (*doctors, *nurses, *coordinators, *chiefs), "{list:?}");
            // Each person is listed once, whatever they count for.
            let people = list.iter().filter(|(r, _)| matches!(r, Some(Coordinator | ChiefCoordinator))).count();
            assert_eq!(n.coordinators.ids.len(), people, "{list:?}");
            let concurrent = list.iter().filter(|(r, c)| *r == Some(ChiefCoordinator) && *c).count() as u64;
            assert_eq!(n.concurrent_chief_coordinators.value, concurrent, "{list:?}");
        }
    }

    #[test]
    fn only_a_chief_coordinator_can_be_marked_concurrent() {
        for role in [StaffRole::Doctor, StaffRole::Nurse, StaffRole::Coordinator] {
            let v = member(Some(role), true).validate();
            assert_eq!(v.0.len(), 1, "{role:?}");
            assert_eq!(v.0[0].field, "concurrent_coordinator");
            assert!(v.0[0].message.contains("統括コーディネーター"));
        }
        assert!(member(Some(StaffRole::ChiefCoordinator), true).validate().is_empty());
    }

    #[test]
    fn older_staff_json_reads_and_writes_as_before() {
        let old = r#"{"role":"chief_coordinator","name":"統括 四郎","kana":"","affiliation":"","seal_line":""}"#;
        let s: Staff = serde_json::from_str(old).unwrap();
        assert!(!s.concurrent_coordinator);
        assert_eq!(serde_json::to_string(&s).unwrap(), old, "the unset flag is not written: stored JSON and its hashes are unchanged");
        let both: Staff = serde_json::from_str(r#"{"role":"chief_coordinator","name":"統括 四郎","concurrent_coordinator":true}"#).unwrap();
        assert!(both.concurrent_coordinator);
    }
}
