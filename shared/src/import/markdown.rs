//! Markdown (a bullet a note, headings naming the interview) and plain
//! lines (a note each).

use super::{ImportError, MAX_NOTES, Note, check_count};
use crate::interview::{Origin, Source};

/// The notes of a Markdown text: each bullet is a note (lines indented
/// under it continue it); a heading below the first level names the
/// interview of the bullets that follow, as `E01 — C01, segment (Claire)`
/// (interview, interviewee, segment, interviewer; any part may be left out).
/// A note in quotes (« », “ ”, " ") is a verbatim, else an observation.
pub fn notes_from_markdown(text: &str) -> Result<Vec<Note>, ImportError> {
    let mut notes: Vec<Note> = Vec::new();
    let mut context = Source::default();
    let mut open = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            open = false;
            continue;
        }
        if is_heading(trimmed) {
            let level = trimmed.chars().take_while(|&c| c == '#').count();
            if level > 1 {
                context = heading_source(trimmed.trim_start_matches('#').trim());
            }
            open = false;
            continue;
        }
        if notes.len() > MAX_NOTES {
            break;
        }
        if let Some(item) = bullet(trimmed) {
            notes.push(Note {
                text: item.to_owned(),
                source: context.clone(),
            });
            open = true;
        } else if open && line.starts_with([' ', '\t']) {
            if let Some(last) = notes.last_mut() {
                last.text.push(' ');
                last.text.push_str(trimmed);
            }
        } else {
            notes.push(Note {
                text: trimmed.to_owned(),
                source: context.clone(),
            });
            open = false;
        }
    }
    let notes = finish(notes);
    check_count(notes.len())?;
    Ok(notes)
}

/// The notes of plain text: one a line (bullets and numbering removed).
pub fn notes_from_lines(text: &str) -> Result<Vec<Note>, ImportError> {
    let notes = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(MAX_NOTES + 1)
        .map(|l| Note {
            text: bullet(l).unwrap_or(l).to_owned(),
            source: Source::default(),
        })
        .collect();
    let notes = finish(notes);
    check_count(notes.len())?;
    Ok(notes)
}

/// Quotes make a verbatim; notes from a named interview without quotes are
/// observations.
fn finish(notes: Vec<Note>) -> Vec<Note> {
    notes
        .into_iter()
        .filter_map(|mut note| {
            let (text, quoted) = unquote(note.text.trim());
            if text.is_empty() {
                return None;
            }
            note.text = text.to_owned();
            if quoted {
                note.source.origin = Some(Origin::Verbatim);
            } else if !note.source.is_empty() {
                note.source.origin = Some(Origin::Observation);
            }
            Some(note)
        })
        .collect()
}

pub(super) fn is_heading(line: &str) -> bool {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    (1..=6).contains(&hashes) && line[hashes..].starts_with(' ')
}

/// The item of a bullet or numbered line (`- x`, `* x`, `+ x`, `1. x`,
/// `1) x`, `- [ ] x`), if the line is one.
pub(super) fn bullet(line: &str) -> Option<&str> {
    let rest = if let Some(rest) = line
        .strip_prefix("- ")
        .or_else(|| line.strip_prefix("* "))
        .or_else(|| line.strip_prefix("+ "))
        .or_else(|| line.strip_prefix("• "))
    {
        rest
    } else {
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        let after = &line[digits..];
        if digits == 0 || !(after.starts_with(". ") || after.starts_with(") ")) {
            return None;
        }
        &after[2..]
    };
    let rest = rest.trim();
    Some(
        rest.strip_prefix("[ ] ")
            .or_else(|| rest.strip_prefix("[x] "))
            .unwrap_or(rest)
            .trim(),
    )
}

/// `E01 — C01, jeune conducteur (Claire)` as a source.
fn heading_source(heading: &str) -> Source {
    let mut rest = heading.trim();
    let mut source = Source::default();
    if let Some(open) = rest.rfind('(')
        && rest.ends_with(')')
    {
        source.interviewer = rest[open + 1..rest.len() - 1].trim().to_owned();
        rest = rest[..open].trim();
    }
    let (interview, who) = match [" — ", " – ", " - ", ": "]
        .iter()
        .find_map(|sep| rest.split_once(sep))
    {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (rest, ""),
    };
    source.interview = interview.to_owned();
    if !who.is_empty() {
        let (code, segment) = who.split_once(',').unwrap_or((who, ""));
        source.interviewee = code.trim().to_owned();
        source.segment = segment.trim().to_owned();
    }
    source
}

/// The text inside matching quotes, and whether there were any.
pub(super) fn unquote(text: &str) -> (&str, bool) {
    for (open, close) in [("«", "»"), ("“", "”"), ("\"", "\""), ("„", "“")] {
        if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close))
            && !inner.trim().is_empty()
        {
            return (inner.trim(), true);
        }
    }
    (text, false)
}
