//! Reading a pool of interview notes: the need typologies their tags use
//! (SPECIFIC and CIVILE) with a count per need, filters, and notes whose
//! text is the same or nearly so.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::interview::Source;
use crate::interview::fold;
use crate::lang::Lang;

/// A need typology: its name (the tag prefix) and its needs, in English
/// and French.
#[derive(Debug, PartialEq, Eq)]
pub struct Typology {
    pub name: &'static str,
    /// What it is about, for the panel.
    pub about: &'static str,
    /// [`Typology::about`] in French.
    pub about_fr: &'static str,
    pub needs: &'static [(&'static str, &'static str)],
    /// What each need means, in a line (English, French), in the order
    /// of [`Typology::needs`].
    pub definitions: &'static [(&'static str, &'static str)],
}

impl Typology {
    /// What it is about, in `lang`.
    pub fn about_in(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.about,
            Lang::Fr => self.about_fr,
        }
    }

    /// What need `i` means, in a line, in `lang`.
    pub fn definition_in(&self, i: usize, lang: Lang) -> Option<&'static str> {
        let (en, fr) = self.definitions.get(i)?;
        Some(match lang {
            Lang::En => en,
            Lang::Fr => fr,
        })
    }

    /// The tag that names need `i` (`SPECIFIC:Security`).
    pub fn tag(&self, i: usize) -> Option<String> {
        let (en, _) = self.needs.get(i)?;
        Some(format!("{}:{en}", self.name))
    }

    /// The name of need `i` in `lang` (`None` past the last need).
    pub fn need_in(&self, i: usize, lang: Lang) -> Option<&'static str> {
        let (en, fr) = self.needs.get(i)?;
        Some(match lang {
            Lang::En => en,
            Lang::Fr => fr,
        })
    }
}

/// Operational needs.
pub static SPECIFIC: Typology = Typology {
    name: "SPECIFIC",
    about: "Operational needs",
    about_fr: "Besoins opérationnels",
    needs: &[
        ("Security", "Sécurité"),
        ("Performance", "Performance"),
        ("Environment", "Environnement"),
        ("Consideration", "Considération"),
        ("Image", "Image"),
        ("Finances", "Finances"),
        ("Innovation", "Innovation"),
        ("Comfort", "Confort"),
    ],
    definitions: &[
        (
            "Removes or covers a risk, gives guarantees",
            "Supprime ou couvre un risque, donne des garanties",
        ),
        (
            "Delivers the result, at a fair price",
            "Livre le résultat, à un juste prix",
        ),
        (
            "Respects its surroundings (people, planet)",
            "Respecte son environnement (personnes, planète)",
        ),
        (
            "Takes the customer's status into account: new, loyal",
            "Tient compte du statut du client : nouveau, fidèle",
        ),
        (
            "Adds to the customer's reputation",
            "Valorise la réputation du client",
        ),
        (
            "A good deal, a return on the money",
            "Une bonne affaire, un retour sur la dépense",
        ),
        (
            "New, ahead of the others",
            "Nouveau, en avance sur les autres",
        ),
        ("Practical, convenient", "Pratique, commode"),
    ],
};

/// Relational needs.
pub static CIVILE: Typology = Typology {
    name: "CIVILE",
    about: "Relational needs",
    about_fr: "Besoins relationnels",
    needs: &[
        ("Consideration", "Considération"),
        ("Integration", "Intégration"),
        ("Valorisation", "Valorisation"),
        ("Individualisation", "Individualisation"),
        ("Limits", "Limites"),
        ("Expression", "Expression"),
    ],
    definitions: &[
        (
            "Seen and recognised as a person",
            "Être vu et reconnu comme une personne",
        ),
        (
            "Welcomed, part of a group",
            "Être accueilli, faire partie d'un groupe",
        ),
        (
            "Important in others' eyes",
            "Être important aux yeux des autres",
        ),
        ("Unique, personalised", "Être unique, traité sur mesure"),
        (
            "Privacy and permission respected",
            "Voir respectées son intimité et son accord",
        ),
        (
            "Understood in their own way of speaking",
            "Être compris dans sa propre façon de parler",
        ),
    ],
};

/// Said wherever needs are tagged or counted: the method warns against
/// hunting for every need.
pub const NOT_EVERY_NEED: (&str, &str) = (
    "Not every need is present in every customer: tag what a note shows, do not look for all of them.",
    "Tous les besoins ne sont pas présents chez chaque client : étiquetez ce que la note montre, ne les cherchez pas tous.",
);

