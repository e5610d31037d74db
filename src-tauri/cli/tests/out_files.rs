//! The files the CLI writes (exports, templates, rejects) never replace what they must not:
//! the store, a device, a folder, a file nobody said to replace, the file being imported.

mod common;

use std::io::Write;
use std::os::unix::fs::FileTypeExt;
use std::process::{Command, Stdio};

use common::Cli;

/// Every command that writes a file, with the argument that names it.
fn writers(cli: &Cli, out: &str) -> Vec<(Vec<String>, &'static str)> {
    let input = cli.path("input.csv");
    std::fs::write(
        &input,
        "First Name,Last Name,Email Address\nA,B,not-an-email\n",
    )
    .unwrap();
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        (s(&["export", "--out", out]), "out"),
        (s(&["export", "--addresses", "--out", out]), "out"),
        (s(&["template", "--out", out]), "out"),
        (s(&["template", "--addresses", "--out", out]), "out"),
        (
            s(&[
                "import",
                input.to_str().unwrap(),
                "--valid-rows-only",
                "--rejects",
                out,
            ]),
            "rejects",
        ),
    ]
}

fn users_in(cli: &Cli) -> usize {
    cli.json(&["list", "--page-size", "500"], None)["rows"]
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn the_store_and_its_sqlite_files_are_never_written_over() {
    let cli = Cli::new();
    let db = cli.db();
    let link = cli.path("hard-link.sqlite3");
    std::fs::hard_link(&db, &link).unwrap();
    let symlink = cli.path("link-to-store");
    std::os::unix::fs::symlink(&db, &symlink).unwrap();
    let mut targets = vec![db.clone(), link, symlink];
    for suffix in ["-wal", "-shm", "-journal"] {
        targets.push(format!("{}{suffix}", db.display()).into());
    }
    for target in &targets {
        for (args, field) in writers(&cli, target.to_str().unwrap()) {
            let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
            args.push("--force");
            let (code, err) = cli.error(&args, None);
            assert_eq!(code, 2, "{args:?}: {err}");
            assert_eq!(err["fields"][0]["field"], field, "{args:?}");
            assert!(
                err["message"]
                    .as_str()
                    .unwrap()
                    .contains("this app's database"),
                "{args:?}: {err}"
            );
        }
    }
    assert_eq!(users_in(&cli), 30, "the store still opens with every user");
}

#[test]
fn devices_folders_and_dangling_links_are_refused() {
    let cli = Cli::new();
    let dangling = cli.path("dangling");
    std::os::unix::fs::symlink(cli.path("nowhere/at/all"), &dangling).unwrap();
    for target in [
        "/dev/null".into(),
        cli.dir.path().to_path_buf(),
        dangling,
        cli.path("no-such-folder/users.csv"),
    ] {
        for (args, field) in writers(&cli, target.to_str().unwrap()) {
            let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
            args.push("--force");
            let (code, err) = cli.error(&args, None);
            assert_eq!(
                (code, err["fields"][0]["field"].as_str()),
                (2, Some(field)),
                "{args:?}: {err}"
            );
        }
    }
    let null = std::fs::metadata("/dev/null").unwrap();
    assert!(null.file_type().is_char_device(), "/dev/null is a device");
}

#[test]
fn an_existing_file_is_replaced_only_with_force_and_links_are_followed() {
    let cli = Cli::new();
    let file = cli.path("keep.csv");
    let link = cli.path("link.csv");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    for (args, field) in writers(&cli, link.to_str().unwrap()) {
        std::fs::write(&file, "precious\n").unwrap();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, err) = cli.error(&args, None);
        assert_eq!(
            (code, err["fields"][0]["field"].as_str()),
            (4, Some(field)),
            "{args:?}: {err}"
        );
        assert!(err["message"].as_str().unwrap().contains("--force"));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious\n");

        let mut forced = args.clone();
        forced.push("--force");
        let out = cli.run(&forced, None);
        assert_ne!(out.status.code(), Some(1), "{forced:?}");
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(written.contains(','), "{forced:?} wrote {written:?}");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink(),
            "the link stays a link to the file it names"
        );
    }
    assert_eq!(
        cli.files(),
        ["cli.sqlite3", "input.csv", "keep.csv", "link.csv"]
    );
}

#[test]
fn the_rejects_file_is_not_the_file_being_imported() {
    let cli = Cli::new();
    let input = cli.path("input.csv");
    std::fs::write(
        &input,
        "First Name,Last Name,Email Address\nA,B,not-an-email\n",
    )
    .unwrap();
    let path = input.to_str().unwrap();
    let (code, err) = cli.error(
        &[
            "import",
            path,
            "--valid-rows-only",
            "--rejects",
            path,
            "--force",
        ],
        None,
    );
    assert_eq!(
        (code, err["fields"][0]["field"].as_str()),
        (2, Some("rejects"))
    );
    assert!(err["message"].as_str().unwrap().contains("being read"));
    assert!(std::fs::read_to_string(&input)
        .unwrap()
        .contains("not-an-email"));
}

/// Kill -9 in the middle of an export: the file being written has no name, so nothing is
/// left behind. The export is held mid-way by a full stderr pipe, where it reports progress.
#[test]
fn a_killed_export_leaves_no_file_behind() {
    let cli = Cli::new();
    let (reader, mut writer) = std::io::pipe().unwrap();
    // A pipe holds 64 KiB; filled, the export's first progress report blocks.
    writer.write_all(&[b'.'; 65536]).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_customer-users"))
        .arg("--db")
        .arg(cli.db())
        .args(["export", "--out"])
        .arg(cli.path("users.csv"))
        .stdout(Stdio::null())
        .stderr(writer)
        .spawn()
        .unwrap();
    let fds = format!("/proc/{}/fd", child.id());
    let writing = || {
        std::fs::read_dir(&fds).into_iter().flatten().any(|fd| {
            std::fs::read_link(fd.unwrap().path()).is_ok_and(|target| {
                target.starts_with(cli.dir.path()) && !target.to_string_lossy().contains("sqlite3")
            })
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !writing() {
        assert!(
            std::time::Instant::now() < deadline,
            "the export never started"
        );
        std::thread::yield_now();
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(reader);
    assert_eq!(cli.files(), ["cli.sqlite3"]);
}
