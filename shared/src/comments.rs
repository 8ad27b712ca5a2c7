//! Comments on elements, with replies, resolved or open: the root map
//! `comments` of the board document (see `docs/board-schema.md`), comment
//! id → map `{element, author, created, text, resolved, replies: [{author,
//! created, text}]}`. Replies are a Y.Array, so two people replying at once
//! both keep theirs.

use yrs::{Any, Array, ArrayPrelim, Doc, Map, MapPrelim, MapRef, Out, ReadTxn, TransactionMut};

/// Longest comment or reply kept, in characters.
pub const MAX_TEXT: usize = 2000;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reply {
    pub author: String,
    pub created: i64,
    pub text: String,
}

/// A thread: the first comment and its replies.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comment {
    pub id: String,
    /// The element it is about.
    pub element: String,
    pub author: String,
    pub created: i64,
    pub text: String,
    pub resolved: bool,
    pub replies: Vec<Reply>,
}

/// The `comments` root map of a board document.
#[derive(Clone)]
pub struct Comments(MapRef);

fn string<T: ReadTxn>(txn: &T, map: &MapRef, key: &str) -> String {
    match map.get(txn, key) {
        Some(Out::Any(Any::String(s))) => s.to_string(),
        _ => String::new(),
    }
}

fn number<T: ReadTxn>(txn: &T, map: &MapRef, key: &str) -> i64 {
    match map.get(txn, key) {
        Some(Out::Any(Any::Number(yrs::any::Number::Float(n)))) if n.is_finite() => n as i64,
        Some(Out::Any(Any::Number(yrs::any::Number::Int(n)))) => n,
        _ => 0,
    }
}

fn clip(text: &str) -> String {
    text.trim().chars().take(MAX_TEXT).collect()
}

impl Comments {
    pub fn new(doc: &Doc) -> Comments {
        Comments(doc.get_or_insert_map("comments"))
    }

    pub fn map(&self) -> &MapRef {
        &self.0
    }

    /// Every thread, oldest first.
    pub fn all<T: ReadTxn>(&self, txn: &T) -> Vec<Comment> {
        let mut all: Vec<Comment> = self
            .0
            .iter(txn)
            .filter_map(|(id, value)| match value {
                Out::YMap(map) => Some(read(txn, id, &map)),
                _ => None,
            })
            .filter(|c| !c.element.is_empty())
            .collect();
        all.sort_unstable_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
        all
    }

    /// Starts a thread on `element`.
    pub fn add(&self, txn: &mut TransactionMut, comment: &Comment) {
        let fields: Vec<(&str, Any)> = vec![
            ("element", comment.element.as_str().into()),
            ("author", comment.author.as_str().into()),
            ("created", (comment.created as f64).into()),
            ("text", clip(&comment.text).into()),
            ("resolved", comment.resolved.into()),
        ];
        let prelim: MapPrelim = fields.into_iter().collect();
        let map = self.0.insert(txn, comment.id.as_str(), prelim);
        map.insert(txn, "replies", ArrayPrelim::default());
    }

    pub fn reply(&self, txn: &mut TransactionMut, id: &str, reply: &Reply) {
        let Some(Out::YMap(map)) = self.0.get(txn, id) else {
            return;
        };
        let replies = match map.get(txn, "replies") {
            Some(Out::YArray(a)) => a,
            _ => map.insert(txn, "replies", ArrayPrelim::default()),
        };
        let fields: Vec<(&str, Any)> = vec![
            ("author", reply.author.as_str().into()),
            ("created", (reply.created as f64).into()),
            ("text", clip(&reply.text).into()),
        ];
        let prelim: MapPrelim = fields.into_iter().collect();
        replies.push_back(txn, prelim);
    }

    pub fn set_resolved(&self, txn: &mut TransactionMut, id: &str, resolved: bool) {
        if let Some(Out::YMap(map)) = self.0.get(txn, id) {
            map.insert(txn, "resolved", resolved);
        }
    }
}

fn read<T: ReadTxn>(txn: &T, id: &str, map: &MapRef) -> Comment {
    let replies = match map.get(txn, "replies") {
        Some(Out::YArray(a)) => a
            .iter(txn)
            .filter_map(|r| match r {
                Out::YMap(r) => Some(Reply {
                    author: string(txn, &r, "author"),
                    created: number(txn, &r, "created"),
                    text: string(txn, &r, "text"),
                }),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Comment {
        id: id.to_owned(),
        element: string(txn, map, "element"),
        author: string(txn, map, "author"),
        created: number(txn, map, "created"),
        text: string(txn, map, "text"),
        resolved: matches!(map.get(txn, "resolved"), Some(Out::Any(Any::Bool(true)))),
        replies,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::sync;
    use yrs::Transact;

    #[test]
    fn threads_with_replies_from_two_people_at_once() {
        let (a, b) = (Doc::with_client_id(1), Doc::with_client_id(2));
        let (ca, cb) = (Comments::new(&a), Comments::new(&b));
        ca.add(
            &mut a.transact_mut(),
            &Comment {
                id: "c1".into(),
                element: "n1".into(),
                author: "Ann".into(),
                created: 5,
                text: "  Is this a verbatim?  ".into(),
                ..Comment::default()
            },
        );
        sync(&a, &b);
        let reply = |who: &str, at| Reply {
            author: who.into(),
            created: at,
            text: format!("{who} says yes"),
        };
        ca.reply(&mut a.transact_mut(), "c1", &reply("Ann", 6));
        cb.reply(&mut b.transact_mut(), "c1", &reply("Ben", 7));
        cb.set_resolved(&mut b.transact_mut(), "c1", true);
        sync(&a, &b);
        for c in [&ca, &cb] {
            let doc = if std::ptr::eq(c, &ca) { &a } else { &b };
            let all = c.all(&doc.transact());
            assert_eq!(all.len(), 1);
            assert_eq!(all[0].text, "Is this a verbatim?");
            assert!(all[0].resolved);
            let mut who: Vec<&str> = all[0].replies.iter().map(|r| r.author.as_str()).collect();
            who.sort();
            assert_eq!(who, ["Ann", "Ben"]);
        }
    }
}
