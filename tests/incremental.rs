//! End-to-end tests of incremental runs: changed, added and unreadable sources, rounds
//! appended, roster changes, cut-short state and concurrent runs, each checked against a
//! rebuild from scratch.

mod common;

use std::fs;

use common::*;

#[test]
fn changed_sources_are_reread_and_the_result_equals_a_full_rebuild() {
    let dir = mini_project();
    configure(dir.path(), "sources = [\"*.txt\"]\n");
    fs::write(
        dir.path().join("b.txt"),
        "Q: Anything?\n\nA: Not much, the money side is fine for once.\n",
    )
    .expect("second transcript");
    fs::write(
        dir.path().join("c.txt"),
        "Q: Staff?\n\nA: The staff are tired and the budget is thin this year.\n",
    )
    .expect("third transcript");
    code_reads(dir.path(), 3, 0);
    fs::write(
        dir.path().join("codings.jsonl"),
        "{\"quote\":\"c:2\",\"theme\":\"challenge.money\",\"origin\":\"manual\",\"coder\":\"jo\"}\n",
    )
    .expect("manual coding");
    assert!(verbatim(dir.path(), &["code", "--quiet"]).status.success());

    // Nothing changed: nothing is read.
    code_reads(dir.path(), 0, 3);

    // A source added in the middle of the order, one changed, one removed.
    fs::write(
        dir.path().join("b2.txt"),
        "Q: Money?\n\nA: Funding is short and everyone is exhausted by it.\n",
    )
    .expect("new transcript");
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(
        dir.path().join("c.txt"),
        "Q: Staff?\n\nA: The staff are tired and the budget is thin this year.\n\nQ: And money?\n\nA: Money is thin too, and the staff are worn out.\n",
    )
    .expect("changed transcript");
    fs::remove_file(dir.path().join("b.txt")).ok();
    let update = verbatim(dir.path(), &["code"]);
    assert!(update.status.success(), "{}", stderr(&update));
    let incremental = state_files(dir.path());
    let searched = stdout(&verbatim(
        dir.path(),
        &["search", "--json", "exhausted OR money"],
    ));
    let codings = String::from_utf8(incremental[1].clone()).expect("utf-8");
    assert!(codings.starts_with("{\"quote\":\"c:2\",\"theme\":\"challenge.money\""));
    assert!(codings.contains("\"quote\":\"b2:"), "{codings}");

    assert_a_rebuild_gives(dir.path(), &incremental, "exhausted OR money", &searched);
}

