//! The sweep CSV: its columns (written by the page's **CSV** export and by the exported Ray Tune
//! script, `export_ray`), and reading one back, checked cell by cell, so that a sweep computed
//! elsewhere can be drawn beside the browser's own.
//!
//! One row per run: `run`, the knob's value, the series knob's value (when the sweep has one),
//! `seed`, `epochs`, `steps`, the final and best figures, `best_epoch`, `fit_epoch`,
//! `early_stopped`, `diverged`, `dataset` (the sweep's dataset, so the reader knows whether the
//! scores are accuracies or R²; a file written before this column existed is read without it).
//! Scores are fractions (accuracy or R²); a missing or non-finite figure is an empty cell;
//! booleans are `true` / `false`.

use super::knobs::{check_value, knob};
use super::{Curve, RunRecord, MAX_RUNS, MAX_VALUES};
use crate::config::{err, ConfigError, Dataset};
use crate::schema::Choices;
use serde::Serialize;
use serde_json::Value;

/// The longest CSV text read back (a sweep of `MAX_RUNS` rows is about 100 KB).
pub const MAX_CSV_BYTES: usize = 2 * 1024 * 1024;

/// The figures' columns, between `steps` and `best_epoch`.
pub const FIGURE_COLUMNS: [&str; 8] = [
    "final_train_loss",
    "final_val_loss",
    "final_train_score",
    "final_val_score",
    "best_train_loss",
    "best_val_loss",
    "best_train_score",
    "best_val_score",
];

/// The stand-ins for the knob's and the series knob's columns in the header the page is handed
/// (`sweep_schema().csv_columns`).
pub const KNOB_COLUMN: &str = "{knob}";
pub const SERIES_COLUMN: &str = "{series}";

/// The header of a sweep over `knob` (and `series`): every column, in order.
pub fn columns(knob: &str, series: Option<&str>) -> Vec<String> {
    let mut c = vec!["run".to_string(), knob.to_string()];
    if let Some(s) = series {
        c.push(s.to_string());
    }
    c.extend(["seed", "epochs", "steps"].map(String::from));
    c.extend(FIGURE_COLUMNS.map(String::from));
    c.extend(["best_epoch", "fit_epoch", "early_stopped", "diverged", "dataset"].map(String::from));
    c
}

/// A sweep read from CSV: its knob and series knob, their values in the order the runs first
/// give them, the seeds per cell (the most runs any cell has), the longest run's epochs, and one
/// record per row (without a curve: the CSV has none).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportedSweep {
    pub knob: String,
    pub series: Option<String>,
    pub values: Vec<Value>,
    pub series_values: Option<Vec<Value>>,
    pub seeds: usize,
    pub epochs: usize,
    /// The dataset every row names (`None` for a file without the `dataset` column).
    pub dataset: Option<Dataset>,
    pub records: Vec<RunRecord>,
}

/// Splits CSV text into rows of cells (RFC 4180: quoted cells may hold commas, quotes doubled,
/// and line breaks; `\r\n` or `\n` ends a row). Blank lines are skipped.
fn rows(text: &str) -> Result<Vec<Vec<String>>, ConfigError> {
    let mut out = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let (mut quoted, mut was_quoted) = (false, false);
    let mut chars = text.chars().peekable();
    let mut line = 1usize;
    let end_row = |row: &mut Vec<String>, cell: &mut String, was_quoted: &mut bool, out: &mut Vec<Vec<String>>| {
        row.push(std::mem::take(cell));
        let blank = row.len() == 1 && row[0].is_empty() && !*was_quoted;
        if !blank {
            out.push(std::mem::take(row));
        }
        row.clear();
        *was_quoted = false;
    };
    while let Some(ch) = chars.next() {
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    cell.push(ch);
                }
                _ => cell.push(ch),
            }
            continue;
        }
        match ch {
            '"' if cell.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            '"' => return Err(err("csv", format!("line {line}: a quote inside an unquoted cell"))),
            ',' => {
                row.push(std::mem::take(&mut cell));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                end_row(&mut row, &mut cell, &mut was_quoted, &mut out);
                line += 1;
            }
            _ => cell.push(ch),
        }
    }
    if quoted {
        return Err(err("csv", format!("line {line}: a quoted cell is not closed")));
    }
    end_row(&mut row, &mut cell, &mut was_quoted, &mut out);
    Ok(out)
}

