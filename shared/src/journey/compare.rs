//! A current journey map beside its target: what changes from one to the
//! other, stage by stage and lane by lane. Stages and lanes are matched by
//! name (a target map starts as a copy of the current one, then diverges),
//! whatever their case or surrounding spaces.

use super::{Journey, Lane, Stage};

/// One difference between a current map and its target.
#[derive(Debug, PartialEq)]
pub enum Change<'a> {
    /// A stage the target adds (`added`) or drops.
    Stage { name: &'a str, added: bool },
    /// A cell whose text changes (`""`: nothing written).
    Cell {
        stage: &'a str,
        lane: &'a str,
        from: &'a str,
        to: &'a str,
    },
    /// A stage's survey figure, in each map's measure.
    Figure {
        stage: &'a str,
        from: Option<(&'a str, f64)>,
        to: Option<(&'a str, f64)>,
    },
}

fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn stage_named<'a>(map: &'a Journey, name: &str) -> Option<&'a Stage> {
    map.stages.iter().find(|s| same(&s.name, name))
}

fn lane_named<'a>(map: &'a Journey, name: &str) -> Option<&'a Lane> {
    map.lanes
        .iter()
        .find(|l| !l.emotions && same(&l.name, name))
}

/// What changes from `current` to `target`: in the target's order of
/// stages (each stage's cells in its order of lanes, then its figure),
/// then the stages it drops. Lanes of scores (emotions) are drawn, not
/// compared.
pub fn changes<'a>(current: &'a Journey, target: &'a Journey) -> Vec<Change<'a>> {
    let mut out = Vec::new();
    let figure = |map: &'a Journey, stage: &Stage| {
        map.measures
            .get(&stage.id)
            .map(|v| (map.measure.as_str(), *v))
    };
    for stage in &target.stages {
        let Some(before) = stage_named(current, &stage.name) else {
            out.push(Change::Stage {
                name: &stage.name,
                added: true,
            });
            continue;
        };
        let lanes = target.lanes.iter().filter(|l| !l.emotions);
        // Lanes the target dropped: what was in them goes.
        let dropped = current
            .lanes
            .iter()
            .filter(|l| !l.emotions && lane_named(target, &l.name).is_none());
        for lane in lanes {
            let to = target.cell(&lane.id, &stage.id);
            let from = lane_named(current, &lane.name)
                .map(|l| current.cell(&l.id, &before.id))
                .unwrap_or("");
            if from.trim() != to.trim() {
                out.push(Change::Cell {
                    stage: &stage.name,
                    lane: &lane.name,
                    from,
                    to,
                });
            }
        }
        for lane in dropped {
            let from = current.cell(&lane.id, &before.id);
            if !from.trim().is_empty() {
                out.push(Change::Cell {
                    stage: &stage.name,
                    lane: &lane.name,
                    from,
                    to: "",
                });
            }
        }
        let (from, to) = (figure(current, before), figure(target, stage));
        if from != to {
            out.push(Change::Figure {
                stage: &stage.name,
                from,
                to,
            });
        }
    }
    for stage in &current.stages {
        if stage_named(target, &stage.name).is_none() {
            out.push(Change::Stage {
                name: &stage.name,
                added: false,
            });
        }
    }
    out
}

/// A map's cells, each as (lane id, stage id).
pub type Cells = std::collections::HashSet<(String, String)>;

