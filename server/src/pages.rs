//! Pages the server writes itself, to read and print rather than edit:
//!
//! - `GET /api/boards/{id}/report.html`: the report (the Markdown report
//!   as HTML, each persona card and journey map drawn under its heading,
//!   the vote ranking), laid out for the browser's "Print → Save as PDF";
//! - `GET/POST /api/boards/{id}/privacy` (facilitators): who is behind the
//!   interviewees' codes, and a button that forgets every name.
//!
//! Both run no script and load nothing: each goes out with a policy that
//! allows neither, and everything people wrote reaches them escaped.

use atelier_shared::export::{self, Content, Extras};
use atelier_shared::{Board, BoardId, Kind, Lang, svg};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use html_escape::encode_text;
use pulldown_cmark::{Event, Options, Parser};
use serde::Deserialize;
use yrs::Transact;

use crate::AppState;
use crate::access::Role;
use crate::api::{blocking, board_doc, votes_of};
use crate::error::AppError;
use crate::guard::BoardAccess;

/// The pages' stylesheet, for the screen and for print.
const STYLE: &str = include_str!("../../assets/page.css");

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/boards/{id}/report.html", get(report))
        .route("/api/boards/{id}/privacy", get(privacy).post(forget))
}

/// The printable report (anyone the board lets in).
async fn report(State(state): State<AppState>, access: BoardAccess) -> Result<Response, AppError> {
    let id = access.id;
    state.store.info(&id).await?.ok_or(AppError::NotFound)?;
    let doc = board_doc(&state, &id).await?;
    let votes = votes_of(&state, &id).await?;
    // The photos are fetched with a viewer's token that expires when the
    // reader's link does: the page holds no more than its reader may.
    let viewer = state.store.links(&id).await?.of(Role::Viewer);
    let token = state
        .keys
        .mint(&id, Role::Viewer, viewer, access.grant.expires.unwrap_or(0));
    let images = format!("/api/boards/{id}/images/{{id}}?t={token}");
    let page = blocking(move || {
        let content = Content {
            images,
            ..Content::read(&Board::new(&doc), &doc.transact())
        };
        let markdown = export::report(
            &content,
            &Extras {
                votes: &votes,
                figures: true,
            },
        );
        let body = to_html(
            &markdown,
            |id| {
                let kind = match content.elements.iter().find(|e| e.id == id)?.kind {
                    Kind::Persona => "persona",
                    _ => "journey",
                };
                Some((kind, svg::card(&content, id)?))
            },
            |current, target| svg::compared(&content, current, target),
        );
        let title = if content.meta.title.trim().is_empty() {
            "Atelier"
        } else {
            content.meta.title.as_str()
        };
        Ok(page(content.lang(), title, &body))
    })
    .await?;
    Ok(page_response(page))
}

/// Markdown as HTML, each `<!--figure:ID-->` line replaced with
/// `figure(ID)`'s picture (and the kind of what it draws, its class), each
/// `<!--pair:A:B-->` with A's and B's side by side. Any other HTML the
/// Markdown holds is written as text: the report escapes what people
/// wrote, and this does not rely on it.
fn to_html(
    markdown: &str,
    figure: impl Fn(&str) -> Option<(&'static str, String)>,
    pair: impl Fn(&str, &str) -> Option<(String, String)>,
) -> String {
    let framed = |kind: &str, svg: &str| format!("<figure class=\"{kind}\">{svg}</figure>\n");
    let marked = |html: &str| {
        let html = html.trim().strip_suffix("-->")?;
        if let Some(id) = html.strip_prefix("<!--figure:") {
            return figure(id).map(|(kind, svg)| framed(kind, &svg));
        }
        let (a, b) = html.strip_prefix("<!--pair:")?.split_once(':')?;
        let (a, b) = pair(a, b)?;
        Some(format!(
            "<div class=\"pair\">{}{}</div>\n",
            framed("journey", &a),
            framed("journey", &b)
        ))
    };
    let events = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => match marked(&html) {
            Some(drawn) => Event::Html(drawn.into()),
            None => Event::Text(html),
        },
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// A whole page: `body` under the stylesheet, in `lang`.
fn page(lang: Lang, title: &str, body: &str) -> String {
    let lang = match lang {
        Lang::En => "en",
        Lang::Fr => "fr",
    };
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head>\
         <body><main>{body}</main></body></html>\n",
        encode_text(title)
    )
}

/// A page as sent: no script, nothing loaded but the board's own images,
/// not kept, no referrer (the address holds the caller's link).
fn page_response(page: String) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
             form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(Deserialize)]
struct PageQuery {
    lang: Option<String>,
}

