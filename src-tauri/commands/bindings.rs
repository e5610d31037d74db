//! Writes the UI's view of the commands from their declarations, as ts-rs writes the types:
//! `ui/src/bindings/commands.ts` for the UI and its fake backend, `commands.json` for the
//! end-to-end tests. `./test.sh` fails when the checked-in copies drift.

use std::collections::BTreeMap;
use std::path::Path;

use ts_rs::Config;

use super::{
    account, csv, customer_users, mail, page, reference, roles, settings, sync, Signature,
};

fn all(cfg: &Config) -> Vec<Signature> {
    [
        customer_users::signatures(cfg),
        reference::signatures(cfg),
        roles::signatures(cfg),
        page::signatures(cfg),
        account::signatures(cfg),
        mail::signatures(cfg),
        settings::signatures(cfg),
        csv::signatures(cfg),
        sync::signatures(cfg),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// `on_progress` → `onProgress`: Tauri's name for an argument.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn typescript(signatures: &[Signature]) -> String {
    let mut body = String::from(
        "\n/** Each command the window may call: its arguments and what it gives back. */\n\
         export interface Commands {\n",
    );
    for s in signatures {
        let args: Vec<String> = s
            .args
            .iter()
            .map(|(name, ts)| {
                let optional = if ts.ends_with(" | null") { "?" } else { "" };
                format!("{}{optional}: {ts}", camel(name))
            })
            .collect();
        let args = if args.is_empty() {
            "Record<string, never>".to_string()
        } else {
            format!("{{ {} }}", args.join("; "))
        };
        body.push_str(&format!(
            "  {}: {{ args: {args}; returns: {} }};\n",
            s.name, s.returns
        ));
    }
    body.push_str("}\n\nexport type CommandName = keyof Commands;\n");

    let mut out =
        String::from("// Generated from src-tauri/commands/ by `cargo test`; do not edit.\n");
    if body.contains("Channel<") {
        out.push_str("import type { Channel } from '@tauri-apps/api/core';\n");
    }
    let imports: BTreeMap<&str, String> = signatures
        .iter()
        .flat_map(|s| &s.deps)
        .map(|d| {
            (
                d.ts_name.as_str(),
                d.output_path.with_extension("").display().to_string(),
            )
        })
        .collect();
    // Only what the interface names: the bindings are compiled with `noUnusedLocals`.
    let named = |name: &str| {
        body.match_indices(name).any(|(at, _)| {
            let before = body[..at].chars().next_back();
            let after = body[at + name.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    };
    for (name, path) in imports.into_iter().filter(|(name, _)| named(name)) {
        out.push_str(&format!("import type {{ {name} }} from './{path}';\n"));
    }
    out + &body
}

/// `{command: [argument, …]}`: what the end-to-end tests may call, by name.
fn json(signatures: &[Signature]) -> String {
    let map: BTreeMap<&str, Vec<String>> = signatures
        .iter()
        .map(|s| (s.name, s.args.iter().map(|(n, _)| camel(n)).collect()))
        .collect();
    serde_json::to_string_pretty(&map).unwrap_or_default() + "\n"
}

#[test]
fn the_uis_command_bindings_are_written_from_the_declarations() {
    let cfg = Config::from_env();
    let signatures = all(&cfg);
    // The types only commands name (the JSON values of settings and UI state) are written
    // here: no exported type names them.
    <serde_json::Value as ts_rs::TS>::export_all(&cfg).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings");
    std::fs::write(dir.join("commands.ts"), typescript(&signatures)).unwrap();
    std::fs::write(dir.join("commands.json"), json(&signatures)).unwrap();
    let ts = typescript(&signatures);
    assert!(ts.contains(
        "  update_customer_user: { args: { id: string; patch: CustomerUserPatch }; returns: CustomerUser };"
    ));
    assert!(ts.contains("import type { CustomerUserPatch } from './CustomerUserPatch';"));
}

#[test]
fn every_declared_command_is_registered_and_only_once() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/commands/mod.rs"),
    )
    .unwrap();
    let handler = &source[source.find("generate_handler![").unwrap()..];
    let handler = &handler[..handler.find(']').unwrap()];
    let registered: Vec<&str> = handler
        .split(',')
        .filter_map(|p| p.trim().rsplit("::").next())
        .filter(|n| !n.is_empty() && !n.contains('['))
        .collect();
    let mut declared: Vec<&str> = all(&Config::default()).iter().map(|s| s.name).collect();
    let mut registered_sorted = registered.clone();
    declared.sort_unstable();
    registered_sorted.sort_unstable();
    assert_eq!(registered_sorted, declared);
}

#[test]
fn argument_names_are_tauris() {
    assert_eq!(camel("on_progress"), "onProgress");
    assert_eq!(camel("id"), "id");
}
