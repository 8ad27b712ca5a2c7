//! A board's history: what changed between two versions of its elements
//! ([`diff`]), and bringing a version back as a new change ([`restore`]),
//! so nothing is lost (the restore itself can be undone or restored over).
//! The server keeps the versions (named snapshots of the whole document).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use yrs::TransactionMut;

use crate::{Element, Elements};

/// A stored version of a board, as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub id: i64,
    pub name: String,
    /// ms since the Unix epoch.
    pub created: i64,
    /// Taken by the server (at a phase change) rather than by someone.
    pub auto: bool,
}

/// Between the English and the French name of a version named by
/// Atelier rather than by someone (a method's phase, a restore).
const BETWEEN: &str = " ‖ ";

/// A version name in both languages, each reader seeing theirs.
pub fn both_names(en: &str, fr: &str) -> String {
    format!("{en}{BETWEEN}{fr}")
}

/// The name of the version kept when a method enters phase `index` (from
/// 0) named `name`.
pub fn phase_version_name(index: u32, name: &crate::script::Text) -> String {
    let n = index + 1;
    both_names(
        &format!("Phase {n} · {}", name.get(false)),
        &format!("Étape {n} · {}", name.get(true)),
    )
}

/// A version's name as a reader of `lang` reads it: the part in their
/// language of a name in both, any other name as it is.
pub fn version_name(name: &str, lang: crate::Lang) -> &str {
    match (name.split_once(BETWEEN), lang) {
        (Some((en, _)), crate::Lang::En) => en,
        (Some((_, fr)), crate::Lang::Fr) => fr,
        (None, _) => name,
    }
}

/// What changed from one version to another, by element id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Moved or resized, nothing else.
    pub moved: Vec<String>,
    /// Anything else changed (text, colour, persona lines, …), moved or not.
    pub edited: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.moved.is_empty()
            && self.edited.is_empty()
    }
}

/// `element` with its geometry zeroed (to tell a move from an edit).
fn unplaced(element: &Element) -> Element {
    Element {
        x: 0.0,
        y: 0.0,
        w: 0.0,
        h: 0.0,
        z: 0.0,
        ..element.clone()
    }
}

/// What changed from `old` to `new` (ids sorted in each list).
pub fn diff(old: &[Element], new: &[Element]) -> Changes {
    let before: HashMap<&str, &Element> = old.iter().map(|e| (e.id.as_str(), e)).collect();
    let after: HashMap<&str, &Element> = new.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut changes = Changes::default();
    for (id, now) in &after {
        match before.get(id) {
            None => changes.added.push(id.to_string()),
            Some(then) if *then == *now => {}
            Some(then) if unplaced(then) == unplaced(now) => changes.moved.push(id.to_string()),
            Some(_) => changes.edited.push(id.to_string()),
        }
    }
    changes.removed = before
        .keys()
        .filter(|id| !after.contains_key(*id))
        .map(|id| id.to_string())
        .collect();
    for list in [
        &mut changes.added,
        &mut changes.removed,
        &mut changes.moved,
        &mut changes.edited,
    ] {
        list.sort_unstable();
    }
    changes
}

/// Makes the board's elements those of `version`, as one change made in
/// `txn`: elements the version does not hold are removed, the ones that
/// differ are written again, the others are left alone. Returns what it
/// changed (from the current elements to the version's).
pub fn restore(
    txn: &mut TransactionMut,
    elements: &Elements,
    current: &[Element],
    version: &[Element],
) -> Changes {
    let changes = diff(current, version);
    for id in &changes.removed {
        elements.remove(txn, id);
    }
    let wanted: HashMap<&str, &Element> = version.iter().map(|e| (e.id.as_str(), e)).collect();
    for id in changes
        .added
        .iter()
        .chain(&changes.moved)
        .chain(&changes.edited)
    {
        if let Some(element) = wanted.get(id.as_str()) {
            elements.insert(txn, element);
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Board, Kind};
    use yrs::{Doc, Transact};

    #[test]
    fn a_phase_version_is_named_in_each_readers_language() {
        let name = crate::script::Text {
            en: "Reveal and cluster".into(),
            fr: "Révéler et regrouper".into(),
        };
        let both = phase_version_name(1, &name);
        assert_eq!(
            version_name(&both, crate::Lang::En),
            "Phase 2 · Reveal and cluster"
        );
        assert_eq!(
            version_name(&both, crate::Lang::Fr),
            "Étape 2 · Révéler et regrouper"
        );
        assert_eq!(
            version_name("Before the vote", crate::Lang::Fr),
            "Before the vote"
        );
    }

    fn note(id: &str, x: f64, text: &str) -> Element {
        let mut e = Element::new(id, Kind::Note, x, 0.0);
        e.text = text.into();
        e
    }

    #[test]
    fn a_diff_tells_added_removed_moved_and_edited() {
        let old = [
            note("a", 0.0, "A"),
            note("b", 0.0, "B"),
            note("c", 0.0, "C"),
        ];
        let new = [
            note("a", 0.0, "A"),
            note("b", 50.0, "B"),
            note("c", 9.0, "C!"),
            note("d", 0.0, "D"),
        ];
        let mut removed = new.to_vec();
        removed.retain(|e| e.id != "a" && e.id != "d");
        let changes = diff(&old, &new);
        assert_eq!(changes.added, ["d"]);
        assert_eq!(changes.moved, ["b"]);
        assert_eq!(changes.edited, ["c"], "moved and edited counts as edited");
        assert!(changes.removed.is_empty());
        assert_eq!(diff(&new, &removed).removed, ["a", "d"]);
        assert!(diff(&new, &new).is_empty());
    }

    #[test]
    fn a_restore_is_a_new_change_that_can_itself_be_undone() {
        let doc = Doc::new();
        let board = Board::new(&doc);
        let v1 = [
            note("a", 0.0, "Claims take weeks"),
            note("b", 0.0, "Call centre"),
        ];
        {
            let mut txn = doc.transact_mut();
            for e in &v1 {
                board.elements().insert(&mut txn, e);
            }
        }
        // Later: one note edited, one deleted, one added.
        {
            let mut txn = doc.transact_mut();
            board
                .elements()
                .edit_text(&mut txn, "a", "Claims take months");
            board.elements().remove(&mut txn, "b");
            board
                .elements()
                .insert(&mut txn, &note("c", 0.0, "Agent was kind"));
        }
        let later = board.elements().all(&doc.transact());
        let sv = doc.transact().state_vector();
        let changes = {
            let mut txn = doc.transact_mut();
            restore(&mut txn, board.elements(), &later, &v1)
        };
        assert_eq!(changes.added, ["b"]);
        assert_eq!(changes.removed, ["c"]);
        assert_eq!(changes.edited, ["a"]);
        let mut now = board.elements().all(&doc.transact());
        now.sort_by(|x, y| x.id.cmp(&y.id));
        assert_eq!(now, v1);
        // It was a change on top of the history, not a rewind: the later
        // state is still reachable in the document's update log.
        use yrs::ReadTxn;
        assert_ne!(doc.transact().state_vector(), sv);
        // Restoring the later version again brings its content back.
        {
            let mut txn = doc.transact_mut();
            restore(&mut txn, board.elements(), &v1, &later);
        }
        let mut again = board.elements().all(&doc.transact());
        again.sort_by(|x, y| x.id.cmp(&y.id));
        let mut later = later;
        later.sort_by(|x, y| x.id.cmp(&y.id));
        assert_eq!(again, later);
    }
}
