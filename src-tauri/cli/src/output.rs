//! How the CLI reads its input and shows its output: JSON or tables, secrets from stdin.

use std::io::{Read, Write};

use cu_core::CoreError;
use serde::Serialize;

/// The core names the file `path`; the CLI's option for it is `--out`.
pub(crate) fn rename_field(mut err: CoreError, from: &str, to: &str) -> CoreError {
    for f in &mut err.fields {
        if f.field == from {
            f.field = to.to_string();
        }
    }
    err
}

/// A setting's value as typed on a command line.
pub(crate) fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A password or other secret from stdin: one line, its line ending removed.
pub(crate) fn read_stdin_secret() -> Result<String, CoreError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CoreError::invalid_input(format!("Cannot read standard input: {e}")))?;
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}

pub(crate) struct Output {
    pub(crate) json: bool,
}

impl Output {
    /// Records print as JSON either way: a detail reads best that way in a terminal too.
    pub(crate) fn print(&self, value: &impl Serialize) -> Result<(), CoreError> {
        emit(&serde_json::to_string_pretty(value).map_err(|e| CoreError::internal(e.to_string()))?)
    }

    pub(crate) fn done(&self, message: &str) -> Result<(), CoreError> {
        if self.json {
            self.print(&serde_json::json!({ "message": message }))
        } else {
            emit(message)
        }
    }
}

pub(crate) fn read_stdin_json() -> Result<serde_json::Value, CoreError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CoreError::invalid_input(format!("Cannot read standard input: {e}")))?;
    if text.trim().is_empty() {
        return Err(CoreError::invalid_input(
            "Expected one JSON object on standard input; got nothing.",
        ));
    }
    Ok(serde_json::from_str(&text)?)
}

pub(crate) fn yes_no(b: bool) -> String {
    if b { "Yes" } else { "No" }.to_string()
}

/// Writes a line to stdout. A reader that went away (`| head`) ends the output quietly.
/// What the store holds cannot drive the terminal: see [`terminal_safe`].
pub(crate) fn emit(text: &str) -> Result<(), CoreError> {
    match writeln!(std::io::stdout().lock(), "{}", terminal_safe(text)) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => other.map_err(|e| CoreError::internal(format!("Cannot write the output: {e}"))),
    }
}

/// `text` with every control character but the line break, and every direction override,
/// written as a `\uXXXX` escape (valid in JSON too): a value cannot move the cursor, change
/// the terminal's colours or title, or reverse the text that follows it.
pub(crate) fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char =
        |c: char| (c.is_control() && c != '\n') || cu_core::rules::is_direction_control(c);
    if !text.chars().any(unsafe_char) {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if unsafe_char(c) {
                format!("\\u{:04X}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

pub(crate) fn print_table(
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(), CoreError> {
    let rows: Vec<Vec<String>> = rows.collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter()
                .map(|r| terminal_safe(&r[i]).chars().count())
                .chain([headers[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{:<w$}", terminal_safe(c)))
            .collect();
        emit(padded.join("  ").trim_end())
    };
    line(headers.iter().map(|h| h.to_string()).collect())?;
    for row in rows {
        line(row)?;
    }
    Ok(())
}
