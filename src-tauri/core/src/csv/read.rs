//! Reading an import file whatever the admin's spreadsheet wrote: UTF-8 with or without a BOM
//! or Windows-1252, comma, semicolon or tab delimited, quoted newlines. Rows stream one at a
//! time (a million-row file never sits in memory); every problem is an error that names the
//! row, never a panic.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use super::formula;
use crate::{CoreError, ErrorCode, Result};

/// How the file is written, found by reading it once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    pub encoding: &'static Encoding,
    pub delimiter: u8,
    /// Bytes of byte-order mark to skip.
    bom: u64,
}

/// The longest header row read: an import has a few dozen columns (one per role besides).
pub const MAX_HEADER_BYTES: usize = 64 << 10;
/// The most columns a file may have.
pub const MAX_COLUMNS: usize = 1_000;
/// The longest row read: every cell of a user at its longest is a few KiB.
pub const MAX_ROW_BYTES: u64 = 1 << 20;

/// A file opened for reading records after its format was found.
pub struct CsvFile {
    pub format: Format,
    pub headers: Vec<String>,
    records: csv::Reader<RowLimit<BufReader<File>>>,
    /// The file's row number of the last record read (#1 is the first after the headers).
    row: usize,
}

fn invalid(message: impl Into<String>) -> CoreError {
    CoreError::new(ErrorCode::InvalidInput, message)
}

/// Opens `path`, finds its encoding and delimiter, and reads the header row. Only a regular
/// file: a device or a pipe (`/dev/zero`) has no end to read to.
pub fn open(path: &Path) -> Result<CsvFile> {
    let cannot = |e: std::io::Error| invalid(format!("Cannot read {}: {e}", path.display()));
    let mut file = File::open(path).map_err(cannot)?;
    if !file.metadata().map_err(cannot)?.is_file() {
        return Err(invalid(format!(
            "{} is not a file: choose a CSV file.",
            path.display()
        )));
    }
    let format = detect(&mut file).map_err(|e| match e {
        Detect::Io(e) => cannot(e),
        Detect::Bad(e) => e,
    })?;
    file.seek(SeekFrom::Start(format.bom)).map_err(cannot)?;
    let mut records = csv::ReaderBuilder::new()
        .delimiter(format.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(RowLimit {
            inner: BufReader::with_capacity(1 << 20, file),
            since_row: std::cell::Cell::new(0),
        });
    let mut first = csv::ByteRecord::new();
    let has_headers = records
        .read_byte_record(&mut first)
        .map_err(|e| record_error(&e, 0))?;
    if !has_headers {
        return Err(invalid("The file is empty: it has no header row."));
    }
    let headers: Vec<String> = first
        .iter()
        .map(|h| decode(format.encoding, h).trim().to_string())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(invalid(
            "The first row is empty: it should hold the column headers.",
        ));
    }
    if headers.len() > MAX_COLUMNS {
        return Err(invalid(format!(
            "The header row has {} columns; an import has at most {MAX_COLUMNS}. Is this a CSV \
             file of this import?",
            headers.len()
        )));
    }
    Ok(CsvFile {
        format,
        headers,
        records,
        row: 0,
    })
}

impl CsvFile {
    /// How far into the file reading has come, in bytes (for progress).
    pub fn position(&self) -> u64 {
        self.records.position().byte()
    }

