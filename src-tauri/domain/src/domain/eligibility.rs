//! Who the centre serves: workplaces of fewer than 50 workers, small firms first (seed 002, 記4(1)ア).

use serde::Serialize;
use ts_rs::TS;

use super::entities::Workplace;

/// How strongly a finding limits the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Severity {
    /// Outside the scheme: redirect the workplace.
    Ineligible,
    /// May be served, but only after the advice is given.
    Advice,
}

/// One reason a workplace may not be served as it asks, with the advice of seed 002.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct EligibilityFinding {
    pub severity: Severity,
    pub reason: String,
    pub advice: String,
}

/// Check a workplace against the scheme's rules.
pub fn check(w: &Workplace) -> Vec<EligibilityFinding> {
    let mut out = Vec::new();
    if w.fifty_or_more || w.total_workers().is_some_and(|n| n >= 50) {
        out.push(EligibilityFinding {
            severity: Severity::Ineligible,
            reason: "常時50人以上の労働者を使用する事業場です。".into(),
            advice: "本事業の対象は小規模事業場（50人未満）です。事業場で選任されている産業医に相談するよう促してください。".into(),
        });
    }
    if w.has_general_physician {
        out.push(EligibilityFinding {
            severity: Severity::Ineligible,
            reason: "企業として総括産業医を選任しています。".into(),
            advice: "総括産業医を選任している企業の事業場は本事業の対象外です。企業の総括産業医・産業医に相談するよう案内してください。".into(),
        });
    }
    if w.branch_of_large_company {
        out.push(EligibilityFinding {
            severity: Severity::Advice,
            reason: "大企業の支店・営業所等です。".into(),
            advice: "本事業の趣旨について理解を得た上で、本社や一定の資本関係にある事業者が選任する産業医の協力を要請するよう助言するか、特定健康相談を実施できる医療機関を紹介してください。企業規模で50人未満の事業場を優先します。".into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eligibility_case_table() {
        let small = Workplace { name: "小".into(), workers_total: Some(12), ..Default::default() };
        let cases: Vec<(Workplace, Vec<Severity>)> = vec![
            (small.clone(), vec![]),
            (Workplace { workers_total: Some(49), ..small.clone() }, vec![]),
            (Workplace { workers_total: Some(50), ..small.clone() }, vec![Severity::Ineligible]),
            (Workplace { workers_total: None, workers_male: Some(30), workers_female: Some(25), ..small.clone() }, vec![Severity::Ineligible]),
            (Workplace { fifty_or_more: true, ..small.clone() }, vec![Severity::Ineligible]),
            (Workplace { has_general_physician: true, ..small.clone() }, vec![Severity::Ineligible]),
            (Workplace { branch_of_large_company: true, ..small.clone() }, vec![Severity::Advice]),
            (
                Workplace { fifty_or_more: true, has_general_physician: true, branch_of_large_company: true, ..small },
                vec![Severity::Ineligible, Severity::Ineligible, Severity::Advice],
            ),
        ];
        for (w, want) in cases {
            let got: Vec<Severity> = check(&w).iter().map(|f| f.severity).collect();
            assert_eq!(got, want, "{w:?}");
        }
    }

    #[test]
    fn the_advice_follows_seed_002() {
        let f = check(&Workplace { workers_total: Some(60), ..Default::default() });
        assert!(f[0].advice.contains("選任されている産業医に相談"));
        let f = check(&Workplace { branch_of_large_company: true, ..Default::default() });
        assert!(f[0].advice.contains("本社"));
    }
}
