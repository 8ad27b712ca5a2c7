//! Text made safe inside HTML and SVG (XML): the one escape of the code
//! base, through `html-escape`, used by the SVG export and by the client's
//! lists written as HTML.

/// `s` safe inside text and quoted attribute values (`&`, `<`, `>`, `"`
/// and `'` escaped), without the control characters XML does not allow
/// (line breaks and tabs are kept).
pub fn escape(s: &str) -> String {
    let allowed = |c: &char| {
        (!c.is_control() || matches!(c, '\n' | '\t')) && !matches!(c, '\u{fffe}' | '\u{ffff}')
    };
    let kept: std::borrow::Cow<str> = if s.chars().all(|c| allowed(&c)) {
        s.into()
    } else {
        s.chars().filter(allowed).collect::<String>().into()
    };
    html_escape::encode_quoted_attribute(&kept).into_owned()
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_control_characters_cannot_get_through() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>T&C</a>"#),
            "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;T&amp;C&lt;/a&gt;"
        );
        assert_eq!(
            escape("line\nnext\ttab\u{0}\u{7}\u{ffff}"),
            "line\nnext\ttab"
        );
        assert_eq!(escape("Réunion « client »"), "Réunion « client »");
    }
}
