//! `traincost report`, end to end and as a person would see it: the HTML file opened in
//! headless Chromium (Debian's `chromium`; `.ci/run` installs it). Without Chromium these tests
//! fail with a message saying how to install it: they never pass silently.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::util::{assert_fails_with, run, stderr, stdout, temp_dir, write};

/// The Chromium binary: `$TRAINCOST_CHROMIUM`, else `/usr/bin/chromium`, else `chromium` on
/// the PATH. Panics with the fix if there is none.
fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("TRAINCOST_CHROMIUM") {
        return PathBuf::from(p);
    }
    let debian = Path::new("/usr/bin/chromium");
    if debian.exists() {
        return debian.to_owned();
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let p = dir.join("chromium");
            if p.exists() {
                return p;
            }
        }
    }
    panic!(
        "headless Chromium is needed to test the HTML report and was not found at /usr/bin/chromium \
         or on the PATH: install it (`apt-get install -y chromium`; `.ci/run` does this) or set \
         TRAINCOST_CHROMIUM to its path"
    );
}

/// Runs Chromium headless on `page` with a fresh profile, the extra `args`, and console
/// logging on stderr. A guard kills it after 3 minutes (a hung browser, not a timed assertion).
fn chromium_run(page: &Path, args: &[&str]) -> Output {
    let profile = temp_dir();
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(args)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let child = cmd.spawn().expect("chromium starts");
    let pid = child.id();
    // Read its output while it runs (a DOM larger than a pipe buffer would block it otherwise).
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(180)) {
        Ok(out) => out.expect("chromium output"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!(
                "chromium did not finish within 3 minutes on {}",
                page.display()
            );
        }
    }
}