/// A new round whose files sort after every existing one: the quote file grows in place,
/// and everything still equals a rebuild and stays valid for the next run.
#[test]
fn a_round_added_after_the_others_is_appended_and_equals_a_rebuild() {
    let dir = mini_project();
    configure(dir.path(), "sources = [\"*.txt\"]\n");
    let first = verbatim(dir.path(), &["code", "--quiet"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let quotes_path = dir.path().join(".verbatim/quotes.jsonl");
    let before = fs::read(&quotes_path).expect("quotes");
    let inode = |path: &std::path::Path| {
        std::os::unix::fs::MetadataExt::ino(&fs::metadata(path).expect("metadata"))
    };
    let file_before = inode(&quotes_path);
    let codings_path = dir.path().join(".verbatim/codings.jsonl");
    let codings_before = inode(&codings_path);
    fs::write(
        dir.path().join("z.txt"),
        "Q: Staff?\n\nA: The staff are exhausted and the budget is thin.\n\nQ: More?\n\nA: Nothing else.\n",
    )
    .expect("new round");
    code_reads(dir.path(), 1, 1);
    let incremental = state_files(dir.path());
    assert!(
        incremental[0].starts_with(&before),
        "old lines kept in place"
    );
    assert_eq!(inode(&quotes_path), file_before, "appended, not rewritten");
    assert_eq!(
        inode(&codings_path),
        codings_before,
        "codings appended, not rewritten"
    );
    assert!(incremental[0].len() > before.len());
    code_reads(dir.path(), 0, 2);
    let searched = stdout(&verbatim(dir.path(), &["search", "--json", "exhausted"]));
    assert!(searched.contains("\"z:2\""), "{searched}");

    assert_a_rebuild_gives(dir.path(), &incremental, "exhausted", &searched);
}

/// A new round larger than everything before it: indexing it twice (into the project's
/// index and into its own for coding) would cost more than a rebuild, so it rebuilds.
#[test]
fn a_round_larger_than_the_project_rebuilds_it() {
    let dir = mini_project();
    configure(dir.path(), "sources = [\"*.txt\"]\n");
    code_reads(dir.path(), 1, 0);
    let answer = "Q: Staff?\n\nA: The staff are exhausted and the budget is thin again.\n\n";
    fs::write(dir.path().join("z.txt"), answer.repeat(20)).expect("large round");
    code_reads(dir.path(), 2, 0);
    fs::write(dir.path().join("zz.txt"), answer).expect("small round");
    code_reads(dir.path(), 1, 2);
}

/// A run that died while appending codings leaves a last line cut short: the next run
/// rebuilds, says so, and writes the same codings as before.
#[test]
fn a_codings_line_cut_short_by_a_crash_is_dropped_and_rebuilt() {
    let dir = mini_project();
    let first = verbatim(dir.path(), &["code", "--quiet"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = state_files(dir.path());
    let codings = dir.path().join(".verbatim/codings.jsonl");
    let mut torn = before[1].clone();
    torn.extend_from_slice(b"{\"quote\":\"a:4\",\"theme\":\"chall");
    fs::write(&codings, &torn).expect("torn codings");
    let again = verbatim(dir.path(), &["code"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stderr(&again).contains("incomplete"), "{}", stderr(&again));
    assert_eq!(state_files(dir.path()), before);

    fs::write(&codings, &torn).expect("torn codings");
    let quiet = verbatim(dir.path(), &["code", "--quiet"]);
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert_eq!(stderr(&quiet), "", "--quiet says nothing");
    assert_eq!(state_files(dir.path()), before);
}

/// A new round with a file that cannot be read: the run names it and changes nothing, so
/// the next run, with the file fixed, still adds only the new round.
#[test]
fn a_round_with_an_unreadable_source_leaves_the_project_as_it_was() {
    let dir = mini_project();
    configure(dir.path(), "sources = [\"*.txt\", \"*.vtt\"]\n");
    let answer = "Q: Staff?\n\nA: The staff are exhausted and the budget is thin again.\n\n";
    // An earlier round larger than the new one, so that the new one is added, not rebuilt.
    fs::write(dir.path().join("b.txt"), answer.repeat(17_000)).expect("earlier round");
    let first = verbatim(dir.path(), &["code", "--quiet"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = state_files(dir.path());
    let table = fs::read(dir.path().join(".verbatim/table.bin")).expect("table");
    // A first batch of new sources large enough to reach the quote file before the bad
    // file, in the second batch, is met.
    for i in 0..33 {
        fs::write(dir.path().join(format!("y{i:02}.txt")), answer.repeat(500))
            .expect("new transcript");
    }
    fs::write(dir.path().join("z.vtt"), "not captions\n").expect("bad captions");
    let failed = verbatim(dir.path(), &["code"]);
    assert!(!failed.status.success());
    assert!(stderr(&failed).contains("z.vtt:1:"), "{}", stderr(&failed));
    assert_eq!(state_files(dir.path()), before, "state files untouched");
    assert_eq!(
        fs::read(dir.path().join(".verbatim/table.bin")).expect("table"),
        table
    );

    fs::write(
        dir.path().join("z.vtt"),
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ann Lee>We were worn out by the end.\n",
    )
    .expect("fixed captions");
    code_reads(dir.path(), 34, 2);
    let incremental = state_files(dir.path());
    let searched = stdout(&verbatim(dir.path(), &["search", "--json", "worn"]));
    assert!(searched.contains("\"z:1\""), "{searched}");
    assert_a_rebuild_gives(dir.path(), &incremental, "worn", &searched);
}

/// More sources than one batch of the streaming reader: the quote file holds every quote
/// in file order, exactly as `ingest` gives them.
#[test]
fn a_round_of_many_sources_is_written_in_file_order() {
    let dir = mini_project();
    configure(dir.path(), "sources = [\"round\"]\n");
    fs::create_dir(dir.path().join("round")).expect("round folder");
    for i in 0..100 {
        let answer = match i % 3 {
            0 => "Everyone is exhausted after the winter.",
            1 => "The budget was cut again this year.",
            _ => "We opened a new depot by the station.",
        };
        fs::write(
            dir.path().join(format!("round/{i:03}.txt")),
            format!("Q: How was it?\n\nA: Interview {i}. {answer}\n\nQ: More?\n\nA: That is all from {i}.\n"),
        )
        .expect("transcript");
    }
    let coded = verbatim(dir.path(), &["code"]);
    assert!(coded.status.success(), "{}", stderr(&coded));
    assert!(
        stdout(&coded).contains("200 quotes, 67 coded"),
        "{}",
        stdout(&coded)
    );
    let [quotes, _] = state_files(dir.path());
    let ingested = verbatim(dir.path(), &["ingest", "--json"]);
    assert!(ingested.status.success(), "{}", stderr(&ingested));
    let quotes = String::from_utf8(quotes).expect("utf-8");
    assert_eq!(quotes, stdout(&ingested));

    // `ingest` alone writes the project's quote file a batch at a time: the same lines.
    fs::remove_file(dir.path().join(".verbatim/quotes.jsonl")).expect("remove quotes");
    let summary = verbatim(dir.path(), &["ingest"]);
    assert!(summary.status.success(), "{}", stderr(&summary));
    assert!(
        stdout(&summary).contains("100 files, 200 quotes"),
        "{}",
        stdout(&summary)
    );
    let rewritten = fs::read_to_string(dir.path().join(".verbatim/quotes.jsonl")).expect("quotes");
    assert_eq!(rewritten, quotes);
}

#[test]
fn a_roster_change_rereads_only_the_sources_whose_speakers_it_changes() {
    let dir = mini_project();
    configure(
        dir.path(),
        "sources = [\"*.txt\"]\nroster = \"roster.csv\"\n",
    );
    fs::write(
        dir.path().join("roster.csv"),
        "name,aliases,role,organisation,area,sector\nAmy Lee,,chief executive,Wigan Council,Wigan,council\nBen Ode,,director,Leeds Trust,Leeds,health\n",
    )
    .expect("roster");
    fs::write(
        dir.path().join("a.txt"),
        "Amy Lee: Everyone is exhausted and worn out here.\n",
    )
    .expect("a");
    fs::write(
        dir.path().join("b.txt"),
        "Ben Ode: The budget is gone and we are tired.\n",
    )
    .expect("b");
    for name in ["c", "d", "e"] {
        let text = format!("Amy Lee: Round {name} left the whole team tired and short of money.\n");
        fs::write(dir.path().join(format!("{name}.txt")), text).expect("more of Amy");
    }
    assert!(verbatim(dir.path(), &["code", "--quiet"]).status.success());

    // A new interviewee: neither transcript asked about her.
    let mut roster = fs::read_to_string(dir.path().join("roster.csv")).expect("roster");
    roster.push_str("Cara Ng,,leader,Bolton Council,Bolton,council\n");
    fs::write(dir.path().join("roster.csv"), &roster).expect("roster grows");
    code_reads(dir.path(), 0, 5);

    // Ben moves area: only his transcript is read again.
    fs::write(
        dir.path().join("roster.csv"),
        roster.replace("Leeds Trust,Leeds", "Leeds Trust,York"),
    )
    .expect("roster edit");
    code_reads(dir.path(), 1, 4);
    let incremental = state_files(dir.path());
    assert!(String::from_utf8_lossy(&incremental[0]).contains("\"area\":\"York\""));
    fs::remove_file(dir.path().join(".verbatim/table.bin")).expect("drop table");
    assert!(verbatim(dir.path(), &["code", "--quiet"]).status.success());
    assert_eq!(
        state_files(dir.path()),
        incremental,
        "incremental differs from a rebuild"
    );
}

/// Two runs at once on one project: the second waits for the first (and says so), both
/// succeed, and the state equals a run alone; a temporary file left by a killed run goes.
#[test]
fn two_runs_at_once_both_succeed_and_leave_the_state_of_one() {
    let dir = mini_project();
    configure(dir.path(), "sources = [\"*.txt\"]\n");
    for n in 0..40 {
        fs::write(
            dir.path().join(format!("s{n:02}.txt")),
            format!("Q: Staff?\n\nA: Person {n} says the staff are exhausted and the budget is gone.\n\nQ: And?\n\nA: The grant was cut again in round {n}.\n"),
        )
        .expect("transcript");
    }
    fs::create_dir_all(dir.path().join(".verbatim")).expect("state folder");
    let leftover = dir.path().join(".verbatim/.verbatim-killed.tmp");
    fs::write(&leftover, "half a file").expect("leftover");
    let start = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_verbatim"))
            .args(["code", "--quiet"])
            .current_dir(dir.path())
            .env("VERBATIM_MODEL", "none")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn verbatim")
    };
    let (first, second) = (start(), start());
    for run in [first, second] {
        let output = run.wait_with_output().expect("run");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(
        !leftover.exists(),
        "the killed run's temporary file is removed"
    );
    let together = state_files(dir.path());
    let searched = stdout(&verbatim(dir.path(), &["search", "--json", "exhausted"]));
    assert_a_rebuild_gives(dir.path(), &together, "exhausted", &searched);
}

/// While a source cannot be read, search and report answer from the last complete run
/// (with a warning saying so); a rebuild that fails leaves the previous index in place, and
/// a leftover half-built index is cleared by the next rebuild.
#[test]
fn a_failed_run_keeps_the_previous_state_usable() {
    let dir = mini_project();
    configure(dir.path(), "sources = [\"*.txt\", \"*.vtt\"]\n");
    assert!(verbatim(dir.path(), &["code", "--quiet"]).status.success());
    let before = state_files(dir.path());
    let searched = stdout(&verbatim(dir.path(), &["search", "--json", "exhausted"]));
    assert!(searched.contains("\"a:2\""), "{searched}");

    fs::write(dir.path().join("z.vtt"), "not captions\n").expect("bad captions");
    let stale = verbatim(dir.path(), &["search", "--json", "exhausted"]);
    assert!(stale.status.success(), "{}", stderr(&stale));
    assert_eq!(stdout(&stale), searched, "the last complete run answers");
    let warned = stderr(&stale);
    assert!(
        warned.contains("z.vtt:1:") && warned.contains("last complete run"),
        "{warned}"
    );
    let report = verbatim(dir.path(), &["report"]);
    assert!(report.status.success(), "{}", stderr(&report));
    assert!(stderr(&report).contains("last complete run"));
    assert!(
        !verbatim(dir.path(), &["code"]).status.success(),
        "code itself fails"
    );

    // A new codebook forces a rebuild, which the broken source stops: the previous index
    // stays, and the last run (of another codebook) does not answer for this one.
    fs::write(
        dir.path().join("codebook.toml"),
        MINI_CODEBOOK.replace("Financial pressures", "Money"),
    )
    .expect("codebook");
    let failed = verbatim(dir.path(), &["code"]);
    assert!(!failed.status.success());
    assert_eq!(state_files(dir.path()), before, "state files untouched");
    assert!(
        dir.path().join(".verbatim/index/meta.json").exists(),
        "index kept"
    );
    assert!(
        !verbatim(dir.path(), &["search", "exhausted"])
            .status
            .success()
    );

    fs::remove_file(dir.path().join("z.vtt")).expect("remove the broken source");
    let again = stdout(&verbatim(dir.path(), &["search", "--json", "exhausted"]));
    assert!(again.contains("\"a:2\""), "{again}");
    assert!(
        !dir.path().join(".verbatim/index.new").exists(),
        "the half-built index is gone once a rebuild succeeds"
    );
}