/// `tags` with need `tag` added (`on`) or taken out: a need counts once,
/// in whichever language it was written (`SPECIFIC:Sécurité` is
/// `SPECIFIC:Security`); other tags stay as they are.
pub fn with_need(tags: &[String], tag: &str, on: bool) -> Vec<String> {
    let need = classify(tag);
    let mut out: Vec<String> = tags
        .iter()
        .filter(|have| *have != tag && (need.is_none() || classify(have) != need))
        .cloned()
        .collect();
    if on {
        out.push(tag.to_owned());
    }
    out
}

impl TagCounts {
    /// The needs counted, most first: (typology, need index, count).
    pub fn found(&self) -> Vec<(&'static Typology, usize, usize)> {
        let mut found: Vec<(&'static Typology, usize, usize)> = TYPOLOGIES
            .iter()
            .enumerate()
            .flat_map(|(t, typology)| {
                self.needs[t]
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(move |(i, n)| (*typology, i, *n))
            })
            .collect();
        found.sort_by_key(|(_, _, n)| std::cmp::Reverse(*n));
        found
    }
}

pub static TYPOLOGIES: [&Typology; 2] = [&SPECIFIC, &CIVILE];

/// The typology and need a tag names (`SPECIFIC:Sécurité`,
/// `civile: integration`), if it names one.
pub fn classify(tag: &str) -> Option<(&'static Typology, usize)> {
    let (prefix, need) = tag.split_once(':')?;
    let typology = TYPOLOGIES
        .into_iter()
        .find(|t| fold(prefix) == fold(t.name))?;
    let need = fold(need);
    let index = typology
        .needs
        .iter()
        .position(|(en, fr)| fold(en) == need || fold(fr) == need)?;
    Some((typology, index))
}

/// Tag counts over a set of notes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagCounts {
    /// Per typology (in [`TYPOLOGIES`] order), per need.
    pub needs: [Vec<usize>; 2],
    /// Tags outside the typologies, by name.
    pub other: BTreeMap<String, usize>,
    /// Notes counted.
    pub notes: usize,
}

impl TagCounts {
    pub fn of<'a>(sources: impl IntoIterator<Item = &'a Source>) -> TagCounts {
        let mut counts = TagCounts {
            needs: [vec![0; SPECIFIC.needs.len()], vec![0; CIVILE.needs.len()]],
            ..TagCounts::default()
        };
        for source in sources {
            counts.notes += 1;
            // A note counts once per tag, however often it repeats it.
            let tags: HashSet<&String> = source.tags.iter().collect();
            for tag in tags {
                match classify(tag) {
                    Some((typology, i)) => {
                        let t = TYPOLOGIES.iter().position(|t| *t == typology).unwrap_or(0);
                        counts.needs[t][i] += 1;
                    }
                    None => *counts.other.entry(tag.clone()).or_default() += 1,
                }
            }
        }
        counts
    }
}

/// Which notes to show: every part set must match (none set: all).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoteFilter {
    pub interviewer: Option<String>,
    pub interviewee: Option<String>,
    /// One interview (its id): the notes it produced.
    pub interview: Option<String>,
    pub segment: Option<String>,
    pub tag: Option<String>,
}

impl NoteFilter {
    pub fn is_empty(&self) -> bool {
        *self == NoteFilter::default()
    }

    pub fn matches(&self, source: &Source) -> bool {
        let is = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        is(&self.interviewer, &source.interviewer)
            && is(&self.interviewee, &source.interviewee)
            && is(&self.interview, &source.interview)
            && is(&self.segment, &source.segment)
            && self.tag.as_ref().is_none_or(|want| {
                // A need matches in either language (`SPECIFIC:Security`
                // finds `SPECIFIC:Sécurité`).
                let need = classify(want);
                source
                    .tags
                    .iter()
                    .any(|have| have == want || need.is_some() && classify(have) == need)
            })
    }
}

/// A note's text as duplicates are compared: folded, letters and digits
/// only, words in order.
fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How alike two notes must be to count as duplicates: the share of words
/// (Jaccard index of their word sets).
pub const NEAR: f64 = 0.8;

