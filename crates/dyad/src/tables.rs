//! GDELT's three tables as files: tab-separated (`events.tsv`, GDELT's own format) and Parquet
//! (`events.parquet`, one file per table, typed as GDELT's BigQuery schema: INTEGER → Int64,
//! FLOAT → Float64, STRING → Utf8; an empty field is null). [`crate::gdelt`] makes the rows;
//! a [`TableWriter`] writes each row to the formats asked for.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context as _};
use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

/// A column's type in GDELT's BigQuery schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// INTEGER.
    Int,
    /// FLOAT.
    Float,
    /// STRING.
    Str,
}

/// One of GDELT's tables: its file stem and its columns, in GDELT's order, as `NAME:I|F|S`.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// File stem: `events`, `mentions`, `gkg`.
    pub name: &'static str,
    spec: &'static str,
}

/// GDELT 2.0 Events, 61 columns.
pub const EVENTS: Table = Table {
    name: "events",
    spec: "GLOBALEVENTID:I SQLDATE:I MonthYear:I Year:I FractionDate:F \
        Actor1Code:S Actor1Name:S Actor1CountryCode:S Actor1KnownGroupCode:S Actor1EthnicCode:S \
        Actor1Religion1Code:S Actor1Religion2Code:S Actor1Type1Code:S Actor1Type2Code:S \
        Actor1Type3Code:S \
        Actor2Code:S Actor2Name:S Actor2CountryCode:S Actor2KnownGroupCode:S Actor2EthnicCode:S \
        Actor2Religion1Code:S Actor2Religion2Code:S Actor2Type1Code:S Actor2Type2Code:S \
        Actor2Type3Code:S \
        IsRootEvent:I EventCode:S EventBaseCode:S EventRootCode:S QuadClass:I GoldsteinScale:F \
        NumMentions:I NumSources:I NumArticles:I AvgTone:F \
        Actor1Geo_Type:I Actor1Geo_FullName:S Actor1Geo_CountryCode:S Actor1Geo_ADM1Code:S \
        Actor1Geo_ADM2Code:S Actor1Geo_Lat:F Actor1Geo_Long:F Actor1Geo_FeatureID:S \
        Actor2Geo_Type:I Actor2Geo_FullName:S Actor2Geo_CountryCode:S Actor2Geo_ADM1Code:S \
        Actor2Geo_ADM2Code:S Actor2Geo_Lat:F Actor2Geo_Long:F Actor2Geo_FeatureID:S \
        ActionGeo_Type:I ActionGeo_FullName:S ActionGeo_CountryCode:S ActionGeo_ADM1Code:S \
        ActionGeo_ADM2Code:S ActionGeo_Lat:F ActionGeo_Long:F ActionGeo_FeatureID:S \
        DATEADDED:I SOURCEURL:S",
};

/// GDELT 2.0 Mentions, 16 columns.
pub const MENTIONS: Table = Table {
    name: "mentions",
    spec: "GLOBALEVENTID:I EventTimeDate:I MentionTimeDate:I MentionType:I MentionSourceName:S \
        MentionIdentifier:S SentenceID:I Actor1CharOffset:I Actor2CharOffset:I \
        ActionCharOffset:I InRawText:I Confidence:I MentionDocLen:I MentionDocTone:F \
        MentionDocTranslationInfo:S Extras:S",
};

/// GDELT GKG 2.1, 27 columns.
pub const GKG: Table = Table {
    name: "gkg",
    spec: "GKGRECORDID:S DATE:I SourceCollectionIdentifier:I SourceCommonName:S \
        DocumentIdentifier:S Counts:S V2Counts:S Themes:S V2Themes:S Locations:S V2Locations:S \
        Persons:S V2Persons:S Organizations:S V2Organizations:S V2Tone:S Dates:S GCAM:S \
        SharingImage:S RelatedImages:S SocialImageEmbeds:S SocialVideoEmbeds:S Quotations:S \
        AllNames:S Amounts:S TranslationInfo:S Extras:S",
};

