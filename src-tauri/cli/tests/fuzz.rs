//! A property run over every command of the CLI: whatever the arguments, the values and the
//! JSON (or bytes) on stdin, a command answers with an exit code and a message, and never
//! panics (exit 101). The commands and their options are read from the CLI's own `--help`,
//! so a command added later is fuzzed too.

mod common;

use std::process::{Command, Stdio};

use common::Cli;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// One command (`outbox deliver`), the options it takes (with whether each takes a value),
/// and how many positional arguments it names in its usage line.
#[derive(Debug, Clone)]
struct Spec {
    path: Vec<String>,
    options: Vec<(String, bool)>,
    positional: usize,
}

fn help(path: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_customer-users"))
        .args(path)
        .arg("--help")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Every leaf command under `path`, from the help texts.
fn discover(path: Vec<String>) -> Vec<Spec> {
    let text = help(&path);
    let section = |name: &str| -> Vec<String> {
        text.split(&format!("\n{name}:\n"))
            .nth(1)
            .map(|rest| {
                rest.lines()
                    .take_while(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let subcommands: Vec<String> = section("Commands")
        .iter()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    if !subcommands.is_empty() {
        return subcommands
            .into_iter()
            .flat_map(|c| {
                let mut next = path.clone();
                next.push(c);
                discover(next)
            })
            .collect();
    }
    let options = section("Options")
        .iter()
        .filter_map(|l| {
            let long = l.split_whitespace().find(|w| w.starts_with("--"))?;
            let name = long.trim_end_matches(',').to_string();
            let takes_value = l.contains(&format!("{name} <"));
            Some((name, takes_value))
        })
        // The store is the test's own; help and version print and exit.
        .filter(|(name, _)| !matches!(name.as_str(), "--db" | "--help" | "--version"))
        .collect();
    let usage = text.lines().find(|l| l.starts_with("Usage:")).unwrap_or("");
    let positional = usage
        .split_whitespace()
        .filter(|w| w.starts_with('<') || w.starts_with("[<"))
        .count();
    vec![Spec {
        path,
        options,
        positional,
    }]
}

/// Values an attacker or a careless admin types: edges of every number type, text that
/// breaks lines, escapes the terminal or turns around, paths that are not files, formulas.
fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("0".into()),
        Just("-1".into()),
        Just("3".into()),
        Just("4294967296".into()),
        Just("18446744073709551615".into()),
        Just("99999999999999999999999".into()),
        Just("1e308".into()),
        Just("NaN".into()),
        Just("true".into()),
        Just("a\nb\r\nc".into()),
        Just("\u{1b}[2J\u{1b}]0;owned\u{7}".into()),
        Just("\u{202e}lmth.exe".into()),
        Just("ä".repeat(5000)),
        Just("/dev/zero".into()),
        Just("/dev/null".into()),
        Just("/".into()),
        Just("../../etc/passwd".into()),
        Just("{}".into()),
        Just("null".into()),
        Just("=cmd|' /C calc'!A0".into()),
        Just("'; DROP TABLE customer_user; --".into()),
        Just("%s%n%x".into()),
        Just("*".into()),
        Just("firstName=*".into()),
        Just("emailEq=jerry@example.com".into()),
        Just("jerry@example.com".into()),
        Just("\u{430}manda@example.com".into()),
        Just("ROLE_FRONTEND_BUYER".into()),
        "[ -~]{0,12}",
        "\\PC{0,24}",
    ]
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        hostile_value().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::vec((field_name(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// The input fields of the commands' JSON, so objects reach the rules, not just the parser.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("firstName".to_string()),
        Just("lastName".to_string()),
        Just("email".to_string()),
        Just("password".to_string()),
        Just("customer".to_string()),
        Just("website".to_string()),
        Just("userRoles".to_string()),
        Just("addresses".to_string()),
        Just("birthday".to_string()),
        Just("enabled".to_string()),
        Just("subject".to_string()),
        Just("content".to_string()),
        "[a-zA-Z]{1,10}",
    ]
}

fn stdin() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        json_value().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..64),
        Just(b"Secret123\n".to_vec()),
    ]
}

#[test]
fn no_command_panics_whatever_it_is_given() {
    let cli = Cli::new();
    let created = cli.json(
        &["create"],
        Some(
            r#"{"firstName": "Jerry", "lastName": "Coleman", "email": "jerry@example.com",
                "customer": "Acme Corporation", "website": "Default", "password": "Secret123",
                "userRoles": ["ROLE_FRONTEND_BUYER"]}"#,
        ),
    );
    let id = created["id"].as_str().unwrap().to_string();
    let specs = discover(Vec::new());
    assert!(specs.len() > 30, "the commands were found: {specs:?}");
    let case = (
        0..specs.len(),
        prop::collection::vec((any::<prop::sample::Index>(), hostile_value()), 0..4),
        prop::collection::vec(prop_oneof![1 => hostile_value(), 2 => Just(id.clone())], 3),
        stdin(),
        any::<bool>(),
    );
    let mut runner = TestRunner::new(Config {
        cases: 1500,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&case, |(which, options, positional, input, json)| {
            let spec = &specs[which];
            let mut args: Vec<String> = spec.path.clone();
            if json {
                args.push("--json".into());
            }
            if !spec.options.is_empty() {
                for (pick, value) in &options {
                    let (name, takes_value) = pick.get(&spec.options);
                    args.push(name.clone());
                    if *takes_value {
                        args.push(value.clone());
                    }
                }
            }
            args.extend(positional.into_iter().take(spec.positional));
            let mut child = Command::new(env!("CARGO_BIN_EXE_customer-users"))
                .arg("--db")
                .arg(cli.db())
                .args(&args)
                .current_dir(cli.dir.path())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut pipe = child.stdin.take().unwrap();
            // The command may not read its stdin at all.
            let _ = std::io::Write::write_all(&mut pipe, &input);
            drop(pipe);
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            prop_assert!(
                out.status.code() != Some(101) && !stderr.contains("panicked"),
                "{args:?} with stdin {:?} panicked: {stderr}",
                String::from_utf8_lossy(&input)
            );
            Ok(())
        })
        .unwrap();
}
