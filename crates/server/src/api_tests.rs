//! The API driven through the router, without a network: every endpoint, bad parameters,
//! path traversal attempts, and decisions written in `--code` mode as the CLI sees them.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::{AppState, router};

const CODEBOOK: &str = "[codebook]\nid = \"mini\"\nname = \"Mini\"\n\
[[category]]\nid = \"challenge\"\nname = \"Challenges\"\n\
[[theme]]\nid = \"challenge.fatigue\"\ncategory = \"challenge\"\nname = \"Fatigue\"\n\
[[theme.rules]]\nany = [\"tired\", \"exhausted\"]\n\
[[theme]]\nid = \"challenge.money\"\ncategory = \"challenge\"\nname = \"Money\"\n\
[[theme.rules]]\nany = [\"budget\", \"money\"]\n";

fn project() -> (tempfile::TempDir, verbatim_project::Project) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("codebook.toml"), CODEBOOK).expect("codebook");
    std::fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nsources = [\"*.txt\"]\ncodebook = \"codebook.toml\"\nmodel = \"none\"\ninterviewers = [\"Jo\"]\n",
    )
    .expect("config");
    std::fs::write(
        dir.path().join("ann.txt"),
        "Jo: How are staff?\n\nAnn: Everyone is exhausted and tired by now.\n\n\
         Jo: And money?\n\nAnn: The budget is gone and we are tired of cuts.\n\n\
         Jo: Anything else?\n\nAnn: The volunteers were wonderful all year.\n",
    )
    .expect("transcript");
    let project = verbatim_project::Project::load(dir.path()).expect("project");
    (dir, project)
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(match body {
            Some(body) => Body::from(body.to_string()),
            None => Body::empty(),
        })
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, value)
}

fn app(project: verbatim_project::Project, writable: bool) -> (axum::Router, Arc<AppState>) {
    let state = AppState::open(project, writable).expect("state");
    (router(Arc::clone(&state)), state)
}

#[tokio::test]
async fn search_answers_hits_facets_and_pages() {
    let (_dir, project) = project();
    let (app, _) = app(project, false);
    let (status, answer) = call(&app, "GET", "/api/search?q=tired", None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["total"], 2);
    assert_eq!(answer["facets"]["theme"]["challenge.fatigue"], 2);
    assert_eq!(answer["hits"][0]["speaker"], "Ann");
    assert_eq!(answer["stems"], json!(["tire"]), "what the page marks");
    assert_eq!(answer["facets"]["speaker"], json!({"Ann": 2}));
    assert_eq!(answer["facets"]["role"], json!({"(none)": 2}));
    let (_, page2) = call(&app, "GET", "/api/search?q=tired&per_page=1&page=2", None).await;
    assert_eq!(page2["hits"].as_array().map(Vec::len), Some(1));
    assert_ne!(page2["hits"][0]["id"], answer["hits"][0]["id"]);
    let (_, filtered) = call(
        &app,
        "GET",
        "/api/search?theme=challenge.money&q=%22tired+of%22",
        None,
    )
    .await;
    assert_eq!(filtered["total"], 1, "{filtered}");
    assert_eq!(filtered["hits"][0]["id"], "ann:4");
}