    /// The next row's number and cells (as many as it has), or `None` at the end. Rows are
    /// records (a quoted newline does not start one); rows of empty cells are skipped but
    /// still counted, so numbers match the spreadsheet's rows after the header.
    pub fn next_row(&mut self) -> Result<Option<(usize, Vec<String>)>> {
        let mut record = csv::ByteRecord::new();
        loop {
            self.row += 1;
            self.records.get_ref().since_row.set(0);
            let more = self
                .records
                .read_byte_record(&mut record)
                .map_err(|e| record_error(&e, self.row))?;
            if !more {
                return Ok(None);
            }
            if record
                .iter()
                .all(|cell| cell.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            let cells = record
                .iter()
                .map(|cell| formula::restore(decode(self.format.encoding, cell)))
                .collect();
            return Ok(Some((self.row, cells)));
        }
    }
}

/// How many header problems an error lists before it counts the rest.
const SHOWN_PROBLEMS: usize = 10;

/// The error for a header row with `problems`, in a few lines however many there are; an
/// unknown column is named but the import's columns (`columns`) are listed once.
pub(crate) fn header_error(problems: &[String], unknown: bool, columns: &str) -> CoreError {
    let mut message = String::from("The header row has problems.");
    for problem in problems.iter().take(SHOWN_PROBLEMS) {
        message.push(' ');
        message.push_str(problem);
    }
    if problems.len() > SHOWN_PROBLEMS {
        message.push_str(&format!(" … and {} more.", problems.len() - SHOWN_PROBLEMS));
    }
    if unknown {
        message.push_str(&format!(" The columns are: {columns}."));
    }
    invalid(message)
}

/// A header as an error quotes it: at most 60 characters, control characters escaped.
pub(crate) fn quoted_header(header: &str) -> String {
    let mut shown: String = header
        .chars()
        .take(60)
        .flat_map(|c| {
            if c.is_control() || crate::rules::is_direction_control(c) {
                c.escape_unicode().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if header.chars().count() > 60 {
        shown.push('…');
    }
    format!("\"{shown}\"")
}

fn decode(encoding: &'static Encoding, bytes: &[u8]) -> String {
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

fn record_error(err: &csv::Error, row: usize) -> CoreError {
    match err.kind() {
        csv::ErrorKind::Io(e) if e.get_ref().is_some_and(|inner| inner.is::<RowTooLong>()) => {
            invalid(format!(
                "Error in row #{row}. The row is longer than {} MiB: is this a CSV file?",
                MAX_ROW_BYTES >> 20
            ))
        }
        csv::ErrorKind::Io(e) => invalid(format!(
            "Error in row #{row}. The file could not be read: {e}"
        )),
        _ => invalid(format!("Error in row #{row}. {err}")),
    }
}

/// The file as the CSV parser reads it, refusing a row longer than [`MAX_ROW_BYTES`]: a
/// file with no line break must not grow one row until memory runs out. The count restarts
/// at each row, and the parser reads at most its buffer (8 KiB) ahead.
struct RowLimit<R> {
    inner: R,
    since_row: std::cell::Cell<u64>,
}

#[derive(Debug)]
struct RowTooLong;

impl std::fmt::Display for RowTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the row is too long")
    }
}

impl std::error::Error for RowTooLong {}

impl<R: Read> Read for RowLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let since = self.since_row.get() + n as u64;
        self.since_row.set(since);
        if since > MAX_ROW_BYTES + (64 << 10) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                RowTooLong,
            ));
        }
        Ok(n)
    }
}

enum Detect {
    Io(std::io::Error),
    Bad(CoreError),
}

/// One pass over the bytes: the BOM, whether they are UTF-8 (and if not, whether some parts
/// are: a mixed file), and the delimiter the header row uses most.
fn detect(file: &mut File) -> std::result::Result<Format, Detect> {
    let mut buf = vec![0u8; 1 << 20];
    let mut decoder = UTF_8.new_decoder_without_bom_handling();
    let mut scratch = String::with_capacity(buf.len() * 3);
    let mut first = true;
    let mut bom = 0u64;
    let mut header_line: Vec<u8> = Vec::new();
    let mut header_done = false;
    let mut utf8_ok = true;
    let mut saw_multibyte = false;
    let mut row = 0usize;
    let mut bad_row = None;
    // Whether the decoder is between characters: a chunk may end inside one.
    let mut clean = true;
    loop {
        let n = file.read(&mut buf).map_err(Detect::Io)?;
        let mut chunk = &buf[..n];
        if first {
            first = false;
            if chunk.starts_with(&[0xEF, 0xBB, 0xBF]) {
                bom = 3;
                chunk = &chunk[3..];
            } else if chunk.starts_with(&[0xFF, 0xFE]) || chunk.starts_with(&[0xFE, 0xFF]) {
                return Err(Detect::Bad(invalid(
                    "The file is UTF-16; save it as CSV UTF-8 (or Windows-1252) and try again.",
                )));
            }
        }
        if !header_done {
            match chunk.iter().position(|b| *b == b'\n') {
                Some(end) => {
                    header_line.extend_from_slice(&chunk[..end]);
                    header_done = true;
                }
                None => header_line.extend_from_slice(chunk),
            }
            if header_line.len() > MAX_HEADER_BYTES {
                return Err(Detect::Bad(invalid(format!(
                    "The first row is longer than {} KiB, so it is not a header row: is this a \
                     CSV file?",
                    MAX_HEADER_BYTES >> 10
                ))));
            }
        }
        if clean && chunk.is_ascii() {
            // The common case, checked at memory speed: plain ASCII is valid in both encodings.
            row += chunk.iter().filter(|b| **b == b'\n').count();
        } else if utf8_ok || !saw_multibyte {
            clean = chunk.last().is_none_or(u8::is_ascii);
            for line in chunk.split_inclusive(|b| *b == b'\n') {
                scratch.clear();
                let (result, _) =
                    decoder.decode_to_string_without_replacement(line, &mut scratch, n == 0);
                if matches!(result, encoding_rs::DecoderResult::Malformed(_, _)) {
                    if utf8_ok {
                        bad_row = Some(row);
                    }
                    utf8_ok = false;
                    decoder = UTF_8.new_decoder_without_bom_handling();
                } else if line.iter().any(|b| *b >= 0x80) {
                    saw_multibyte = true;
                }
                if line.ends_with(b"\n") {
                    row += 1;
                }
            }
        }
        if n == 0 {
            break;
        }
    }
    let encoding = match (utf8_ok, saw_multibyte) {
        (true, _) => UTF_8,
        (false, false) => WINDOWS_1252,
        (false, true) => {
            return Err(Detect::Bad(invalid(format!(
                "The file mixes character encodings: it is mostly UTF-8, but row #{} is not. \
                 Save it again as CSV UTF-8.",
                bad_row.unwrap_or(0)
            ))))
        }
    };
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| count_unquoted(&header_line, *d))
        .filter(|d| count_unquoted(&header_line, *d) > 0)
        .unwrap_or(b',');
    Ok(Format {
        encoding,
        delimiter,
        bom,
    })
}

