//! `Rows`: the benchmarks' rows of data, one JSON object a line, which `bench/report` (the one
//! renderer) turns into the Markdown report; the Rust examples of bench/ write their figures
//! through it instead of formatting Markdown themselves.
//!
//! Every row has a `kind` and a `part` (the part of the benchmarks that wrote it: "graph",
//! "app", ...); headings, paragraphs and bullets carry their text, tables their columns and then
//! their rows of typed cells. A cell (or a value of a text) is a string, a number, or a one-unit
//! object made by the constructors here (`s`, `ms`, `mib`, `kib`, `x`, `spread_ms`, `below`), so
//! the renderer formats and judges every figure the same way; a figure that is not a number (a
//! NaN has no JSON form) is written as "-". bench/report's docstring is the reference for the
//! shapes.

use std::fs::{File, OpenOptions};
use std::io::Write;

use serde_json::{json, Map, Value};

/// The writer of one part's rows: to the file named by `BENCH_ROWS` when it is set (appended to,
/// so several parts can share one file), else to stdout. A row that cannot be written panics: a
/// benchmark that cannot write its rows has nothing to report.
pub struct Rows {
    part: String,
    out: Out,
}

enum Out {
    File(File, String),
    Stdout,
}

impl Rows {
    /// A writer of the rows of `part` ("graph", "app", "sbom-view", "app-push", ...).
    pub fn new(part: &str) -> Rows {
        let out = match std::env::var_os("BENCH_ROWS") {
            Some(path) => {
                let file = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .unwrap_or_else(|e| panic!("BENCH_ROWS={}: {e}", path.to_string_lossy()));
                Out::File(file, path.to_string_lossy().into_owned())
            }
            None => Out::Stdout,
        };
        Rows {
            part: part.to_string(),
            out,
        }
    }

    /// A heading of level 3, the level of a part's sections.
    pub fn title(&mut self, text: &str) {
        self.title_level(3, text);
    }

    /// A heading of `level` (2 for a report's top).
    pub fn title_level(&mut self, level: u8, text: &str) {
        self.write("title", [("text", json!(text)), ("level", json!(level))]);
    }

    /// A heading of level 3 whose `{name}` placeholders are filled with `values` (an object of
    /// typed values).
    pub fn title_with(&mut self, text: &str, values: Value) {
        let values = object(values);
        self.write(
            "title",
            [
                ("text", json!(text)),
                ("level", json!(3)),
                ("values", values),
            ],
        );
    }

    /// A paragraph.
    pub fn text(&mut self, text: &str) {
        self.write("text", [("text", json!(text))]);
    }

    /// A paragraph whose `{name}` placeholders are filled with `values` (an object of typed
    /// values); a literal brace in `text` is written twice, as Python's `str.format` wants.
    pub fn text_with(&mut self, text: &str, values: Value) {
        let values = object(values);
        self.write("text", [("text", json!(text)), ("values", values)]);
    }

    /// A bullet.
    pub fn note(&mut self, text: &str) {
        self.write("note", [("text", json!(text))]);
    }

    /// A bullet whose `{name}` placeholders are filled with `values`, as `text_with`.
    pub fn note_with(&mut self, text: &str, values: Value) {
        let values = object(values);
        self.write("note", [("text", json!(text)), ("values", values)]);
    }

    /// The head of a table: its columns; `row` adds its rows.
    pub fn table(&mut self, columns: &[&str]) {
        self.write("table", [("columns", json!(columns))]);
    }

    /// A row of the table opened last: one typed cell per column.
    pub fn row(&mut self, cells: Vec<Value>) {
        self.write("row", [("cells", Value::Array(cells))]);
    }

    /// Ends a table with nothing else after it.
    pub fn rule(&mut self) {
        self.write("rule", []);
    }

    fn write<const N: usize>(&mut self, kind: &str, fields: [(&str, Value); N]) {
        let mut row = Map::new();
        row.insert("kind".into(), json!(kind));
        row.insert("part".into(), json!(self.part));
        for (name, value) in fields {
            row.insert(name.into(), value);
        }
        let mut line = Value::Object(row).to_string();
        line.push('\n');
        // One write per line, so rows appended by several writers never interleave mid-line.
        let written = match &mut self.out {
            Out::File(file, _) => file.write_all(line.as_bytes()),
            Out::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(line.as_bytes()).and_then(|()| out.flush())
            }
        };
        if let Err(e) = written {
            let to = match &self.out {
                Out::File(_, path) => path.as_str(),
                Out::Stdout => "stdout",
            };
            panic!("writing a row of {} to {to}: {e}", self.part);
        }
    }
}

fn object(values: Value) -> Value {
    assert!(values.is_object(), "values are an object, not {values}");
    values
}

/// A figure, or "-" when it is not a number (a NaN has no JSON form).
fn unit(name: &str, value: f64) -> Value {
    if value.is_finite() {
        Value::Object(Map::from_iter([(name.to_string(), json!(value))]))
    } else {
        json!("-")
    }
}

/// A duration in seconds ("1.200 s").
pub fn s(seconds: f64) -> Value {
    unit("s", seconds)
}

/// A duration in milliseconds ("12.3 ms" below 100 ms, "123 ms" above).
pub fn ms(millis: f64) -> Value {
    unit("ms", millis)
}

/// A size in MiB ("3.5 MiB").
pub fn mib(mib: f64) -> Value {
    unit("mib", mib)
}

/// A size in KiB, shown in MiB ("3.5 MiB"): what /proc and `time -v` report.
pub fn kib(kib: u64) -> Value {
    json!({ "kib": kib })
}

/// A ratio ("1.02x").
pub fn x(ratio: f64) -> Value {
    unit("x", ratio)
}

/// Milliseconds over rounds, shown as "median (min-max) ms" ("-" when there are none); values
/// that are not numbers are left out.
pub fn spread_ms(millis: &[f64]) -> Value {
    let v: Vec<f64> = millis.iter().copied().filter(|m| m.is_finite()).collect();
    json!({ "spread_ms": v })
}

/// A target verdict: `value` below `limit`, both in `unit` ("< 1500 ms: met", or "MISSED").
pub fn below(value: f64, limit: f64, unit: &str) -> Value {
    if value.is_finite() {
        json!({ "below": [value, limit, unit] })
    } else {
        json!(format!("< {limit} {unit}: not measured"))
    }
}