/// A cell as a knob value: a number where it reads as one, else the text (a choice's name).
fn knob_value(cell: &str) -> Value {
    match cell.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => serde_json::Number::from_f64(x).map_or(Value::Null, |n| {
            // Whole numbers as integers, as the spec lists an integer knob's values.
            if x.fract() == 0.0 && x.abs() < 9.0e15 { Value::from(x as i64) } else { Value::Number(n) }
        }),
        _ => Value::String(cell.trim().to_string()),
    }
}

/// Reads a sweep CSV (the page's export or the Ray script's), checking every cell: the header
/// must be the columns of a known knob (and series knob), every knob value must be one the knob
/// allows, counts must be whole numbers, figures numbers or empty, flags `true` or `false`, and
/// no run may appear twice. Errors name the column (or `csv` for the file as a whole) and the row.
pub fn read_csv(text: &str) -> Result<ImportedSweep, ConfigError> {
    if text.len() > MAX_CSV_BYTES {
        return Err(err("csv", format!("the file has {} bytes; at most {MAX_CSV_BYTES}", text.len())));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rows = rows(text)?;
    let Some((header, body)) = rows.split_first() else {
        return Err(err("csv", "the file is empty: expected a header row and one row per run".into()));
    };
    if header.len() < 2 || header[0] != "run" {
        return Err(err("csv", "the header must start with run and the knob's name, as the page's CSV export writes it".into()));
    }
    let knob_name = header[1].trim().to_string();
    let k = knob(&knob_name).ok_or_else(|| err("csv", format!("column 2 must name a sweep knob, got \"{knob_name}\"")))?;
    let series_name = match header.get(2).map(|s| s.trim()) {
        Some(s) if s != "seed" => Some(s.to_string()),
        _ => None,
    };
    let sk = match &series_name {
        Some(s) => {
            let sk = knob(s).ok_or_else(|| err("csv", format!("column 3 must be seed or name a series knob, got \"{s}\"")))?;
            if sk.name == k.name {
                return Err(err("csv", format!("the series knob must differ from the swept knob {}", k.name)));
            }
            Some(sk)
        }
        None => None,
    };
    let mut expected = columns(&knob_name, series_name.as_deref());
    let got: Vec<&str> = header.iter().map(|s| s.trim()).collect();
    // A file written before the dataset column existed ends at `diverged`.
    let has_dataset = got.len() == expected.len();
    if !has_dataset {
        expected.pop();
    }
    if got != expected.iter().map(String::as_str).collect::<Vec<_>>() {
        return Err(err("csv", format!("the header must be {}", columns(&knob_name, series_name.as_deref()).join(","))));
    }
    let mut first_dataset: Option<Option<Dataset>> = None;
    if body.is_empty() {
        return Err(err("csv", "the file has a header but no runs".into()));
    }
    if body.len() > MAX_RUNS {
        return Err(err("csv", format!("the file has {} runs; at most {MAX_RUNS}", body.len())));
    }
    let mut records: Vec<RunRecord> = Vec::with_capacity(body.len());
    for (i, row) in body.iter().enumerate() {
        // Rows are counted as a spreadsheet shows them: the header is row 1.
        let at = i + 2;
        if row.len() != expected.len() {
            return Err(err("csv", format!("row {at} has {} cells; the header has {}", row.len(), expected.len())));
        }
        let cell = |name: &str| -> &str { row[expected.iter().position(|c| c == name).expect("a column")].trim() };
        let whole = |name: &str| -> Result<u64, ConfigError> {
            cell(name).parse::<u64>().map_err(|_| err(name, format!("row {at}: must be a whole number, got \"{}\"", cell(name))))
        };
        let figure = |name: &str| -> Result<f32, ConfigError> {
            let c = cell(name);
            if c.is_empty() || c.eq_ignore_ascii_case("nan") {
                return Ok(f32::NAN);
            }
            match c.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(x as f32),
                _ => Err(err(name, format!("row {at}: must be a number or empty, got \"{c}\""))),
            }
        };
        let flag = |name: &str| -> Result<bool, ConfigError> {
            match cell(name).to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                other => Err(err(name, format!("row {at}: must be true or false, got \"{other}\""))),
            }
        };
        let value = check_value(&k, &knob_value(cell(&knob_name))).map_err(|m| err(&knob_name, format!("row {at}: {m}, got \"{}\"", cell(&knob_name))))?;
        let series = match (&sk, &series_name) {
            (Some(sk), Some(name)) => Some(check_value(sk, &knob_value(cell(name))).map_err(|m| err(name, format!("row {at}: {m}, got \"{}\"", cell(name))))?),
            _ => None,
        };
        if has_dataset {
            // Empty when the writer did not know it (a sweep imported from an older file and
            // exported again); otherwise one dataset, the same on every row.
            let name = cell("dataset");
            let d = if name.is_empty() {
                None
            } else {
                Some(serde_json::from_value::<Dataset>(Value::String(name.to_string()))
                    .map_err(|_| err("dataset", format!("row {at}: must be one of {}, got \"{name}\"", Dataset::names().join(", "))))?)
            };
            match &first_dataset {
                Some(first) if *first != d => {
                    let said = first.map_or("no dataset".to_string(), cell_name);
                    return Err(err("dataset", format!("row {at}: every run of a sweep has the same dataset; row 2 has {said}")));
                }
                _ => first_dataset = Some(d),
            }
        }
        let run = whole("run")? as usize;
        if records.iter().any(|r| r.run == run) {
            return Err(err("run", format!("row {at}: run {run} appears twice")));
        }
        let seed = u32::try_from(whole("seed")?).map_err(|_| err("seed", format!("row {at}: must be at most {}", u32::MAX)))?;
        let epochs = whole("epochs")? as usize;
        let best_epoch = whole("best_epoch")? as usize;
        let fit_epoch = if cell("fit_epoch").is_empty() { None } else { Some(whole("fit_epoch")? as usize) };
        for (name, e) in [("best_epoch", best_epoch), ("fit_epoch", fit_epoch.unwrap_or(0))] {
            if e > epochs {
                return Err(err(name, format!("row {at}: {e} is after the run's last epoch {epochs}")));
            }
        }
        records.push(RunRecord {
            run,
            value,
            series,
            seed,
            epochs,
            steps: whole("steps")?,
            final_train_loss: figure("final_train_loss")?,
            final_val_loss: figure("final_val_loss")?,
            final_train_score: figure("final_train_score")?,
            final_val_score: figure("final_val_score")?,
            best_epoch,
            best_train_loss: figure("best_train_loss")?,
            best_val_loss: figure("best_val_loss")?,
            best_train_score: figure("best_train_score")?,
            best_val_score: figure("best_val_score")?,
            early_stopped: flag("early_stopped")?,
            diverged: flag("diverged")?,
            fit_epoch,
            curve: Curve::default(),
        });
    }
    records.sort_by_key(|r| r.run);
    // The values in the order the runs give them (series outer, value, seed inner, as a sweep runs).
    let mut values: Vec<Value> = Vec::new();
    let mut series_values: Vec<Value> = Vec::new();
    for r in &records {
        if !values.contains(&r.value) {
            values.push(r.value.clone());
        }
        if let Some(s) = &r.series {
            if !series_values.contains(s) {
                series_values.push(s.clone());
            }
        }
    }
    for (name, n) in [(knob_name.as_str(), values.len()), (series_name.as_deref().unwrap_or("series"), series_values.len())] {
        if n > MAX_VALUES {
            return Err(err(name, format!("the file has {n} values of {name}; at most {MAX_VALUES}")));
        }
    }
    let mut seeds = 0;
    for v in &values {
        for s in series_values.iter().map(Some).chain(series_values.is_empty().then_some(None)) {
            let n = records.iter().filter(|r| &r.value == v && r.series.as_ref() == s).count();
            seeds = seeds.max(n);
        }
    }
    let epochs = records.iter().map(|r| r.epochs).max().unwrap_or(0);
    Ok(ImportedSweep {
        knob: knob_name,
        series_values: series_name.as_ref().map(|_| series_values),
        series: series_name,
        values,
        seeds,
        epochs,
        dataset: first_dataset.flatten(),
        records,
    })
}

