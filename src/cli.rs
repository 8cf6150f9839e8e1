//! The command line: `idemlint check`, `idemlint rules`, `idemlint explain`.
//!
//! Exit status: 0 no failing finding, 1 a finding at `--fail-on` level or above (`error`
//! by default), 2 a usage or configuration error or a path that could not be checked.
//! Findings go to stdout; messages and the summary go to stderr.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use idemlint::config::Config;
use idemlint::knowledge::Knowledge;
use idemlint::model::{FileKind, Lang};
use idemlint::prefilter::Prefilter;
use idemlint::report::{self, Format};
use idemlint::rules;

mod check;
mod fixing;
mod progress;

const SUCCESS: u8 = 0;
const FINDINGS: u8 = 1;
const FAILURE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "idemlint",
    version,
    about = "A linter for idempotency and retry hazards in Go, Rust, SQL, TypeScript/JavaScript, Python and Markdown code blocks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check files and directories for idempotency and retry hazards.
    Check(Box<CheckArgs>),
    /// List the rules with their default severity.
    Rules,
    /// Print a rule's page: the hazard, a bad and a good example, the fix.
    Explain {
        /// The rule's name, as `idemlint rules` lists it.
        rule: String,
    },
    /// Serve the Language Server Protocol on stdin and stdout, for editors
    /// (docs/editors.md).
    Server,
    /// Print the model a file lowers to, after call classification (for debugging rules
    /// and front-ends).
    #[command(hide = true)]
    DumpModel {
        file: PathBuf,
        /// The file's language, if its extension does not say.
        #[arg(long, value_name = "LANG", value_parser = parse_lang)]
        lang: Option<FileKind>,
    },
    /// Print the words the prefilter looks for with every rule enabled, one per line, for
    /// benchmarks that scan for the same words with another tool.
    #[command(hide = true)]
    PrefilterWords,
}

#[derive(Args)]
struct CheckArgs {
    /// Files and directories to check (default: `.`, or stdin with --stdin-filename); `-`
    /// reads stdin.
    paths: Vec<PathBuf>,
    /// How findings are written to stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// When the text format uses colour; `auto` means on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
    /// The language (go, rust, sql, ts, js, python, markdown) of stdin and of files named on the command line,
    /// whatever their extension. Files found in directories go by their extension.
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    lang: Option<FileKind>,
    /// The path stdin is shown as (an editor's unsaved buffer of that file): its extension
    /// gives the language when --lang is absent, and calls are followed into the files
    /// around it.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,
    /// The project's root folder: calls are followed into the files around a checked one
    /// by the nearest go.mod, Cargo.toml or package.json, looked for no higher than this;
    /// below it, a JavaScript file with no package.json is in the package of the root.
    #[arg(long, value_name = "DIR")]
    project_root: Option<PathBuf>,
    /// Exit with status 0 even when there are findings (an error still exits with 2).
    #[arg(long)]
    exit_zero: bool,
    /// The lowest severity of finding that makes the exit status 1.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Check only these rules (comma-separated names), whatever idemlint.toml says.
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = parse_rule_name)]
    select: Vec<String>,
    /// Do not check these rules (comma-separated names), whatever idemlint.toml says.
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = parse_rule_name)]
    ignore: Vec<String>,
    /// The configuration file; by default the first idemlint.toml in the working
    /// directory or above it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Skip the files idemlint.toml excludes even when named on the command line, as
    /// pre-commit and editors name every file.
    #[arg(long)]
    force_exclude: bool,
    /// Report only findings on lines added or changed since this git revision (committed
    /// or not); files git does not track count as new.
    #[arg(long, value_name = "REV")]
    diff_base: Option<String>,
    /// Skip files larger than this (generated code, minified bundles), with a warning:
    /// a number of bytes, or with a K, M or G suffix (KiB, MiB, GiB).
    #[arg(long, value_name = "SIZE", default_value = "4M", value_parser = parse_size)]
    max_file_size: u64,
    /// How many threads walk and check (default: RAYON_NUM_THREADS, else one per core).
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    threads: usize,
    /// Print the slowest files, and every file slower than a second, to stderr.
    #[arg(long, hide = true)]
    timings: bool,
    /// Panic while checking any file whose text contains MARKER: for testing that an
    /// internal error in one file is reported and the rest of the run goes on.
    #[arg(long, hide = true, value_name = "MARKER")]
    panic_on: Option<String>,
    /// Parse every file, even those that hold none of the words the rules need (slower;
    /// the findings are the same)
    #[arg(long)]
    no_prefilter: bool,
    /// Print how many findings each rule made at each level, instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// Write the report (in --format) to this file instead of stdout.
    #[arg(long, value_name = "PATH")]
    output_file: Option<PathBuf>,
    /// Also write every finding as SARIF 2.1.0 to this file, besides the report: text to
    /// the terminal and SARIF for code scanning in one run.
    #[arg(long, value_name = "PATH")]
    sarif_file: Option<PathBuf>,
    /// List the files a check would read, each with the language it is read as, and check
    /// nothing.
    #[arg(long)]
    show_files: bool,
    /// Print the findings and the errors only: no summary line, no warnings.
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Report only the findings this baseline (written by --write-baseline) does not hold,
    /// and warn about its entries that match no finding any more.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the findings in this file as a baseline for --baseline, instead of
    /// reporting them.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "fix", "diff"])]
    write_baseline: Option<PathBuf>,
    /// Make the safe fixes of the findings in the files, then report what remains.
    #[arg(long)]
    fix: bool,
    /// With --fix or --diff, also the unsafe fixes: they change behaviour the author must
    /// review (what a statement returns).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes --fix would make as a unified diff, and write nothing (exit status 1
    /// when there are some).
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// Also print notes on what was read another way than planned, with nothing lost:
    /// syntax errors in Markdown code blocks (often elided on purpose), and SQL statements
    /// sqlparser could not read, whose facts were read from their tokens.
    #[arg(long)]
    verbose: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    /// No finding fails the run (as `--exit-zero`; the Action's word for it).
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// A name of `--select`/`--ignore`: an empty one (`--select ''`, `--select ,`) would
/// otherwise leave the list empty, which selects every rule.
fn parse_rule_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(
            "an empty rule name: give rule names separated by commas (see \
                    'idemlint rules')"
                .to_owned(),
        );
    }
    Ok(name.to_owned())
}