/// Groups of notes (by id) whose text is the same or nearly so (see
/// [`NEAR`]), each group in the order the notes were given, groups in the
/// order of their first note. Notes without words are left out.
pub fn duplicates<'a>(notes: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Vec<String>> {
    // Words as numbers; each note as its sorted, distinct word numbers.
    let mut vocabulary: HashMap<String, u32> = HashMap::new();
    let notes: Vec<(&str, Vec<u32>)> = notes
        .into_iter()
        .map(|(id, text)| {
            let mut w: Vec<u32> = words(text)
                .into_iter()
                .map(|word| {
                    let n = vocabulary.len() as u32;
                    *vocabulary.entry(word).or_insert(n)
                })
                .collect();
            w.sort_unstable();
            w.dedup();
            (id, w)
        })
        .filter(|(_, w)| !w.is_empty())
        .collect();
    // Union-find over the notes; exact matches first (by their word set),
    // then, among one note of each exact group, pairs of similar length.
    let mut parent: Vec<usize> = (0..notes.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut exact: HashMap<&[u32], usize> = HashMap::new();
    let mut distinct = Vec::new();
    for (i, (_, w)) in notes.iter().enumerate() {
        if let Some(&j) = exact.get(w.as_slice()) {
            let (a, b) = (root(&mut parent, i), root(&mut parent, j));
            parent[a] = b;
        } else {
            exact.insert(w, i);
            distinct.push(i);
        }
    }
    // Words two sorted lists share.
    let common = |a: &[u32], b: &[u32]| {
        let (mut i, mut j, mut n) = (0, 0, 0usize);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        n
    };
    distinct.sort_unstable_by_key(|&i| (notes[i].1.len(), i));
    for (k, &i) in distinct.iter().enumerate() {
        let a = &notes[i].1;
        for &j in &distinct[k + 1..] {
            let b = &notes[j].1;
            // |A ∩ B| / |A ∪ B| ≤ |A| / |B| for |A| ≤ |B|: stop early.
            if (a.len() as f64) < NEAR * b.len() as f64 {
                break;
            }
            let shared = common(a, b) as f64;
            if shared / (a.len() as f64 + b.len() as f64 - shared) >= NEAR {
                let (ra, rb) = (root(&mut parent, i), root(&mut parent, j));
                parent[ra] = rb;
            }
        }
    }
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut index: HashMap<usize, usize> = HashMap::new();
    for (i, (id, _)) in notes.iter().enumerate() {
        let r = root(&mut parent, i);
        let n = groups.len();
        let g = *index.entry(r).or_insert(n);
        if g == groups.len() {
            groups.push(Vec::new());
        }
        groups[g].push((*id).to_owned());
    }
    groups.retain(|g| g.len() > 1);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagged(tags: &[&str]) -> Source {
        Source {
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Source::default()
        }
    }

    #[test]
    fn tags_name_needs_in_either_language() {
        assert_eq!(classify("SPECIFIC:Sécurité"), Some((&SPECIFIC, 0)));
        assert_eq!(classify("specific: security"), Some((&SPECIFIC, 0)));
        assert_eq!(classify("SPECIFIC:Confort"), Some((&SPECIFIC, 7)));
        assert_eq!(classify("CIVILE:Considération"), Some((&CIVILE, 0)));
        assert_eq!(classify("CIVILE:Limits"), Some((&CIVILE, 4)));
        assert_eq!(classify("SPECIFIC:Bonheur"), None);
        assert_eq!(classify("irritant"), None);
    }

    #[test]
    fn typologies_speak_both_languages() {
        assert_eq!(SPECIFIC.about_in(Lang::Fr), "Besoins opérationnels");
        assert_eq!(CIVILE.about_in(Lang::En), "Relational needs");
        assert_eq!(SPECIFIC.need_in(0, Lang::Fr), Some("Sécurité"));
        assert_eq!(CIVILE.need_in(4, Lang::En), Some("Limits"));
        assert_eq!(CIVILE.need_in(6, Lang::Fr), None);
    }

    #[test]
    fn counts_per_need_and_other_tags() {
        let notes = [
            tagged(&["SPECIFIC:Sécurité", "irritant", "irritant"]),
            tagged(&["SPECIFIC:Security", "CIVILE:Considération"]),
            tagged(&["enchantement"]),
            tagged(&[]),
        ];
        let counts = TagCounts::of(&notes);
        assert_eq!(counts.notes, 4);
        assert_eq!(counts.needs[0][0], 2, "Security, in both languages");
        assert_eq!(counts.needs[1][0], 1);
        assert_eq!(counts.needs[0][1..].iter().sum::<usize>(), 0);
        assert_eq!(counts.other.get("irritant"), Some(&1), "once per note");
        assert_eq!(counts.other.get("enchantement"), Some(&1));
    }

    #[test]
    fn the_sample_counts() {
        let text = include_str!("../tests/data/interview-notes.csv");
        let table = crate::import::parse_table(text).unwrap();
        let mapping = crate::import::Mapping::guess(&table.headers);
        let (notes, _) = crate::import::notes_from_table(&table, &mapping).unwrap();
        let counts = TagCounts::of(notes.iter().map(|n| &n.source));
        let total: usize = counts.needs.iter().flatten().sum();
        let tagged = notes
            .iter()
            .flat_map(|n| &n.source.tags)
            .filter(|t| classify(t).is_some())
            .count();
        assert_eq!(total, tagged);
        assert!(total > 0);
    }

    #[test]
    fn filters_match_every_part_set() {
        let source = Source {
            interviewer: "Claire".into(),
            interviewee: "C01".into(),
            segment: "Famille".into(),
            tags: vec!["irritant".into()],
            ..Source::default()
        };
        assert!(NoteFilter::default().matches(&source));
        let mut filter = NoteFilter {
            interviewer: Some("Claire".into()),
            tag: Some("irritant".into()),
            ..NoteFilter::default()
        };
        assert!(filter.matches(&source));
        filter.tag = Some("SPECIFIC:Security".into());
        assert!(!filter.matches(&source));
        let mut secure = source.clone();
        secure.tags.push("SPECIFIC:Sécurité".into());
        assert!(filter.matches(&secure), "a need matches in either language");
        filter.tag = None;
        filter.segment = Some("Artisan".into());
        assert!(!filter.matches(&source));
        assert!(!filter.is_empty());
    }

    #[test]
    fn duplicates_same_or_nearly_the_same() {
        let notes = [
            ("a", "Je veux savoir où en est mon dossier."),
            ("b", "je veux savoir ou en est mon dossier"),
            ("c", "Je veux savoir où en est mon dossier, vite"),
            ("d", "Le devis en ligne, en deux minutes"),
            ("e", "!!!"),
            (
                "f",
                "Le devis en ligne en deux minutes, c'était bluffant, vraiment très rapide",
            ),
        ];
        let groups = duplicates(notes.iter().map(|(id, t)| (*id, *t)));
        assert_eq!(groups, vec![vec!["a".to_owned(), "b".into(), "c".into()]]);
        assert!(duplicates([("x", "one"), ("y", "two")]).is_empty());
    }

    #[test]
    fn a_need_is_tagged_once_in_either_language_and_defined_in_both() {
        let tags = vec!["SPECIFIC:Sécurité".to_owned(), "irritant".to_owned()];
        assert_eq!(
            with_need(&tags, "SPECIFIC:Security", true),
            ["irritant", "SPECIFIC:Security"]
        );
        assert_eq!(with_need(&tags, "SPECIFIC:Security", false), ["irritant"]);
        assert_eq!(
            with_need(&tags, "CIVILE:Consideration", true),
            ["SPECIFIC:Sécurité", "irritant", "CIVILE:Consideration"],
            "the two Considerations differ"
        );
        for typology in TYPOLOGIES {
            assert_eq!(typology.definitions.len(), typology.needs.len());
            for i in 0..typology.needs.len() {
                assert!(!typology.definition_in(i, Lang::Fr).unwrap().is_empty());
                assert_eq!(classify(&typology.tag(i).unwrap()), Some((typology, i)));
            }
        }
        let counts = TagCounts::of(&[
            Source {
                tags: vec!["CIVILE:Limites".into()],
                ..Source::default()
            },
            Source {
                tags: vec!["CIVILE:Limits".into(), "SPECIFIC:Comfort".into()],
                ..Source::default()
            },
        ]);
        let found: Vec<(&str, usize, usize)> = counts
            .found()
            .into_iter()
            .map(|(t, i, n)| (t.name, i, n))
            .collect();
        assert_eq!(found, [("CIVILE", 4, 2), ("SPECIFIC", 7, 1)]);
    }
}