impl Table {
    /// The columns: name and type.
    pub fn columns(&self) -> impl Iterator<Item = (&'static str, Kind)> {
        self.spec.split_whitespace().map(|c| {
            let (name, kind) = c.split_once(':').expect("NAME:KIND");
            let kind = match kind {
                "I" => Kind::Int,
                "F" => Kind::Float,
                _ => Kind::Str,
            };
            (name, kind)
        })
    }

    /// The Arrow schema of the table's Parquet file; every column is nullable.
    pub fn schema(&self) -> SchemaRef {
        let fields: Vec<Field> = self
            .columns()
            .map(|(name, kind)| {
                let t = match kind {
                    Kind::Int => DataType::Int64,
                    Kind::Float => DataType::Float64,
                    Kind::Str => DataType::Utf8,
                };
                Field::new(name, t, true)
            })
            .collect();
        Arc::new(Schema::new(fields))
    }
}

/// One column of a table as an Arrow array of its kind, from fields in GDELT's format: an
/// empty field is null. The error is the first field that is not a number of the kind.
pub fn column_array(kind: Kind, cells: &[String]) -> Result<ArrayRef, String> {
    Ok(match kind {
        Kind::Int => Arc::new(
            cells
                .iter()
                .map(|s| (!s.is_empty()).then(|| s.parse::<i64>().map_err(|_| s.clone())))
                .map(Option::transpose)
                .collect::<Result<Int64Array, String>>()?,
        ),
        Kind::Float => Arc::new(
            cells
                .iter()
                .map(|s| (!s.is_empty()).then(|| s.parse::<f64>().map_err(|_| s.clone())))
                .map(Option::transpose)
                .collect::<Result<Float64Array, String>>()?,
        ),
        Kind::Str => Arc::new(
            cells
                .iter()
                .map(|s| (!s.is_empty()).then_some(s.as_str()))
                .collect::<StringArray>(),
        ),
    })
}

/// Which files [`TableWriter`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// `NAME.tsv`, GDELT's tab-separated format.
    pub tsv: bool,
    /// `NAME.parquet`.
    pub parquet: bool,
}

/// Rows buffered per Parquet record batch.
const BATCH_ROWS: usize = 8192;

struct ParquetOut {
    path: PathBuf,
    writer: ArrowWriter<File>,
    schema: SchemaRef,
    kinds: Vec<Kind>,
    /// The buffered rows, column by column.
    columns: Vec<Vec<String>>,
}

impl ParquetOut {
    fn flush(&mut self) -> anyhow::Result<()> {
        if self.columns.first().is_none_or(Vec::is_empty) {
            return Ok(());
        }
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.columns.len());
        for ((column, &kind), field) in self
            .columns
            .iter_mut()
            .zip(&self.kinds)
            .zip(self.schema.fields())
        {
            let cells = std::mem::take(column);
            let array = column_array(kind, &cells).map_err(|s| {
                anyhow::anyhow!(
                    "{}: column {} holds {s:?}, not a number",
                    self.path.display(),
                    field.name()
                )
            })?;
            arrays.push(array);
        }
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)?;
        self.writer
            .write(&batch)
            .with_context(|| format!("writing {}", self.path.display()))
    }
}

/// Writes one table's rows as TSV, Parquet or both.
pub struct TableWriter {
    table: Table,
    width: usize,
    tsv: Option<(PathBuf, BufWriter<File>)>,
    parquet: Option<ParquetOut>,
    rows: usize,
}