/// How often `delimiter` stands outside double quotes in `line`.
fn count_unquoted(line: &[u8], delimiter: u8) -> usize {
    let mut quoted = false;
    line.iter()
        .filter(|b| {
            if **b == b'"' {
                quoted = !quoted;
            }
            !quoted && **b == delimiter
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    /// A row's number and cells.
    type Row = (usize, Vec<String>);

    fn read_all(bytes: &[u8]) -> Result<(Vec<String>, Vec<Row>)> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(bytes).unwrap();
        let mut csv = open(file.path())?;
        let mut rows = Vec::new();
        while let Some(row) = csv.next_row()? {
            rows.push(row);
        }
        Ok((csv.headers.clone(), rows))
    }

    #[test]
    fn reads_utf8_with_a_bom_semicolons_and_quoted_newlines() {
        let (headers, rows) = read_all(
            "\u{feff}ID;First Name;Email Address\n1;\"Zoë\nSecond line\";z@example.com\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(headers, ["ID", "First Name", "Email Address"]);
        assert_eq!(
            rows,
            [(
                1,
                vec![
                    "1".into(),
                    "Zoë\nSecond line".into(),
                    "z@example.com".into()
                ]
            )]
        );
    }

    #[test]
    fn reads_windows_1252_and_tabs() {
        let (_, rows) = read_all(b"First Name\tLast Name\nJos\xe9\tM\xfcller\n").unwrap();
        assert_eq!(rows[0].1, ["José", "Müller"]);
    }

    #[test]
    fn names_the_row_of_a_mixed_encoding_or_an_unclosed_quote() {
        let err = read_all(b"First Name\nZo\xc3\xab\nJos\xe9\n").unwrap_err();
        assert!(err.message.contains("row #2"), "{}", err.message);
        assert!(err.message.contains("mixes character encodings"));
        let (_, rows) = read_all(b"A,B\n1,\"open\n").unwrap();
        assert_eq!(
            rows[0].1,
            ["1", "open\n"],
            "a quote left open runs to the end of the file"
        );
    }

    #[test]
    fn empty_files_header_only_files_and_blank_rows() {
        assert_eq!(
            read_all(b"").unwrap_err().message,
            "The file is empty: it has no header row."
        );
        assert!(read_all(b" , ,\n")
            .unwrap_err()
            .message
            .contains("column headers"));
        let (_, rows) = read_all(b"A,B\n").unwrap();
        assert!(rows.is_empty());
        let (_, rows) = read_all(b"A,B\n1,2\n\n,\n3,4").unwrap();
        // An empty line is no record; a record of empty cells is skipped but counted.
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 3]);
        assert!(read_all(b"\xff\xfeA\x00")
            .unwrap_err()
            .message
            .contains("UTF-16"));
    }

    #[test]
    fn a_one_megabyte_cell_is_read_whole() {
        let big = "x".repeat(1 << 20);
        let (_, rows) = read_all(format!("A,B\n\"{big}\",2\n").as_bytes()).unwrap();
        assert_eq!(rows[0].1[0].len(), 1 << 20);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Whatever the bytes, reading ends in rows or in an error that says what is wrong.
        #[test]
        fn any_bytes_read_or_fail_with_a_message(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
            match read_all(&bytes) {
                Ok((headers, rows)) => {
                    prop_assert!(!headers.is_empty());
                    prop_assert!(rows.windows(2).all(|w| w[0].0 < w[1].0));
                }
                Err(e) => prop_assert!(!e.message.is_empty()),
            }
        }

        /// Text that looks like a CSV file, with every delimiter, quotes and line ending.
        #[test]
        fn csv_like_text_never_panics(text in "[A-Za-zé0-9 ,;\t\"\r\n]{0,400}") {
            let _ = read_all(text.as_bytes());
        }
    }
}
