//! Survey figures per stage, imported (a CSV the survey tool exports):
//! a column naming the stage (`stage`, `étape`, `phase`) and a column of
//! NPS or CES (its header says which). A stage with one row takes its
//! figure as given; a stage with several rows is a set of answers: NPS
//! from ratings 0 to 10 (the share of promoters, 9-10, less the share of
//! detractors, 0-6), CES as their mean (1 to 7). Stages are matched to a
//! map's by name, whatever the case and the spaces around.

use std::collections::BTreeMap;

use super::{Journey, MEASURES, parse_figure};
use crate::import::Table;

/// What a survey table gives: its measure (`nps`, `ces`) and, per stage
/// in the table's order, (name, figure, answers behind it).
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    pub measure: &'static str,
    pub stages: Vec<(String, f64, usize)>,
}

/// Headers that name the stage.
const STAGE: [&str; 4] = ["stage", "étape", "etape", "phase"];

/// The survey figures `table` holds; `None` when it is not a survey
/// table (no stage column, or no NPS or CES column: notes, then), an
/// error naming the row when a value does not read or is out of range.
pub fn figures(table: &Table) -> Option<Result<Figures, String>> {
    let header = |i: usize| table.headers[i].trim().to_lowercase();
    let stage = (0..table.headers.len()).find(|&i| STAGE.contains(&header(i).as_str()))?;
    let (column, measure) = (0..table.headers.len()).find_map(|i| {
        let h = header(i);
        MEASURES
            .iter()
            .find(|(key, ..)| h.split(|c: char| !c.is_alphanumeric()).any(|w| w == *key))
            .map(|(key, ..)| (i, *key))
    })?;
    Some(read(table, stage, column, measure))
}

fn read(
    table: &Table,
    stage: usize,
    column: usize,
    measure: &'static str,
) -> Result<Figures, String> {
    let (_, _, low, high) = MEASURES
        .iter()
        .find(|(k, ..)| *k == measure)
        .copied()
        .unwrap_or(MEASURES[0]);
    let mut order: Vec<String> = Vec::new();
    let mut values: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (n, row) in table.rows.iter().enumerate() {
        let name = row.get(stage).map_or("", |s| s.trim());
        let cell = row.get(column).map_or("", |s| s.trim());
        if name.is_empty() && cell.is_empty() {
            continue;
        }
        let line = n + 2;
        let value =
            parse_figure(cell).ok_or_else(|| format!("line {line}: “{cell}” is not a figure"))?;
        if name.is_empty() {
            return Err(format!("line {line}: no stage"));
        }
        let key = name.to_lowercase();
        if !values.contains_key(&key) {
            order.push(name.to_owned());
        }
        values.entry(key).or_default().push(value);
    }
    let mut stages = Vec::new();
    for name in order {
        let answers = &values[&name.to_lowercase()];
        let figure = match answers[..] {
            [one] => one,
            _ if measure == "nps" => {
                if answers.iter().any(|a| !(0.0..=10.0).contains(a)) {
                    return Err(format!("{name}: NPS answers are ratings from 0 to 10"));
                }
                let share = |f: &dyn Fn(f64) -> bool| {
                    answers.iter().filter(|a| f(**a)).count() as f64 * 100.0 / answers.len() as f64
                };
                (share(&|a| a >= 9.0) - share(&|a| a <= 6.0)).round()
            }
            _ => (answers.iter().sum::<f64>() / answers.len() as f64 * 10.0).round() / 10.0,
        };
        if !(low..=high).contains(&figure) {
            return Err(format!("{name}: {figure} is outside {low} to {high}"));
        }
        stages.push((name, figure, answers.len()));
    }
    if stages.is_empty() {
        return Err("no figures in the table".into());
    }
    Ok(Figures { measure, stages })
}

impl Figures {
    /// Each figure for the stage of `map` it names: (stage id, figure),
    /// and the names no stage of the map has.
    pub fn matched(&self, map: &Journey) -> (Vec<(String, f64)>, Vec<String>) {
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for (name, figure, _) in &self.stages {
            let key = name.trim().to_lowercase();
            match map
                .stages
                .iter()
                .find(|s| s.name.trim().to_lowercase() == key)
            {
                Some(stage) => found.push((stage.id.clone(), *figure)),
                None => missing.push(name.clone()),
            }
        }
        (found, missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    fn table(headers: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn figures_as_given_or_computed_from_the_answers() {
        // One figure a stage, as a survey tool sums them up.
        let given = table(
            &["Étape", "NPS"],
            &[
                &["Déclaration", "-24"],
                &["Indemnisation", "+12"],
                &["", ""],
            ],
        );
        assert_eq!(
            figures(&given),
            Some(Ok(Figures {
                measure: "nps",
                stages: vec![
                    ("Déclaration".into(), -24.0, 1),
                    ("Indemnisation".into(), 12.0, 1)
                ],
            }))
        );
        // Answers: ratings 0-10 (2 promoters, 1 passive, 2 detractors of
        // 5: NPS 0) and CES answers averaged.
        let answers = table(
            &["respondent", "stage", "nps rating"],
            &[
                &["r1", "Claim", "10"],
                &["r2", "claim ", "9"],
                &["r3", "Claim", "7"],
                &["r4", "Claim", "3"],
                &["r5", "Claim", "6"],
                &["r1", "Repair", "10"],
            ],
        );
        let read = figures(&answers).unwrap().unwrap();
        assert_eq!(
            read.stages,
            [("Claim".into(), 0.0, 5), ("Repair".into(), 10.0, 1)]
        );
        let ces = table(
            &["Stage", "CES"],
            &[&["Claim", "2"], &["Claim", "3,5"], &["Claim", "4"]],
        );
        assert_eq!(
            figures(&ces).unwrap().unwrap().stages,
            [("Claim".into(), 3.2, 3)]
        );

        // Notes are not a survey; bad figures are said, with their line.
        assert_eq!(figures(&table(&["interviewee", "verbatim"], &[])), None);
        assert_eq!(figures(&table(&["stage", "comment"], &[])), None);
        let bad = table(&["stage", "nps"], &[&["Claim", "lots"]]);
        assert_eq!(
            figures(&bad),
            Some(Err("line 2: “lots” is not a figure".into()))
        );
        let out = table(&["stage", "nps"], &[&["Claim", "140"]]);
        assert!(figures(&out).unwrap().unwrap_err().contains("outside"));
        let rating = table(&["stage", "nps"], &[&["Claim", "12"], &["Claim", "3"]]);
        assert!(figures(&rating).unwrap().unwrap_err().contains("0 to 10"));

        // Matched to a map's stages by name.
        let mut n = 0;
        let map = Journey::new(Lang::En, "current", &mut || {
            n += 1;
            format!("i{n}")
        });
        let first = map.stages[0].clone();
        let survey = Figures {
            measure: "nps",
            stages: vec![
                (format!(" {} ", first.name.to_uppercase()), 30.0, 1),
                ("Elsewhere".into(), 5.0, 1),
            ],
        };
        assert_eq!(
            survey.matched(&map),
            (vec![(first.id, 30.0)], vec!["Elsewhere".to_owned()])
        );
    }
}
