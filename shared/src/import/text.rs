//! From a file's bytes to text, and which reader the text calls for.

use super::markdown::{bullet, is_heading};
use super::table::delimiter;
use super::{ImportError, MAX_BYTES};

/// Text from a file's bytes: UTF-8 (with or without a BOM), UTF-16 with a
/// BOM, or else Windows-1252 (what French Excel writes). Binary data is
/// refused.
pub fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::TooLarge { bytes: bytes.len() });
    }
    let text = if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        utf16(rest, u16::from_le_bytes)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        utf16(rest, u16::from_be_bytes)?
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
        }
    };
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count();
    if text.contains('\0') || controls * 100 > text.chars().count().max(1) {
        return Err(ImportError::NotText);
    }
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(text)
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, ImportError> {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
    String::from_utf16(&units).map_err(|_| ImportError::NotText)
}

/// One byte of Windows-1252 (Latin-1 with printable characters in
/// 0x80–0x9f).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// How a text is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Columns with a header row.
    Table,
    /// Bullets (one a note) under headings (one an interview).
    Markdown,
    /// One note a line.
    Lines,
}

/// The format of `text`, from the file name's extension when it says, else
/// from the text: several lines with the same number of separators are a
/// table; bullets or headings are Markdown.
pub fn sniff(name: &str, text: &str) -> Format {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("csv" | "tsv") => return Format::Table,
        Some("md" | "markdown") => return Format::Markdown,
        _ => {}
    }
    // Markdown: most lines are headings or bullets (tested first: bullets
    // with a comma each would also pass for a table).
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let marked = lines
        .iter()
        .filter(|l| is_heading(l.trim()) || bullet(l.trim()).is_some())
        .count();
    if marked > 0 && marked * 2 >= lines.len() {
        return Format::Markdown;
    }
    // A table: its first records (quotes understood) have two fields or
    // more, and most as many as the header (spreadsheets drop trailing
    // empty cells now and then).
    let widths: Vec<usize> = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .filter_map(Result::ok)
        .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
        .take(6)
        .map(|r| r.len())
        .collect();
    let full = widths.iter().filter(|&&w| w == widths[0]).count();
    if widths.len() >= 2 && widths.iter().all(|&w| w >= 2) && full * 2 > widths.len() {
        return Format::Table;
    }
    if marked > 0 {
        return Format::Markdown;
    }
    Format::Lines
}
