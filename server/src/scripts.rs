//! The workshop scripts a facilitator can run: the shipped co-construction
//! script, and the `*.json` files of `--scripts-dir` (editable data; one
//! with the same `id` replaces the shipped one).

use std::path::Path;
use std::sync::OnceLock;

use atelier_shared::script::{CO_CONSTRUCTION, Script};
use tracing::{info, warn};

/// The scripts of an instance. The files of `--scripts-dir` are read at
/// start-up, so a bad one is reported at once; the shipped script is parsed
/// on first use, so an idle server does not page in the JSON reader.
pub(crate) struct Scripts {
    /// The directory's scripts, in file-name order.
    custom: Vec<Script>,
    all: OnceLock<Vec<Script>>,
}

impl Scripts {
    /// Reads `dir`'s scripts; a file that does not read is skipped with a
    /// warning that says why.
    pub(crate) fn load(dir: Option<&Path>) -> Scripts {
        Scripts {
            custom: dir.map(read_dir).unwrap_or_default(),
            all: OnceLock::new(),
        }
    }

    /// Every script, the shipped one first unless a file replaces it.
    pub(crate) fn all(&self) -> &[Script] {
        self.all.get_or_init(|| {
            let shipped = Script::parse(CO_CONSTRUCTION).expect("the shipped script reads");
            let mut scripts = vec![shipped];
            for script in &self.custom {
                scripts.retain(|s| s.id != script.id);
                scripts.push(script.clone());
            }
            scripts
        })
    }
}

fn read_dir(dir: &Path) -> Vec<Script> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            warn!(dir = %dir.display(), %err, "cannot read the scripts directory");
            return Vec::new();
        }
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut scripts = Vec::new();
    for path in paths {
        let read = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|json| Script::parse(&json).map_err(|e| e.to_string()));
        match read {
            Ok(script) => {
                info!(path = %path.display(), id = %script.id, "workshop script");
                scripts.push(script);
            }
            Err(err) => warn!(path = %path.display(), %err, "skipping a workshop script"),
        }
    }
    scripts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_from_a_directory_add_to_or_replace_the_shipped_one() {
        let dir = std::env::temp_dir().join(format!("atelier-scripts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let one = r#"{"id":"retro","title":{"en":"Retro"},"phases":[{"name":{"en":"Went well"},"minutes":5}]}"#;
        let replace =
            r#"{"id":"co-construction","title":{"en":"Ours"},"phases":[{"name":{"en":"Only"}}]}"#;
        std::fs::write(dir.as_path().join("a.json"), one).unwrap();
        std::fs::write(dir.as_path().join("b.json"), replace).unwrap();
        std::fs::write(dir.as_path().join("c.json"), "not json").unwrap();
        std::fs::write(dir.as_path().join("notes.txt"), "ignored").unwrap();
        let scripts = Scripts::load(Some(dir.as_path()));
        let scripts = scripts.all();
        let ids: Vec<&str> = scripts.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["retro", "co-construction"]);
        assert_eq!(scripts[1].title.en, "Ours");
        assert_eq!(Scripts::load(None).all().len(), 1);
        let missing = Scripts::load(Some(&dir.as_path().join("missing")));
        assert_eq!(missing.all().len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