/// A dataset's name as the config writes it.
fn cell_name(d: Dataset) -> String {
    match serde_json::to_value(d) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The rows of `records` of a sweep on `dataset` as CSV under `columns(knob, series)`, as the
/// page's export writes them (used by the tests to check that the two writers and the reader agree).
pub fn write_csv(knob: &str, series: Option<&str>, dataset: Dataset, records: &[RunRecord]) -> String {
    fn num(x: f32) -> String {
        if x.is_finite() { format!("{x}") } else { String::new() }
    }
    fn val(v: &Value) -> String {
        match v {
            Value::String(s) if s.contains([',', '"', '\n']) => format!("\"{}\"", s.replace('"', "\"\"")),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
    let mut out = columns(knob, series).join(",");
    out.push('\n');
    let mut sorted: Vec<&RunRecord> = records.iter().collect();
    sorted.sort_by_key(|r| r.run);
    for r in sorted {
        let mut cells = vec![r.run.to_string(), val(&r.value)];
        if series.is_some() {
            cells.push(r.series.as_ref().map_or(String::new(), val));
        }
        cells.extend([r.seed.to_string(), r.epochs.to_string(), r.steps.to_string()]);
        let figures = [
            r.final_train_loss,
            r.final_val_loss,
            r.final_train_score,
            r.final_val_score,
            r.best_train_loss,
            r.best_val_loss,
            r.best_train_score,
            r.best_val_score,
        ];
        cells.extend(figures.iter().map(|&x| num(x)));
        cells.extend([r.best_epoch.to_string(), r.fit_epoch.map_or(String::new(), |e| e.to_string()), r.early_stopped.to_string(), r.diverged.to_string(), cell_name(dataset)]);
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(run: usize, value: Value, seed: u32) -> RunRecord {
        RunRecord {
            run,
            value,
            series: None,
            seed,
            epochs: 10,
            steps: 120,
            final_train_loss: 0.25,
            final_val_loss: 0.5,
            final_train_score: 1.0,
            final_val_score: 0.875,
            best_epoch: 7,
            best_train_loss: 0.3,
            best_val_loss: 0.45,
            best_train_score: 0.9375,
            best_val_score: f32::NAN,
            early_stopped: false,
            diverged: false,
            fit_epoch: Some(6),
            curve: Curve::default(),
        }
    }

    #[test]
    fn what_write_csv_writes_reads_back_the_same() {
        let records = vec![record(0, json!(8), 1), record(1, json!(8), 2), record(2, json!(0.001), 1), record(3, json!(0.001), 2)];
        let text = write_csv("l2", None, Dataset::Spiral, &records);
        let back = read_csv(&text).unwrap();
        assert_eq!(back.knob, "l2");
        // A real knob's values come back as the knob checks them (8 as 8.0).
        assert_eq!(back.values.iter().map(|v| v.as_f64().unwrap()).collect::<Vec<_>>(), vec![8.0, 0.001]);
        assert_eq!((back.seeds, back.epochs), (2, 10));
        assert_eq!(back.records.len(), 4);
        assert!(back.records[0].best_val_score.is_nan());
        assert_eq!(back.records[3].final_val_score, 0.875);
        assert_eq!(back.records[2].fit_epoch, Some(6));
        assert_eq!(back.dataset, Some(Dataset::Spiral));
        let sine = read_csv(&write_csv("l2", None, Dataset::Sine, &records)).unwrap();
        assert_eq!(sine.dataset, Some(Dataset::Sine), "a regression sweep says so");
    }

    #[test]
    fn the_dataset_column_is_one_known_dataset_or_absent() {
        let records = vec![record(0, json!(8), 1), record(1, json!(8), 2)];
        let good = write_csv("width", None, Dataset::Digits, &records);
        assert!(good.lines().next().unwrap().ends_with(",diverged,dataset"));
        let e = read_csv(&good.replacen(",digits\n", ",pictures\n", 1)).unwrap_err();
        assert_eq!(e.field, "dataset");
        assert!(e.message.contains("row 2") && e.message.contains("spiral"), "{}", e.message);
        let mixed: String = good.lines().enumerate().map(|(i, l)| if i == 2 { l.replace(",digits", ",xor") } else { l.to_string() } + "\n").collect();
        let e = read_csv(&mixed).unwrap_err();
        assert_eq!(e.field, "dataset");
        assert!(e.message.contains("row 3") && e.message.contains("digits"), "{}", e.message);
        // An empty cell is a dataset the writer did not know.
        let unknown = good.replace(",digits\n", ",\n");
        assert_eq!(read_csv(&unknown).unwrap().dataset, None);
        // A file written before the column existed is read, without a dataset.
        let old: String = good.lines().map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n").collect();
        let back = read_csv(&old).unwrap();
        assert_eq!((back.dataset, back.records.len()), (None, 2));
    }

    #[test]
    fn a_series_column_and_quoted_cells_are_read() {
        let text = "run,width,norm,seed,epochs,steps,final_train_loss,final_val_loss,final_train_score,final_val_score,best_train_loss,best_val_loss,best_train_score,best_val_score,best_epoch,fit_epoch,early_stopped,diverged\r\n\
                    0,16,\"batch\",1,5,50,1,1,0.5,0.5,1,1,0.5,0.5,5,,false,false\r\n\
                    1,16,group,1,5,50,1,1,0.5,0.5,1,1,0.5,0.5,5,,FALSE,true\r\n";
        let s = read_csv(text).unwrap();
        assert_eq!(s.series.as_deref(), Some("norm"));
        assert_eq!(s.series_values, Some(vec![json!("batch"), json!("group")]));
        assert!(s.records[1].diverged);
        assert_eq!(s.records[0].fit_epoch, None);
    }

    #[test]
    fn bad_files_are_refused_naming_the_column_and_row() {
        let good = write_csv("width", None, Dataset::Spiral, &[record(0, json!(8), 1)]);
        let bad = |from: &str, to: &str| read_csv(&good.replacen(from, to, 1)).unwrap_err();
        assert_eq!(read_csv("").unwrap_err().field, "csv");
        assert!(read_csv(&good.replace("width", "colour")).unwrap_err().message.contains("knob"));
        let e = bad("\n0,8,", "\n0,x,");
        assert_eq!(e.field, "width");
        assert!(e.message.contains("row 2"), "{}", e.message);
        let e = bad(",0.875,", ",lots,");
        assert_eq!(e.field, "final_val_score");
        let e = bad(",false,false", ",no,false");
        assert_eq!(e.field, "early_stopped");
        let e = bad("\n0,8,", "\n0,100000,");
        assert!(e.message.contains("from 1 to"), "{}", e.message);
        let twice = format!("{good}{}", good.lines().nth(1).unwrap());
        assert_eq!(read_csv(&twice).unwrap_err().field, "run");
        assert_eq!(read_csv(&"x".repeat(MAX_CSV_BYTES + 1)).unwrap_err().field, "csv");
        let short = good.replace(",false,false", ",false");
        assert!(read_csv(&short).unwrap_err().message.contains("cells"));
        let many: Vec<RunRecord> = (0..=MAX_RUNS).map(|i| record(i, json!(8), i as u32)).collect();
        assert!(read_csv(&write_csv("width", None, Dataset::Spiral, &many)).unwrap_err().message.contains("runs"));
        assert!(read_csv("run,width,seed\n\"0,8,1").unwrap_err().message.contains("not closed"));
    }
}
