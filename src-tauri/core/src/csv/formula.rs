//! Cells a spreadsheet would run as a formula (OWASP's CSV injection): an exported cell that
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, which the
//! spreadsheet shows as text, and the import takes that `'` off again. A cell that itself
//! starts with `'` gets one more, so every value comes back exactly as it went out.

/// Whether an exported cell needs the leading `'`.
fn needs_quote(cell: &[u8]) -> bool {
    matches!(
        cell.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'')
    )
}

/// Writes `cell` as a field of `writer`, neutralised.
pub(crate) fn write_cell<W: std::io::Write>(
    writer: &mut csv::Writer<W>,
    cell: &[u8],
) -> csv::Result<()> {
    if needs_quote(cell) {
        writer.write_field([b"'", cell].concat())
    } else {
        writer.write_field(cell)
    }
}

/// A whole row of cells, neutralised (a rejects file).
pub(crate) fn neutralised<'a>(cells: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    cells
        .into_iter()
        .map(|c| {
            if needs_quote(c.as_bytes()) {
                format!("'{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The value of an imported cell: the `'` an export put in front taken off.
pub(crate) fn restore(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote(rest.as_bytes()) => rest.to_string(),
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_are_quoted_and_plain_text_is_not() {
        let out = |cell: &str| {
            let mut w = csv::Writer::from_writer(Vec::new());
            write_cell(&mut w, cell.as_bytes()).unwrap();
            w.write_record(None::<&[u8]>).unwrap();
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        };
        assert_eq!(
            out("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\"\n"
        );
        assert_eq!(out("+1 555 0100"), "'+1 555 0100\n");
        assert_eq!(out("@SUM(A1)"), "'@SUM(A1)\n");
        assert_eq!(out("-2+3"), "'-2+3\n");
        assert_eq!(out("Jane"), "Jane\n");
        assert_eq!(out("a=b"), "a=b\n");
        assert_eq!(restore("'=1+2".into()), "=1+2");
        assert_eq!(
            restore("'Tis".into()),
            "'Tis",
            "an apostrophe of the value stays"
        );
    }

    proptest! {
        #[test]
        fn every_value_comes_back_as_it_went_out(value in "['=+@\\-\t\rA-Za-z ]{0,6}") {
            let shown = neutralised([value.as_str()]).remove(0);
            prop_assert!(!matches!(shown.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')));
            prop_assert_eq!(restore(shown), value);
        }
    }
}