impl PageQuery {
    fn lang(&self) -> Lang {
        Lang::parse(self.lang.as_deref().unwrap_or_default())
    }
}

/// Who is behind the codes (facilitators).
async fn privacy(
    State(state): State<AppState>,
    access: BoardAccess,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let id = access.at_least(&state, Role::Facilitator)?.id;
    privacy_page(&state, &id, query.lang(), None).await
}

/// Forgets every name behind the codes (facilitators), then shows the
/// page again, saying so.
async fn forget(
    State(state): State<AppState>,
    access: BoardAccess,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let id = access.at_least(&state, Role::Facilitator)?.id;
    crate::privacy::forget_names(&state, &id, None).await?;
    let lang = query.lang();
    let said = tr(lang, "The names are forgotten.", "Les noms sont oubliés.");
    privacy_page(&state, &id, lang, Some(said)).await
}

async fn privacy_page(
    state: &AppState,
    id: &BoardId,
    lang: Lang,
    said: Option<&str>,
) -> Result<Response, AppError> {
    let info = state.store.info(id).await?.ok_or(AppError::NotFound)?;
    let names = state.store.pseudonyms(id).await?;
    let heading = tr(
        lang,
        "Who is behind the codes",
        "Qui est derrière les codes",
    );
    let mut body = format!(
        "<h1>{heading}</h1><p class=\"lead\">{}</p>",
        encode_text(&info.title)
    );
    if let Some(said) = said {
        body.push_str(&format!("<p class=\"said\" role=\"status\">{said}</p>"));
    }
    body.push_str(&format!(
        "<p>{}</p>",
        tr(
            lang,
            "Notes imported with pseudonymisation carry these codes; the names are kept here, apart from the board, for its facilitators only.",
            "Les notes importées avec pseudonymisation portent ces codes ; les noms sont gardés ici, à part du tableau, pour ses animateurs seulement.",
        )
    ));
    if names.is_empty() {
        body.push_str(&format!(
            "<p class=\"empty\">{}</p>",
            tr(
                lang,
                "No name is kept for this board.",
                "Aucun nom n'est gardé pour ce tableau."
            )
        ));
    } else {
        body.push_str(&format!(
            "<table class=\"pseudonyms\"><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>",
            tr(lang, "Code", "Code"),
            tr(lang, "Name", "Nom")
        ));
        for (code, name) in &names {
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td></tr>",
                encode_text(code),
                encode_text(name)
            ));
        }
        body.push_str("</tbody></table>");
        // Posted to this very address (its link and language included).
        body.push_str(&format!(
            "<form method=\"post\"><p>{}</p><button type=\"submit\" class=\"danger\">{}</button></form>",
            tr(
                lang,
                "Forgetting the names cannot be undone: the notes keep their codes, and nobody will be able to tell who said what.",
                "Oublier les noms est définitif : les notes gardent leurs codes, et personne ne pourra plus dire qui a dit quoi.",
            ),
            tr(lang, "Forget every name", "Oublier tous les noms")
        ));
    }
    Ok(page_response(page(lang, heading, &body)))
}

fn tr(lang: Lang, en: &'static str, fr: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_drawn_and_any_other_html_is_text() {
        let markdown = "# Report\n\n### Julie\n\n<!--figure:p1-->\n\n\
                        <script>alert(1)</script>\n\n<!--figure:unknown-->\n\n\
                        A line with <b>inline</b> html\n";
        let html = to_html(
            markdown,
            |id| (id == "p1").then(|| ("persona", "<svg>card</svg>".to_owned())),
            |_, _| None,
        );
        assert!(
            html.contains("<figure class=\"persona\"><svg>card</svg></figure>"),
            "{html}"
        );
        assert!(
            !html.contains("<script>") && html.contains("&lt;script&gt;"),
            "{html}"
        );
        assert!(
            !html.contains("<b>") && html.contains("&lt;b&gt;"),
            "{html}"
        );
        // An unknown figure is not drawn, and its mark says nothing.
        assert!(!html.contains("<!--figure:unknown"), "{html}");
        // Two journeys side by side; a pair with an unknown one is text.
        let html = to_html(
            "<!--pair:now:next-->\n\n<!--pair:now:gone-->\n",
            |_| None,
            |a, b| (b != "gone").then(|| (format!("<svg>{a}</svg>"), format!("<svg>{b}</svg>"))),
        );
        assert!(
            html.contains(
                "<div class=\"pair\"><figure class=\"journey\"><svg>now</svg></figure>\n\
                 <figure class=\"journey\"><svg>next</svg></figure>\n</div>"
            ),
            "{html}"
        );
        assert!(!html.contains("<!--pair:now:gone"), "{html}");
    }
}