fn parse_lang(name: &str) -> Result<FileKind, String> {
    FileKind::from_name(name)
        .ok_or_else(|| format!("expected one of {}", FileKind::names().join(", ")))
}

/// `4194304`, `512K`, `4M`, `1G` (also `4MiB`, `4mb`): binary multiples.
fn parse_size(text: &str) -> Result<u64, String> {
    let lower = text.trim().to_ascii_lowercase();
    let digits_end = lower
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(lower.len());
    let (digits, unit) = lower.split_at(digits_end);
    let shift = match unit.trim_start() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err("expected a number of bytes, optionally with K, M or G".to_owned()),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or_else(|| "expected a number of bytes, optionally with K, M or G".to_owned())
}

/// How a command ended: the exit status it chose, and whether stdout took its output.
struct Done {
    status: u8,
    written: io::Result<()>,
}

impl Done {
    fn error(message: &str) -> Done {
        print_message(&format!("error: {message}"));
        Done {
            status: FAILURE,
            written: Ok(()),
        }
    }
}

/// Runs the command line and returns the exit status.
pub fn main() -> u8 {
    let cli = Cli::parse();
    idemlint::panic_boundary::install_panic_hook();
    // Not locked for the whole run: the server writes the protocol to stdout from a
    // thread of its own.
    let mut out = BufWriter::new(io::stdout());
    let done = match cli.command {
        Command::Check(args) => check::check(&args, &mut out),
        Command::Rules => Done {
            status: SUCCESS,
            written: write_rules(&mut out),
        },
        Command::Explain { rule } => explain(&rule, &mut out),
        Command::DumpModel { file, lang } => dump_model(&file, lang, &mut out),
        Command::PrefilterWords => prefilter_words(&mut out),
        Command::Server => serve(),
    };
    match done.written.and_then(|()| out.flush()) {
        Ok(()) => done.status,
        // The reader went away (`idemlint check | head -1`): it has all it wanted.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => done.status,
        Err(error) => {
            print_message(&format!("error: cannot write the output: {error}"));
            FAILURE
        }
    }
}