/// The cells that change from `current` to `target`, in each map: a cell
/// whose text differs, and every cell of a stage one map has and the
/// other not (lanes matched by name, as [`changes`] does; lanes of scores
/// are not compared). Drawn highlighted side by side.
pub fn changed_cells(current: &Journey, target: &Journey) -> (Cells, Cells) {
    let (mut before, mut after) = (Cells::new(), Cells::new());
    let text_lanes = |map: &Journey| -> Vec<(String, String)> {
        map.lanes
            .iter()
            .filter(|l| !l.emotions)
            .map(|l| (l.id.clone(), l.name.clone()))
            .collect()
    };
    let whole = |map: &Journey, stage: &Stage, into: &mut Cells| {
        for (lane, _) in text_lanes(map) {
            into.insert((lane, stage.id.clone()));
        }
    };
    for stage in &target.stages {
        let Some(old) = stage_named(current, &stage.name) else {
            whole(target, stage, &mut after);
            continue;
        };
        for (lane, name) in text_lanes(target) {
            let was = lane_named(current, &name);
            let from = was.map_or("", |l| current.cell(&l.id, &old.id));
            if from.trim() != target.cell(&lane, &stage.id).trim() {
                if let Some(l) = was {
                    before.insert((l.id.clone(), old.id.clone()));
                }
                after.insert((lane, stage.id.clone()));
            }
        }
        for (lane, name) in text_lanes(current) {
            if lane_named(target, &name).is_none()
                && !current.cell(&lane, &old.id).trim().is_empty()
            {
                before.insert((lane, old.id.clone()));
            }
        }
    }
    for stage in &current.stages {
        if stage_named(target, &stage.name).is_none() {
            whole(current, stage, &mut before);
        }
    }
    (before, after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    #[test]
    fn what_changes_from_the_current_map_to_the_target() {
        let mut n = 0;
        let mut id = || {
            n += 1;
            format!("i{n}")
        };
        let current = Journey::new(Lang::En, "current", &mut id);
        let mut target = current.clone();
        target.variant = "target".into();
        let (first, second) = (current.stages[0].clone(), current.stages[1].clone());
        let actions = current.lanes[0].clone();
        let mut current = current;
        current.cells.insert(
            super::super::cell_key(&actions.id, &first.id),
            "Calls the hotline".into(),
        );
        target.cells.insert(
            super::super::cell_key(&actions.id, &first.id),
            "Declares in the app".into(),
        );
        // Same text, other spaces: no change.
        current.cells.insert(
            super::super::cell_key(&actions.id, &second.id),
            "Waits".into(),
        );
        target.cells.insert(
            super::super::cell_key(&actions.id, &second.id),
            " Waits ".into(),
        );
        // The target renames a stage (a new one, the old one dropped) and
        // measures the first.
        target.stages[2].name = "Follow-up online".into();
        target.measure = "nps".into();
        target.measures.insert(first.id.clone(), 20.0);
        let changes = changes(&current, &target);
        assert_eq!(
            changes,
            [
                Change::Cell {
                    stage: &first.name,
                    lane: &actions.name,
                    from: "Calls the hotline",
                    to: "Declares in the app",
                },
                Change::Figure {
                    stage: &first.name,
                    from: None,
                    to: Some(("nps", 20.0)),
                },
                Change::Stage {
                    name: "Follow-up online",
                    added: true,
                },
                Change::Stage {
                    name: &current.stages[2].name,
                    added: false,
                },
            ]
        );
        // A map against itself: nothing changes.
        assert!(super::changes(&current, &current).is_empty());

        // The cells drawn highlighted: the rewritten one in both maps, the
        // renamed stage's whole column in each (it is new in one, gone
        // from the other); not the one that differs only by spaces.
        let (before, after) = changed_cells(&current, &target);
        let text_lanes = current.lanes.iter().filter(|l| !l.emotions).count();
        let cell = |stage: &Stage| (actions.id.clone(), stage.id.clone());
        for side in [&before, &after] {
            assert!(side.contains(&cell(&first)));
            assert!(!side.contains(&cell(&second)));
            assert_eq!(side.len(), 1 + text_lanes, "{side:?}");
        }
        assert!(before.contains(&cell(&current.stages[2])));
        assert!(after.contains(&cell(&target.stages[2])));
        let (none, nothing) = changed_cells(&current, &current);
        assert!(none.is_empty() && nothing.is_empty());
    }
}