/// Console messages and uncaught errors in Chromium's log. Chromium logs every console
/// message as `...:CONSOLE...] "text", source: ...` (uncaught exceptions as `"Uncaught ..."`).
fn console_problems(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

/// Visible text of a DOM: tags dropped, entities decoded (the few we write).
fn text_of(dom: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in dom.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn make_report(dir: &Path, extra: &[&str]) -> PathBuf {
    let path = dir.join("report.html");
    let mut args = vec![
        "report",
        "deepseek-v3",
        "--samples",
        "5000",
        "--output",
        path.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "the report went to the file");
    path
}

#[test]
fn the_console_check_catches_errors() {
    // The detector itself: a page with a console error and an uncaught exception.
    let dir = temp_dir();
    let bad = write(
        dir.path(),
        "bad.html",
        "<!DOCTYPE html><html><body><p>x</p><script>console.error('boom'); throw new Error('uncaught boom');</script></body></html>",
    );
    let o = chromium_run(&bad, &["--dump-dom"]);
    let log = stderr(&o);
    let problems = console_problems(&log);
    assert!(
        problems.iter().any(|l| l.contains("boom"))
            && problems.iter().any(|l| l.contains("Uncaught")),
        "console errors not seen in Chromium's log:\n{log}"
    );
}

#[test]
fn the_report_renders_every_layer_and_the_headline_without_console_errors() {
    let dir = temp_dir();
    let page = make_report(dir.path(), &[]);
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: no script, no external resource.
    assert!(!html.contains("<script"), "no JavaScript");
    assert!(!html.contains("<link"), "no external stylesheet");
    assert!(
        !html.contains("src=\"http") && !html.contains("url(http"),
        "no network"
    );
    assert!(html.contains("<meta name=\"viewport\""), "phone layout");

    let o = chromium_run(&page, &["--dump-dom"]);
    let log = stderr(&o);
    assert!(o.status.success(), "chromium failed:\n{log}");
    let dom = stdout(&o);
    let problems = console_problems(&log);
    assert!(
        problems.is_empty(),
        "console errors:\n{}",
        problems.join("\n")
    );
    let text = text_of(&dom);

    // The headline figure, from the claims data, and every layer and total, from the estimate.
    let est: serde_json::Value = serde_json::from_slice(
        &run(&[
            "estimate",
            "deepseek-v3",
            "--samples",
            "5000",
            "--format",
            "json",
        ])
        .stdout,
    )
    .unwrap();
    let headline = est["headline"]["claimed"].as_f64().unwrap();
    assert_eq!(headline, 5_576_000.0);
    assert!(text.contains("$5.576M"), "headline figure not rendered");
    let ids: Vec<&str> = est["layers"]
        .as_array()
        .unwrap()
        .iter()
        .chain(est["totals"].as_array().unwrap())
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert!(ids.len() >= 6);
    for id in &ids {
        assert!(
            dom.contains(&format!("id=\"layer-{id}\"")),
            "layer {id} missing from the DOM"
        );
        let label = est["layers"]
            .as_array()
            .unwrap()
            .iter()
            .chain(est["totals"].as_array().unwrap())
            .find(|l| l["id"] == *id)
            .unwrap()["label"]
            .as_str()
            .unwrap();
        assert!(text.contains(label), "label {label:?} not rendered");
    }
    // Charts are inline SVG; the tornado is there; sources are links; the typo is flagged.
    assert!(
        dom.matches("<svg").count() >= 3,
        "stack, distributions and tornado"
    );
    assert!(dom.contains("id=\"tornado\""));
    // The energy section: both forms of the final run, charted and tabled.
    assert!(dom.contains("id=\"energy\""));
    for id in ["final-run-energy-accelerator", "final-run-energy-facility"] {
        assert!(
            dom.contains(&format!("data-energy=\"{id}\"")),
            "{id} not charted"
        );
    }
    assert!(
        text.contains("1.952 GWh"),
        "V3's accelerator energy: 2.788M GPU-hours x 700 W"
    );
    // Its emissions (China's grid, as the scenario assumes), charted location-based.
    assert!(dom.contains("id=\"emissions-chart\""));
    assert!(dom.contains("data-energy=\"final-run-emissions-accelerator-location\""));
    assert!(dom.contains("href=\"https://arxiv.org/abs/2412.19437\""));
    assert!(dom.contains("id=\"claim-finansguncel-deepseek-v3-cost-typo\""));
    assert!(text.contains("ERRONEOUS, not evidence"));
    assert!(text.contains("semianalysis-deepseek-server-capex"));
    assert!(text.contains("Where sources disagree"));
}

#[test]
fn a_phone_screenshot_is_saved() {
    let dir = temp_dir();
    let page = make_report(dir.path(), &[]);
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let png = shots.join("deepseek-v3-phone.png");
    let _ = std::fs::remove_file(&png);
    // Headless Chromium lays a page out at least ~485 px wide whatever its window: the page
    // goes in a 412 px iframe, so the screenshot shows what a 412 px phone shows.
    let frame = write(
        dir.path(),
        "phone.html",
        "<!DOCTYPE html><html><body style=\"margin:0\"><iframe src=\"report.html\" \
         style=\"width:412px;height:915px;border:0\"></iframe></body></html>",
    );
    let _ = page;
    let o = chromium_run(
        &frame,
        &[
            "--hide-scrollbars",
            &format!("--screenshot={}", png.display()),
            "--window-size=412,915",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (412, 915), "phone-sized");
    eprintln!("screenshot: {}", png.display());
}

#[test]
fn hostile_claim_text_is_escaped() {
    // A user's claim about DeepSeek-V3 full of markup: it must show as text, never as markup.
    let dir = temp_dir();
    let claims = write(
        dir.path(),
        "hostile.toml",
        r#"
[[claim]]
id = "hostile-deepseek-v3-cost"
subject = "DeepSeek-V3"
quantity = "final training run cost (<b>bold</b> & \"quoted\")"
value = 6000000
unit = "USD"
qualifier = "about"
claimant = "Mallory <script>alert('x')</script> & Co"
source_title = "A \"title\" with <i>tags</i> & ampersands"
source_url = "https://example.com/?a=1&b=<2>"
published = "2025-02"
quote = "it cost about $6,000,000 <script>document.title='pwned'</script>"
tags = ["final-run"]
"#,
    );
    let page = make_report(dir.path(), &["--claims", claims.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("<script"),
        "markup from a claim reached the HTML"
    );
    assert!(html.contains("Mallory &lt;script&gt;"));
    let o = chromium_run(&page, &["--dump-dom"]);
    let dom = stdout(&o);
    assert!(!dom.contains("<script"), "a script element in the DOM");
    assert!(
        !dom.contains("<b>bold</b>"),
        "claim markup rendered as markup"
    );
    let text = text_of(&dom);
    assert!(
        text.contains("Mallory <script>alert('x')</script> & Co"),
        "shown as text"
    );
    assert!(text.contains("(<b>bold</b> & \"quoted\")"));
    assert!(console_problems(&stderr(&o)).is_empty());
    assert!(dom.contains("<title>DeepSeek-V3: what did it really cost to train?</title>"));
}

#[test]
fn bad_input_is_a_clear_error_and_leaves_no_file() {
    let o = run(&[
        "report",
        "deepseek-v33",
        "--output",
        "/tmp/never-written.html",
    ]);
    assert_fails_with(&o, &["deepseek-v33", "did you mean"]);
    let o = run(&[
        "report",
        "deepseek-v3",
        "--samples",
        "1000",
        "--output",
        "/nonexistent-dir/r.html",
    ]);
    assert_fails_with(&o, &["does not exist"]);
    let o = run(&[
        "report",
        "deepseek-v3",
        "--samples",
        "1000",
        "--tornado-layer",
        "stafff",
    ]);
    assert_fails_with(&o, &["stafff", "staff"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir();
        let ro = dir.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        // Root ignores permissions: only check when the directory is really read-only.
        if std::fs::write(ro.join("probe"), b"x").is_err() {
            let target = ro.join("r.html");
            let o = run(&[
                "report",
                "deepseek-v3",
                "--samples",
                "1000",
                "--output",
                target.to_str().unwrap(),
            ]);
            assert_fails_with(&o, &["permission"]);
            assert!(!target.exists());
        }
    }
    // An existing report is replaced whole or not at all.
    let dir = temp_dir();
    let page = make_report(dir.path(), &[]);
    let before = std::fs::read(&page).unwrap();
    let o = run(&[
        "report",
        "deepseek-v3",
        "--samples",
        "1000",
        "--tornado-layer",
        "nope",
        "--output",
        page.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert_eq!(
        std::fs::read(&page).unwrap(),
        before,
        "a failed run left the old report intact"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn estimate_writes_the_stack_chart() {
    let dir = temp_dir();
    let svg = dir.path().join("stack.svg");
    let out = dir.path().join("est.json");
    let o = run(&[
        "estimate",
        "gpt-4",
        "--samples",
        "2000",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
        "--chart",
        svg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let est: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(chart.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(chart.matches("<g>").count(), chart.matches("</g>").count());
    assert_eq!(
        chart.matches("<text").count(),
        chart.matches("</text>").count()
    );
    for l in est["layers"].as_array().unwrap() {
        let id = l["id"].as_str().unwrap();
        assert!(
            chart.contains(&format!(">{id}<")) || chart.contains(&format!(">{id} (")),
            "{id} not drawn"
        );
    }
    // The chart opens in a browser without complaint.
    let o = chromium_run(&svg, &["--dump-dom"]);
    assert!(console_problems(&stderr(&o)).is_empty(), "{}", stderr(&o));
    assert!(stdout(&o).contains("gpt-4") || stdout(&o).contains("GPT-4"));
    // A chart path in a missing directory fails before anything is written.
    let out2 = dir.path().join("est2.json");
    let o = run(&[
        "estimate",
        "gpt-4",
        "--samples",
        "1000",
        "--output",
        out2.to_str().unwrap(),
        "--chart",
        "/nonexistent-dir/s.svg",
    ]);
    assert_fails_with(&o, &["does not exist"]);
    assert!(!out2.exists());
}

/// What a 412 px wide phone shows of the report of `scenario`: the page opened in a 412 px
/// iframe (headless Chromium's window cannot be that narrow), measured by
/// `phone_measure.js` inside it.
fn phone_measure(scenario: &str) -> serde_json::Value {
    phone_measure_page(&["report", scenario, "--samples", "5000", "--output"])
}

/// What a 412 px wide phone shows of the page `traincost ARGS PATH` writes (`ARGS` end with
/// `--output`).
fn phone_measure_page(args: &[&str]) -> serde_json::Value {
    let dir = temp_dir();
    let path = dir.path().join("report.html");
    let mut all = args.to_vec();
    all.push(path.to_str().unwrap());
    let o = run(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&path).unwrap();
    let script = include_str!("phone_measure.js");
    let measured = html.replace("</body>", &format!("<script>{script}</script>\n</body>"));
    std::fs::write(dir.path().join("measured.html"), measured).unwrap();
    let frame = write(
        dir.path(),
        "phone.html",
        "<!DOCTYPE html><html><body style=\"margin:0\"><iframe id=\"f\" src=\"measured.html\" \
         style=\"width:412px;height:915px;border:0\"></iframe><pre id=\"out\"></pre><script>\
         document.getElementById('f').addEventListener('load', function () {\
           var d = this.contentDocument; var m = d && d.getElementById('measure');\
           document.getElementById('out').textContent = m ? m.textContent : 'no measure';\
         });</script></body></html>",
    );
    let o = chromium_run(
        &frame,
        &[
            "--allow-file-access-from-files",
            "--hide-scrollbars",
            "--dump-dom",
        ],
    );
    let dom = stdout(&o);
    let start =
        dom.find("<pre id=\"out\">").expect("the frame's output") + "<pre id=\"out\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = text_of(&dom[start..end]);
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

#[test]
fn on_a_phone_nothing_overflows_and_every_layer_has_a_visible_bar() {
    for scenario in ["deepseek-v3", "gpt-4"] {
        let m = phone_measure(scenario);
        eprintln!("{scenario} at 412 px: {m}");
        assert_eq!(m["vw"], 412, "{scenario}: the page is laid out at 412 px");
        assert!(
            m["scrollWidth"].as_f64().unwrap() <= 412.0,
            "{scenario}: the page scrolls sideways: {m}"
        );
        assert_eq!(
            m["overflowCount"], 0,
            "{scenario}: elements past the right edge: {}",
            m["overflowing"]
        );
        assert_eq!(
            m["scrollers"].as_array().unwrap().len(),
            0,
            "{scenario}: boxes that scroll sideways: {}",
            m["scrollers"]
        );
        // Every money layer and total of the stack has a bar inside the visible chart.
        let v = crate::util::run_json(&[
            "reconcile",
            scenario,
            "--samples",
            "5000",
            "--format",
            "json",
        ]);
        for l in v["layers"].as_array().unwrap() {
            if !l["unit"].as_str().unwrap().starts_with("USD") {
                continue;
            }
            let id = l["id"].as_str().unwrap();
            let bar = &m["bars"][format!("stack-chart/{id}")];
            assert_eq!(
                bar["inside"], true,
                "{scenario}: the bar of {id} is not visible: {bar}"
            );
        }
        // Every energy figure of one model (the fleet's year is in the table only) has a
        // visible bar in the energy chart.
        let e = crate::util::run_json(&[
            "estimate",
            scenario,
            "--samples",
            "5000",
            "--format",
            "json",
        ]);
        let energy = e["energy"].as_array().unwrap();
        assert!(energy.len() >= 2, "{scenario}: no energy figures");
        for f in energy {
            let id = f["id"].as_str().unwrap();
            if id == "fleet-annual-energy" {
                continue;
            }
            let bar = &m["bars"][format!("energy-chart/{id}")];
            assert_eq!(
                bar["inside"], true,
                "{scenario}: the energy bar of {id} is not visible: {bar}"
            );
        }
        // Chart text stays readable and never overlaps other text.
        assert!(
            m["minTextPx"].as_f64().unwrap() >= 8.5,
            "{scenario}: chart text as small as {} px ({})",
            m["minTextPx"],
            m["minTextWhere"]
        );
        assert_eq!(
            m["textOverlapCount"], 0,
            "{scenario}: {}",
            m["textOverlaps"]
        );
    }
}

/// The cross-model page (`traincost models --format html`): opened in Chromium, every model a
/// row, the chart drawn, and at phone width nothing overflows and chart text stays readable.
#[test]
fn the_cross_model_page_renders_and_fits_a_phone() {
    let dir = temp_dir();
    let page = dir.path().join("models.html");
    let o = run(&[
        "models",
        "--format",
        "html",
        "--samples",
        "2000",
        "--output",
        page.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = crate::util::run_json(&["models", "--format", "json", "--samples", "2000"]);
    let n = v["rows"].as_array().unwrap().len();
    let o = chromium_run(&page, &["--dump-dom"]);
    let dom = stdout(&o);
    let log = stderr(&o);
    let problems = console_problems(&log);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        dom.matches("<tr class=\"model\">").count(),
        n,
        "one row per model"
    );
    assert!(dom.contains("id=\"trend-chart\""));
    assert_eq!(dom.matches("<svg").count(), 2, "the chart, wide and narrow");
    let text = text_of(&dom);
    assert!(text.contains("GPT-4"), "a built-in");
    assert!(text.contains("Inflection-2"), "an Epoch row");
    assert!(text.contains("Epoch AI published 2.4x per year"), "{text}");
    // Every fitted point is drawn (a dot each, in both charts).
    let points = v["trend"]["points"].as_array().unwrap().len();
    assert!(dom.matches("<circle").count() >= 2 * points);

    let m = phone_measure_page(&[
        "models",
        "--format",
        "html",
        "--samples",
        "2000",
        "--output",
    ]);
    eprintln!("models page at 412 px: {m}");
    assert_eq!(m["vw"], 412);
    assert!(
        m["scrollWidth"].as_f64().unwrap() <= 412.0,
        "the page scrolls sideways: {m}"
    );
    assert_eq!(m["overflowCount"], 0, "{}", m["overflowing"]);
    assert_eq!(
        m["scrollers"].as_array().unwrap().len(),
        0,
        "{}",
        m["scrollers"]
    );
    assert!(
        m["minTextPx"].as_f64().unwrap() >= 8.5,
        "chart text as small as {} px ({})",
        m["minTextPx"],
        m["minTextWhere"]
    );
    assert_eq!(m["textOverlapCount"], 0, "{}", m["textOverlaps"]);
}