#[tokio::test]
async fn bad_parameters_are_json_errors() {
    let (_dir, project) = project();
    let (app, _) = app(project, false);
    for (uri, expected) in [
        (
            "/api/search?theme=challenge.fatige",
            "did you mean challenge.fatigue",
        ),
        ("/api/search?page=two", "not a whole number"),
        ("/api/search?speaker=Anne", "did you mean Ann"),
        ("/api/search?q=%ZZ", "bad escape"),
        ("/api/search?q=(((((", ""),
        ("/api/report?by=nonsense", "nonsense"),
        ("/api/search?sectr=police", "did you mean sector"),
        ("/api/search?speaker=Ann&speaker=Bo", "Bo"),
        ("/api/report.csv?table=nonsense", "nonsense"),
        ("/api/search.csv?page=2", "page"),
    ] {
        let (status, answer) = call(&app, "GET", uri, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {answer}");
        assert_eq!(answer["status"], 400);
        assert!(
            answer["error"]
                .as_str()
                .is_some_and(|e| e.contains(expected)),
            "{uri}: {answer}"
        );
    }
}

#[tokio::test]
async fn a_quote_comes_with_its_context_codes_and_memos() {
    let (dir, project) = project();
    std::fs::write(
        dir.path().join("codings.jsonl"),
        "{\"kind\":\"memo\",\"theme\":\"challenge.money\",\"memo\":\"cuts since 2010\"}\n",
    )
    .expect("memo");
    let (app, _) = app(project, false);
    let (status, answer) = call(&app, "GET", "/api/quote/ann:4", None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["quote"]["id"], "ann:4");
    assert_eq!(answer["before"][0]["id"], "ann:2");
    assert_eq!(answer["after"][0]["id"], "ann:6");
    assert!(
        answer["codes"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["theme"] == "challenge.money"))
    );
    assert_eq!(answer["memos"][0]["text"], "cuts since 2010");
    let money = answer["codes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["theme"] == "challenge.money"))
        .expect("the money code");
    assert_eq!(money["name"], "Money");
    assert!(
        money["evidence"].as_array().is_some_and(|e| e
            .iter()
            .any(|e| e.as_str().is_some_and(|e| e.contains("budget")))),
        "{money}"
    );
    let source = &answer["source"];
    assert_eq!(source["name"], "ann.txt");
    assert_eq!(
        source["quote"], "The budget is gone and we are tired of cuts.",
        "the span marked in its source"
    );
    assert!(
        source["before"]
            .as_str()
            .is_some_and(|b| b.ends_with("Ann: ")),
        "{source}"
    );
    assert!(
        source["after"]
            .as_str()
            .is_some_and(|a| a.contains("volunteers")),
        "{source}"
    );
    let (status, _) = call(&app, "GET", "/api/quote/ann:99", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn facets_take_several_values_and_count_without_their_own() {
    let (_dir, project) = project();
    let (app, _) = app(project, false);
    let uri = "/api/search?theme=challenge.money&theme=challenge.fatigue&speaker=Ann";
    let (status, answer) = call(&app, "GET", uri, None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["total"], 2, "{answer}");
    let (_, money) = call(&app, "GET", "/api/search?theme=challenge.money", None).await;
    assert_eq!(money["total"], 1);
    // The theme facet leaves the theme filter out: fatigue still shows what it would add.
    assert_eq!(money["facets"]["theme"]["challenge.fatigue"], 2, "{money}");
    assert_eq!(money["facets"]["category"]["challenge"], 2, "{money}");
}

#[tokio::test]
async fn a_theme_page_has_its_counts_and_best_quotes() {
    let (_dir, project) = project();
    let (app, _) = app(project, false);
    let (status, theme) = call(&app, "GET", "/api/theme/challenge.fatigue", None).await;
    assert_eq!(status, StatusCode::OK, "{theme}");
    assert_eq!(theme["name"], "Fatigue");
    assert_eq!(theme["quotes"], 2);
    assert_eq!(theme["by"]["area"], json!({"(none)": 2}));
    assert_eq!(theme["top"].as_array().map(Vec::len), Some(2));
    let (status, answer) = call(&app, "GET", "/api/theme/challenge.fatige", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        answer["error"]
            .as_str()
            .is_some_and(|e| e.contains("challenge.fatigue"))
    );
}

/// A GET answered as text, with its content type.
async fn text(app: &axum::Router, uri: &str) -> (StatusCode, String, String) {
    let request = Request::builder()
        .uri(uri)
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, kind, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_current_view_downloads_as_csv() {
    let (_dir, project) = project();
    let (app, _) = app(project, false);
    let (status, kind, csv) = text(&app, "/api/search.csv?q=tired").await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert!(kind.starts_with("text/csv"), "{kind}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("quote,score,speaker,role"), "{csv}");
    assert!(csv.contains("challenge.fatigue;challenge.money"), "{csv}");
    let (status, _, csv) = text(&app, "/api/report.csv?table=speaker").await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert_eq!(
        csv,
        "theme,name,Ann,total\nchallenge.fatigue,Fatigue,2,2\nchallenge.money,Money,1,1\n"
    );
    let (_, _, csv) = text(&app, "/api/report.csv").await;
    assert!(csv.starts_with("theme,name,category,quotes"), "{csv}");
}

#[tokio::test]
async fn no_request_reaches_a_file_by_its_path() {
    let (_dir, project) = project();
    let (app, _) = app(project, false);
    for uri in [
        "/../verbatim.toml",
        "/api/quote/..%2F..%2Fetc%2Fpasswd",
        "/api/quote/%2Fetc%2Fpasswd",
        "/api/../../codebook.toml",
        "/codebook.toml",
        "/.verbatim/quotes.jsonl",
    ] {
        let (status, answer) = call(&app, "GET", uri, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {answer}");
        assert!(!answer.to_string().contains("[codebook]"), "{uri}");
    }
}

#[tokio::test]
async fn themes_report_and_the_page_answer() {
    let (_dir, project) = project();
    let (app, _) = app(project, false);
    let (_, themes) = call(&app, "GET", "/api/themes", None).await;
    assert_eq!(themes["themes"][0]["id"], "challenge.fatigue");
    assert_eq!(themes["themes"][0]["quotes"], 2);
    let (status, report) = call(&app, "GET", "/api/report?by=speaker", None).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["quotes"], 3);
    assert_eq!(report["matrices"][0]["attribute"], "speaker");
    let (status, page) = call(&app, "GET", "/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.as_str()
            .is_some_and(|p| p.contains("const WRITABLE = false;"))
    );
}

#[tokio::test]
async fn decisions_need_code_mode_and_are_those_the_cli_sees() {
    let (dir, project) = project();
    let (read_only, _) = app(project.clone(), false);
    let accept =
        json!({"action": "accept", "target": "ann:4", "theme": "challenge.money", "coder": "web"});
    let (status, answer) = call(&read_only, "POST", "/api/codings", Some(accept.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");

    let (app, _) = app(project, true);
    let (status, answer) = call(&app, "POST", "/api/codings", Some(accept)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let reject = json!({"action": "reject", "target": "ann:4", "theme": "challenge.fatigue"});
    assert_eq!(
        call(&app, "POST", "/api/codings", Some(reject)).await.0,
        StatusCode::OK
    );
    let (_, quote) = call(&app, "GET", "/api/quote/ann:4", None).await;
    let codes: Vec<(String, String)> = quote["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| {
            (
                c["theme"].as_str().unwrap_or("").into(),
                c["origin"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [("challenge.money".to_string(), "manual".to_string())]
    );
    let (_, listed) = call(&app, "GET", "/api/codings", None).await;
    assert_eq!(listed["decisions"].as_array().map(Vec::len), Some(2));
    let file = std::fs::read_to_string(dir.path().join("codings.jsonl")).expect("codings file");
    assert!(file.contains("\"coder\":\"web\""), "{file}");

    for (body, status) in [
        (
            json!({"action": "shout", "target": "ann:4", "theme": "challenge.money"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"action": "accept", "target": "ann:4"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"action": "accept", "target": "ann:4", "theme": "x", "extra": 1}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"action": "add", "target": "ann:4", "theme": "challenge.mony"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"action": "memo", "target": "x".repeat(100_000)}),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let (got, answer) = call(&app, "POST", "/api/codings", Some(body.clone())).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert!(answer["error"].is_string(), "{answer}");
    }
}
