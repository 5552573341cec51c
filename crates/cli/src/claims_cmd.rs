//! `traincost claims`: browse and audit the sourced claims behind every number.
//!
//! `list`, `show`, `check` and `export`; `--claims FILE` (repeatable) merges users' claims
//! files with the built-in set. Bad files are reported with file, line, claim id and field.

mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use traincost_claims::{ClaimSet, LoadError, Problem, Tag};

use crate::diagnostic::Diagnostic;
use crate::output;

/// Arguments of `traincost claims`.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Examples:\n  traincost claims list --subject DeepSeek-V3 --tag final-run\n  traincost claims show deepseek-v3-total-training-cost-usd\n  traincost claims check --claims my-claims.toml\n  traincost claims export --format csv --output claims.csv\n\nHow to add and verify a claim: docs/CLAIMS.md."
)]
pub(crate) struct ClaimsArgs {
    #[command(subcommand)]
    command: ClaimsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ClaimsCommand {
    /// List claims, filtered by subject, quantity, tag or source.
    List(ListArgs),
    /// Show one claim in full: value, quote, source, and the relations and conflicts it is in.
    Show(ShowArgs),
    /// Validate every claim, check every relation, report conflicts between sources.
    ///
    /// Exits non-zero if a claim is invalid or a relation fails. Conflicts are reported, not
    /// failures: sources disagreeing is data.
    Check(CheckArgs),
    /// Export every claim as JSON or CSV.
    Export(ExportArgs),
}

/// Claims files to merge with the built-in set.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct ClaimsFiles {
    /// Merge this claims file (the format of the built-in data, see docs/CLAIMS.md) with the
    /// built-in claims; repeatable.
    #[arg(long = "claims", value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
}

/// Output format of `list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ListFormat {
    /// A table for people.
    Table,
    /// A JSON array of claims.
    Json,
    /// CSV, one claim per row.
    Csv,
}

/// Output format of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    /// A JSON array of claims.
    Json,
    /// CSV, one claim per row.
    Csv,
}

/// Output format of `show` and `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    /// Text for people.
    Text,
    /// JSON.
    Json,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// Only claims whose subject contains this text (case-insensitive).
    #[arg(long)]
    subject: Option<String>,
    /// Only claims whose quantity contains this text (case-insensitive).
    #[arg(long)]
    quantity: Option<String>,
    /// Only claims with this scope tag; repeatable (all required). Tags: final-run,
    /// development, staff, fleet, capex, opex, market, price, model, emissions, trend,
    /// restatement.
    #[arg(long = "tag", value_parser = parse_tag, value_name = "TAG")]
    tags: Vec<Tag>,
    /// Only claims whose source title, URL or claimant contains this text.
    #[arg(long)]
    source: Option<String>,
    /// Leave out erroneous claims.
    #[arg(long)]
    usable: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    files: ClaimsFiles,
}

#[derive(Debug, clap::Args)]
struct ShowArgs {
    /// The claim id (see `traincost claims list`).
    id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    #[command(flatten)]
    files: ClaimsFiles,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Write the report to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    files: ClaimsFiles,
}

#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    files: ClaimsFiles,
}

fn parse_tag(s: &str) -> Result<Tag, String> {
    s.parse()
}

