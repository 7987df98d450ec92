//! The date inputs shared with the screen's parser (ui/src/lib/dates.ts, checked by Vitest): the
//! core reads every case the same way, so what the screen accepts the store accepts.

use chisanpo_core::domain::wareki;

#[test]
fn the_shared_date_inputs_read_as_the_table_says() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/date_inputs.json")).unwrap();
    let table: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = table["cases"].as_array().unwrap();
    assert!(cases.len() > 20);
    for case in cases {
        let input = case[0].as_str().unwrap();
        let want = case[1].as_str();
        let got = wareki::parse(input).ok().map(|d| d.format("%Y-%m-%d").to_string());
        assert_eq!(got.as_deref(), want, "{input:?}");
    }
}