impl std::fmt::Debug for TableWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableWriter")
            .field("table", &self.table.name)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl TableWriter {
    /// Creates `dir/NAME.tsv` and/or `dir/NAME.parquet`.
    pub fn create(dir: &Path, table: Table, formats: Formats) -> anyhow::Result<Self> {
        let create = |ext: &str| -> anyhow::Result<(PathBuf, File)> {
            let path = dir.join(format!("{}.{ext}", table.name));
            let file =
                File::create(&path).with_context(|| format!("creating {}", path.display()))?;
            Ok((path, file))
        };
        let tsv = if formats.tsv {
            let (path, file) = create("tsv")?;
            Some((path, BufWriter::new(file)))
        } else {
            None
        };
        let width = table.columns().count();
        let parquet = if formats.parquet {
            let (path, file) = create("parquet")?;
            let schema = table.schema();
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_created_by(format!("dyad {}", env!("CARGO_PKG_VERSION")))
                .build();
            let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))
                .with_context(|| format!("creating {}", path.display()))?;
            Some(ParquetOut {
                path,
                writer,
                schema,
                kinds: table.columns().map(|(_, k)| k).collect(),
                columns: vec![Vec::new(); width],
            })
        } else {
            None
        };
        Ok(TableWriter {
            table,
            width,
            tsv,
            parquet,
            rows: 0,
        })
    }

    /// Writes one row of the table's width, its fields already in GDELT's format (no tab or
    /// newline inside).
    pub fn row(&mut self, row: Vec<String>) -> anyhow::Result<()> {
        if row.len() != self.width {
            bail!(
                "{}: a row of {} fields, not {}",
                self.table.name,
                row.len(),
                self.width
            );
        }
        if let Some((path, w)) = &mut self.tsv {
            let mut first = true;
            for field in &row {
                if !first {
                    w.write_all(b"\t")?;
                }
                first = false;
                w.write_all(field.as_bytes())?;
            }
            w.write_all(b"\n")
                .with_context(|| format!("writing {}", path.display()))?;
        }
        if let Some(p) = &mut self.parquet {
            for (column, field) in p.columns.iter_mut().zip(row) {
                column.push(field);
            }
            if p.columns[0].len() >= BATCH_ROWS {
                p.flush()?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Flushes and closes the files; returns the number of rows.
    pub fn finish(self) -> anyhow::Result<usize> {
        if let Some((path, mut w)) = self.tsv {
            w.flush()
                .with_context(|| format!("writing {}", path.display()))?;
        }
        if let Some(mut p) = self.parquet {
            p.flush()?;
            p.writer
                .close()
                .with_context(|| format!("closing {}", p.path.display()))?;
        }
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_gdelt_widths() {
        assert_eq!(EVENTS.columns().count(), 61);
        assert_eq!(MENTIONS.columns().count(), 16);
        assert_eq!(GKG.columns().count(), 27);
        assert_eq!(
            EVENTS.columns().nth(30),
            Some(("GoldsteinScale", Kind::Float))
        );
    }

    #[test]
    fn parquet_reads_back_typed_with_nulls() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let dir = std::env::temp_dir().join(format!("dyad-tables-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let formats = Formats {
            tsv: true,
            parquet: true,
        };
        let mut w = TableWriter::create(&dir, MENTIONS, formats).unwrap();
        for k in 0..3 {
            let mut row = vec![String::new(); 16];
            row[0] = (k + 1).to_string();
            row[4] = "example.org".into();
            row[13] = "-1.25".into();
            w.row(row).unwrap();
        }
        assert!(w.row(vec![String::new(); 3]).is_err(), "wrong width");
        assert_eq!(w.finish().unwrap(), 3);
        let tsv = std::fs::read_to_string(dir.join("mentions.tsv")).unwrap();
        assert_eq!(tsv.lines().count(), 3);
        let reader =
            SerializedFileReader::new(File::open(dir.join("mentions.parquet")).unwrap()).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 3);
        let rows: Vec<String> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| r.unwrap().to_string())
            .collect();
        assert!(rows[2].contains("GLOBALEVENTID: 3"), "{}", rows[2]);
        assert!(rows[2].contains("MentionDocTone: -1.25"), "{}", rows[2]);
        assert!(rows[2].contains("SentenceID: null"), "{}", rows[2]);

        let mut bad = TableWriter::create(
            &dir,
            MENTIONS,
            Formats {
                tsv: false,
                parquet: true,
            },
        )
        .unwrap();
        let mut row = vec![String::new(); 16];
        row[0] = "one".into();
        bad.row(row).unwrap();
        let err = bad.finish().unwrap_err().to_string();
        assert!(err.contains("GLOBALEVENTID"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