/// Every problem of a claims file, each a located diagnostic.
#[derive(Debug)]
pub(crate) struct ClaimsFileError {
    /// One diagnostic per problem.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for ClaimsFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.diagnostics.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} problems in claims files:", many.len())?;
                for d in many {
                    write!(f, "\n- {d}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ClaimsFileError {}

/// A claims problem as a diagnostic: the field is `CLAIM-ID.FIELD`.
pub(crate) fn problem_diagnostic(p: &Problem) -> Diagnostic {
    let mut d = Diagnostic::new(p.message.clone()).in_file(&p.file);
    d.line = p.line;
    d.column = p.column;
    d.field = match (&p.claim_id, &p.field) {
        (Some(id), Some(field)) => Some(format!("{}.{field}", traincost_claims::excerpt(id))),
        (Some(id), None) => Some(traincost_claims::excerpt(id).into_owned()),
        (None, field) => field.clone(),
    };
    d.hint = p.hint.clone();
    d
}

/// A claims file's problems, TOML messages put in people's words (see
/// [`crate::diagnostic::explain_toml`]); `source` is the file's text.
fn load_error(e: LoadError, source: &str) -> anyhow::Error {
    let diagnostics = e
        .problems
        .iter()
        .map(|p| {
            let (message, hint, at) = crate::diagnostic::explain_toml(&p.message, source);
            let mut d = problem_diagnostic(p);
            if message != p.message.trim() {
                d.message = message;
                d.hint = d.hint.or(hint);
            }
            if d.line.is_none()
                && let Some(at) = at
            {
                d = d.at_offset(source, at);
            }
            d
        })
        .collect();
    anyhow::Error::new(ClaimsFileError { diagnostics })
}

/// The built-in claims merged with `files`, in order. For any command that reads claims.
pub(crate) fn load_claims(
    files: &ClaimsFiles,
) -> anyhow::Result<std::borrow::Cow<'static, ClaimSet>> {
    let mut set = std::borrow::Cow::Borrowed(ClaimSet::builtin());
    for path in &files.files {
        tracing::info!("merging claims file {}", path.display());
        let text = crate::diagnostic::read_text(path, "claims file")?;
        let merged = set
            .merge_str(&path.display().to_string(), &text)
            .map_err(|e| load_error(e, &text))?;
        set = std::borrow::Cow::Owned(merged);
    }
    Ok(set)
}

pub(crate) fn run(args: ClaimsArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        ClaimsCommand::List(a) => list(a),
        ClaimsCommand::Show(a) => show(a),
        ClaimsCommand::Check(a) => check(a),
        ClaimsCommand::Export(a) => export(a),
    }
}

fn list(a: ListArgs) -> anyhow::Result<ExitCode> {
    let set = load_claims(&a.files)?;
    let mut q = set.query();
    if let Some(s) = &a.subject {
        q = q.subject(s);
    }
    if let Some(s) = &a.quantity {
        q = q.quantity(s);
    }
    for t in &a.tags {
        q = q.tag(*t);
    }
    if let Some(s) = &a.source {
        q = q.source(s);
    }
    if a.usable {
        q = q.usable();
    }
    let claims = q.collect();
    let text = match a.format {
        ListFormat::Table if claims.is_empty() => "No claim matches these filters.\n".to_owned(),
        ListFormat::Table => render::claims_table(&claims),
        ListFormat::Json => render::claims_json(&claims)?,
        ListFormat::Csv => render::claims_csv(&claims),
    };
    output::emit(a.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

fn show(a: ShowArgs) -> anyhow::Result<ExitCode> {
    let set = load_claims(&a.files)?;
    let claim = set.resolve(&a.id).map_err(|e| {
        Diagnostic::new(e.to_string()).hint("list the ids with `traincost claims list`")
    })?;
    let text = match a.format {
        ReportFormat::Text => render::claim_text(&set, claim),
        ReportFormat::Json => render::claim_json(&set, claim)?,
    };
    output::emit(None, &text)?;
    Ok(ExitCode::SUCCESS)
}

fn check(a: CheckArgs) -> anyhow::Result<ExitCode> {
    let set = load_claims(&a.files)?;
    let report = set.check();
    let text = match a.format {
        ReportFormat::Text => render::check_text(&report),
        ReportFormat::Json => render::check_json(&report)?,
    };
    output::emit(a.output.as_deref(), &text)?;
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn export(a: ExportArgs) -> anyhow::Result<ExitCode> {
    let set = load_claims(&a.files)?;
    let claims: Vec<_> = set.iter().collect();
    let text = match a.format {
        ExportFormat::Json => render::claims_json(&claims)?,
        ExportFormat::Csv => render::claims_csv(&claims),
    };
    output::emit(a.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_become_located_diagnostics() {
        let err = ClaimSet::builtin()
            .merge_str("mine.toml", "[[claim]]\nid = \"x\"\nvalue = \"no\"\n")
            .unwrap_err();
        let d = problem_diagnostic(&err.problems[0]);
        let shown = d.to_string();
        assert!(shown.starts_with("mine.toml:3:"), "{shown}");
        assert!(shown.contains("`x.value`"), "{shown}");
    }

    #[test]
    fn the_tag_help_lists_every_tag() {
        use clap::CommandFactory as _;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            list: ListArgs,
        }
        let help = Cli::command().render_long_help().to_string();
        for t in Tag::ALL {
            assert!(help.contains(t.as_str()), "{t} missing from --tag help");
        }
    }

    #[test]
    fn several_problems_are_listed() {
        let e = ClaimsFileError {
            diagnostics: vec![Diagnostic::new("a"), Diagnostic::new("b")],
        };
        assert_eq!(e.to_string(), "2 problems in claims files:\n- a\n- b");
    }
}
