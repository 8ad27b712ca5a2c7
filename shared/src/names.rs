//! What a title or a person's name may hold: no control characters, and
//! none of the invisible marks that make a text look like another (bidi
//! embeddings, overrides and isolates, which reorder what follows them;
//! zero-width spaces and joiners, which split or glue words unseen).

/// Whether `c` is an invisible mark a title or a name must not hold.
pub fn is_disguise(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Why `text` cannot be a title or a name, if it cannot.
pub fn check(text: &str) -> Result<(), &'static str> {
    if text.chars().any(char::is_control) {
        return Err("no control characters");
    }
    if text.chars().any(is_disguise) {
        return Err("no invisible direction or zero-width marks");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_disguises_a_text() {
        assert!(check("Atelier sinistre auto · 2e session").is_ok());
        assert!(check("مرحبا Julie").is_ok(), "right-to-left text is fine");
        assert!(check("invoice\u{202E}fdp.exe").is_err());
        assert!(check("ad\u{200B}min").is_err());
        assert!(check("\u{2066}x\u{2069}").is_err());
        assert!(check("tab\there").is_err());
    }
}
