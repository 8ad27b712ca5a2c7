//! Cells a spreadsheet opens safely: what the CSV export writes and the
//! import reads back.

/// Characters a spreadsheet reads as the start of a formula.
const FORMULA: [char; 4] = ['=', '+', '-', '@'];

/// A cell a spreadsheet will not run as a formula (OWASP's CSV injection
/// advice): text whose first character, or first after blanks, is `=`,
/// `+`, `-` or `@`, or that starts with a tab or a carriage return, gets a
/// leading `'` (the import takes it off again: [`plain`]). NUL
/// bytes are dropped.
pub fn safe(text: &str) -> String {
    let text = text.replace('\0', "");
    let risky = text.starts_with(['\t', '\r']) || text.trim_start().starts_with(FORMULA);
    if risky { format!("'{text}") } else { text }
}

/// A cell as it was before [`safe`].
pub fn plain(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['\t', '\r']) || rest.trim_start().starts_with(FORMULA) => {
            rest
        }
        _ => cell,
    }
}
