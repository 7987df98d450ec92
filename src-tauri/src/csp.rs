//! The window's Content Security Policy (`tauri.conf.json`), checked directive by directive: what
//! it allows is written down in ADR 0035 and ADR 0036, and a change to it must change this test.

const CONFIG: &str = include_str!("../tauri.conf.json");

fn csp() -> Vec<(String, String)> {
    let config: serde_json::Value = serde_json::from_str(CONFIG).expect("tauri.conf.json is JSON");
    let csp = config["app"]["security"]["csp"].as_str().expect("the window has a CSP");
    csp.split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.split_once(' ').map(|(k, v)| (k.to_string(), v.to_string())).unwrap_or((d.to_string(), String::new())))
        .collect()
}

#[test]
fn the_csp_allows_the_app_itself_and_the_pdf_worker_only() {
    let want = [
        ("default-src", "'self'"),
        ("script-src", "'self'"),
        ("style-src", "'self'"),
        ("img-src", "'self' data:"),
        ("font-src", "'self'"),
        ("connect-src", "ipc: http://ipc.localhost"),
        // pdf.js parses the preview's PDF in a worker, a file of the app (ADR 0036); never a blob.
        ("worker-src", "'self'"),
        ("object-src", "'none'"),
        ("base-uri", "'none'"),
        ("form-action", "'none'"),
        ("frame-ancestors", "'none'"),
    ];
    let have = csp();
    assert_eq!(have, want.map(|(k, v)| (k.to_string(), v.to_string())));
    assert!(!CONFIG.contains("unsafe-") && !CONFIG.contains("blob:"), "no unsafe-eval, unsafe-inline, wasm-unsafe-eval or blob:");
    let config: serde_json::Value = serde_json::from_str(CONFIG).unwrap();
    assert_eq!(config["app"]["security"]["freezePrototype"], true);
}