/// `idemlint server`: the session's end as the exit status, 0 after `shutdown` and `exit`.
fn serve() -> Done {
    let status = match idemlint::server::run() {
        Ok(()) => SUCCESS,
        Err(why) => {
            print_message(&format!("error: idemlint server: {why}"));
            // The protocol's status for a session that did not end with `shutdown`.
            1
        }
    };
    Done {
        status,
        written: Ok(()),
    }
}

/// One line per rule, the meta-rule last, in columns: name, default severity, summary.
fn write_rules(out: &mut dyn Write) -> io::Result<()> {
    let width = rules::all_meta()
        .map(|meta| meta.name.len())
        .max()
        .unwrap_or(0);
    for meta in rules::all_meta() {
        writeln!(
            out,
            "{:width$}  {:7}  {}",
            meta.name,
            meta.default_severity.name(),
            meta.summary
        )?;
    }
    Ok(())
}

fn explain(name: &str, out: &mut dyn Write) -> Done {
    let Some(meta) = rules::meta_by_name(name) else {
        return Done::error(&format!("unknown rule '{name}' (see 'idemlint rules')"));
    };
    let doc = meta.doc;
    let ending = if doc.ends_with('\n') { "" } else { "\n" };
    Done {
        status: SUCCESS,
        written: write!(out, "{doc}{ending}"),
    }
}

fn dump_model(path: &Path, kind: Option<FileKind>, out: &mut dyn Write) -> Done {
    let Some(kind) = kind.or_else(|| FileKind::from_path(path)) else {
        return Done::error(&format!(
            "cannot tell the language of '{}' (use --lang)",
            path.display()
        ));
    };
    let source = match std::fs::read_to_string(path) {
        Ok(source) => source,
        Err(error) => {
            return Done::error(&format!("cannot read '{}': {error}", path.display()));
        }
    };
    // Classified with the project's knowledge, so that its extensions can be seen at work.
    let knowledge = match project_knowledge() {
        Ok(knowledge) => knowledge,
        Err(message) => return Done::error(&message),
    };
    let classified = |text: &str, lang: Lang| {
        let mut module = idemlint::lang::lower(lang, text);
        idemlint::analysis::classify(&mut module, text, lang, &knowledge);
        module
    };
    // A Markdown file's blocks, each classified in its own language.
    let module = match kind {
        FileKind::Code(lang) => classified(&source, lang),
        FileKind::Markdown => idemlint::lang::markdown::blocks_model(&source, classified),
    };
    Done {
        status: SUCCESS,
        written: write!(out, "{}", idemlint::dump::module(&module)),
    }
}

/// The knowledge table with the extensions of the idemlint.toml found from the working
/// directory.
fn project_knowledge() -> Result<Knowledge, String> {
    let cwd = std::env::current_dir()
        .map_err(|error| format!("cannot read the working directory: {error}"))?;
    Ok(Config::load(None, &cwd)?.knowledge())
}

fn prefilter_words(out: &mut dyn Write) -> Done {
    let knowledge = match project_knowledge() {
        Ok(knowledge) => knowledge,
        Err(message) => return Done::error(&message),
    };
    let prefilter = Prefilter::new(rules::ALL, &knowledge);
    let mut words: Vec<String> = prefilter
        .words()
        .iter()
        .map(|word| word.text.to_ascii_lowercase())
        .collect();
    words.sort();
    words.dedup();
    Done {
        status: SUCCESS,
        written: words.iter().try_for_each(|word| writeln!(out, "{word}")),
    }
}

/// A line on stderr, made safe for a terminal (it may quote a file's name or code). If
/// stderr itself is gone there is nowhere left to say so.
fn print_message(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{}", report::text::printable(line));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("4194304"), Ok(4 << 20));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("4M"), Ok(4 << 20));
        assert_eq!(parse_size("4 MiB"), Ok(4 << 20));
        assert_eq!(parse_size("2gb"), Ok(2 << 30));
        assert_eq!(parse_size("10b"), Ok(10));
        for bad in ["", "M", "4X", "-1", "1.5M", "99999999999999999999G"] {
            assert!(parse_size(bad).is_err(), "{bad:?}");
        }
    }
}
