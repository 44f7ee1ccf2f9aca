//! End-to-end test of `verbatim serve`: the real binary on a free localhost port, asked
//! over plain HTTP.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use common::*;

/// A plain HTTP/1.1 GET; the response's status line and body.
fn get(address: &str, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response.lines().next().unwrap_or("").to_string();
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

#[test]
fn serve_answers_the_page_and_the_api_on_localhost() {
    let root = repo_root();
    let mut child = Command::new(env!("CARGO_BIN_EXE_verbatim"))
        .args(["serve", "--port", "0"])
        .current_dir(&root)
        .env("VERBATIM_MODEL", "none")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let address = line
        .trim()
        .strip_prefix("serving http://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    let (status, page) = get(&address, "/");
    let (api_status, themes) = get(&address, "/api/themes");
    let (missing, _) = get(&address, "/api/quote/..%2Fverbatim.toml");
    let (read_only, _) = {
        let mut stream = TcpStream::connect(&address).expect("connect");
        write!(
            stream,
            "POST /api/codings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
        )
        .expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        (response.lines().next().unwrap_or("").to_string(), ())
    };
    child.kill().ok();
    child.wait().ok();
    assert!(status.contains("200"), "{status}");
    assert!(page.contains("<title>Verbatim</title>"), "the page");
    assert!(page.contains("id=\"q\""), "the search box");
    assert!(api_status.contains("200"), "{api_status}");
    assert!(themes.contains("challenge.fatigue"), "{themes}");
    assert!(missing.contains("404"), "{missing}");
    assert!(read_only.contains("403"), "{read_only}");
}
