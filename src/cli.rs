//! The command line: `idemlint check`, `idemlint rules`, `idemlint explain`.
//!
//! Exit status: 0 no findings, 1 findings, 2 a usage error or a path that could not be
//! checked. Findings go to stdout; messages and the summary go to stderr.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use idemlint::finding::{Finding, Severity};
use idemlint::knowledge::Knowledge;
use idemlint::model::{Lang, Unit};
use idemlint::report::{self, Format, ReportOptions};
use idemlint::rules::{self, Context, Rule, RuleMeta};
use idemlint::run::{self, CheckOptions, Outcome};

const SUCCESS: u8 = 0;
const FINDINGS: u8 = 1;
const FAILURE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "idemlint",
    version,
    about = "A linter for idempotency and retry hazards in Go, Rust and SQL"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check files and directories for idempotency and retry hazards.
    Check(CheckArgs),
    /// List the rules with their default severity.
    Rules,
    /// Print a rule's page: the hazard, a bad and a good example, the fix.
    Explain {
        /// The rule's name, as `idemlint rules` lists it.
        rule: String,
    },
    /// Print the model a file lowers to, after call classification (for debugging rules
    /// and front-ends).
    #[command(hide = true)]
    DumpModel {
        file: PathBuf,
        /// The file's language, if its extension does not say.
        #[arg(long, value_name = "LANG", value_parser = parse_lang)]
        lang: Option<Lang>,
    },
}

#[derive(Args)]
struct CheckArgs {
    /// Files and directories to check; `-` reads stdin.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// How findings are written to stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// When the text format uses colour; `auto` means on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
    /// The language (go, rust, sql) of stdin and of files named on the command line,
    /// whatever their extension. Files found in directories go by their extension.
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    lang: Option<Lang>,
    /// The path stdin is shown as; its extension gives the language when --lang is absent.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,
    /// Exit with status 0 even when there are findings (an error still exits with 2).
    #[arg(long)]
    exit_zero: bool,
    /// Check only these rules (comma-separated names).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    select: Vec<String>,
    /// Do not check these rules (comma-separated names).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    ignore: Vec<String>,
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
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

fn parse_lang(name: &str) -> Result<Lang, String> {
    Lang::from_name(name).ok_or_else(|| "expected go, rust or sql".to_owned())
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
    run::install_panic_hook();
    let mut out = BufWriter::new(io::stdout().lock());
    let done = match cli.command {
        Command::Check(args) => check(&args, &mut out),
        Command::Rules => Done {
            status: SUCCESS,
            written: write_rules(&mut out),
        },
        Command::Explain { rule } => explain(&rule, &mut out),
        Command::DumpModel { file, lang } => dump_model(&file, lang, &mut out),
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

fn check(args: &CheckArgs, out: &mut dyn Write) -> Done {
    let mut rules = match selected_rules(&args.select, &args.ignore) {
        Ok(rules) => rules,
        Err(message) => return Done::error(&message),
    };
    if let Some(marker) = &args.panic_on {
        let rule = PanicOn(marker.clone());
        rules.push(Box::leak(Box::new(rule)));
    }
    let knowledge = Knowledge::builtin();
    let options = CheckOptions {
        rules: &rules,
        knowledge: &knowledge,
        lang: args.lang,
        max_file_size: args.max_file_size,
        threads: args.threads,
    };
    let outcome = if args.paths.iter().any(|path| path == Path::new("-")) {
        match check_stdin(args, &options) {
            Ok(outcome) => outcome,
            Err(message) => return Done::error(&message),
        }
    } else {
        run::check_paths(&args.paths, &options)
    };
    for message in &outcome.messages {
        print_message(&message.to_string());
    }
    let report_options = ReportOptions {
        color: use_color(args.color),
        root: std::env::current_dir().ok(),
    };
    let written = report::write(args.format, &outcome.files, &report_options, out);
    if written.is_ok() && args.format == Format::Text {
        print_message(&report::text::summary(
            &outcome.files,
            outcome.files_checked,
        ));
    }
    if args.timings {
        print_timings(&outcome.timings);
    }
    Done {
        status: status(&outcome, args.exit_zero),
        written,
    }
}

/// How many of the slowest files `--timings` lists, besides every file over a second.
const SLOWEST_SHOWN: usize = 10;
const SLOW: Duration = Duration::from_secs(1);

fn print_timings(timings: &[(PathBuf, Duration)]) {
    let mut slowest: Vec<&(PathBuf, Duration)> = timings.iter().collect();
    slowest.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total: Duration = timings.iter().map(|(_, took)| *took).sum();
    print_message(&format!(
        "timings: {} files, {:.3}s in all; the slowest:",
        timings.len(),
        total.as_secs_f64()
    ));
    for (index, (path, took)) in slowest.iter().enumerate() {
        if index >= SLOWEST_SHOWN && *took <= SLOW {
            break;
        }
        let slow = if *took > SLOW { "  SLOW" } else { "" };
        print_message(&format!(
            "{:>9.3}s  {}{slow}",
            took.as_secs_f64(),
            path.display()
        ));
    }
}

/// The rule behind `--panic-on`.
struct PanicOn(String);

static PANIC_ON: RuleMeta = RuleMeta {
    name: "panic-on",
    summary: "panics on files holding a marker (for testing)",
    default_severity: Severity::Error,
    doc: "",
};

impl Rule for PanicOn {
    fn meta(&self) -> &'static RuleMeta {
        &PANIC_ON
    }

    fn check(&self, _unit: &Unit, cx: &Context) -> Vec<Finding> {
        if cx.source.contains(&self.0) {
            panic!("--panic-on marker found");
        }
        Vec::new()
    }
}

fn status(outcome: &Outcome, exit_zero: bool) -> u8 {
    if outcome.has_errors() {
        FAILURE
    } else if outcome.finding_count() > 0 && !exit_zero {
        FINDINGS
    } else {
        SUCCESS
    }
}

fn check_stdin(args: &CheckArgs, options: &CheckOptions) -> Result<Outcome, String> {
    if args.paths.len() > 1 {
        return Err("'-' (stdin) cannot be combined with other paths".to_owned());
    }
    let lang = options
        .lang
        .or_else(|| args.stdin_filename.as_deref().and_then(Lang::from_path))
        .ok_or("reading stdin needs --lang go|rust|sql, or --stdin-filename with a .go, .rs or .sql name")?;
    let shown = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("<stdin>"));
    Ok(run::check_reader(&shown, io::stdin().lock(), lang, options))
}

/// The registry less the rules not selected or ignored; an unknown name is an error, so a
/// typo never silently turns a rule off.
fn selected_rules(select: &[String], ignore: &[String]) -> Result<Vec<&'static dyn Rule>, String> {
    let names = |list: &[String]| -> Result<Vec<&'static str>, String> {
        list.iter()
            .map(|name| name.trim())
            .filter(|name| !name.is_empty())
            .map(|name| {
                rules::by_name(name)
                    .map(|rule| rule.meta().name)
                    .ok_or_else(|| format!("unknown rule '{name}' (see 'idemlint rules')"))
            })
            .collect()
    };
    let (select, ignore) = (names(select)?, names(ignore)?);
    Ok(rules::ALL
        .iter()
        .copied()
        .filter(|rule| select.is_empty() || select.contains(&rule.meta().name))
        .filter(|rule| !ignore.contains(&rule.meta().name))
        .collect())
}

fn use_color(when: ColorWhen) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        }
    }
}

/// One line per rule, in columns: name, default severity, summary.
fn write_rules(out: &mut dyn Write) -> io::Result<()> {
    let width = rules::ALL
        .iter()
        .map(|rule| rule.meta().name.len())
        .max()
        .unwrap_or(0);
    for rule in rules::ALL {
        let meta = rule.meta();
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
    let Some(rule) = rules::by_name(name) else {
        return Done::error(&format!("unknown rule '{name}' (see 'idemlint rules')"));
    };
    let doc = rule.meta().doc;
    let ending = if doc.ends_with('\n') { "" } else { "\n" };
    Done {
        status: SUCCESS,
        written: write!(out, "{doc}{ending}"),
    }
}

fn dump_model(path: &Path, lang: Option<Lang>, out: &mut dyn Write) -> Done {
    let Some(lang) = lang.or_else(|| Lang::from_path(path)) else {
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
    let mut module = idemlint::lang::lower(lang, &source);
    idemlint::analysis::classify(&mut module, lang, &Knowledge::builtin());
    Done {
        status: SUCCESS,
        written: write!(out, "{}", idemlint::dump::module(&module)),
    }
}

/// A line on stderr. If stderr itself is gone there is nowhere left to say so.
fn print_message(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use idemlint::finding::Label;
    use idemlint::report::FileFindings;
    use idemlint::run::Message;

    fn outcome(findings: usize, errors: usize) -> Outcome {
        let finding = Finding::new("unchecked-on-conflict", "m", Label::new(0..1, "l"));
        Outcome {
            files: vec![FileFindings {
                path: "a.sql".into(),
                source: "x".to_owned(),
                findings: vec![finding; findings],
            }],
            messages: vec![Message::error("b.sql".into(), "cannot read 'b.sql'"); errors],
            files_checked: 1,
            timings: Vec::new(),
        }
    }

    #[test]
    fn findings_exit_1_unless_exit_zero_and_errors_always_exit_2() {
        assert_eq!(status(&outcome(0, 0), false), SUCCESS);
        assert_eq!(status(&outcome(2, 0), false), FINDINGS);
        assert_eq!(status(&outcome(2, 0), true), SUCCESS);
        assert_eq!(status(&outcome(2, 1), false), FAILURE);
        assert_eq!(status(&outcome(2, 1), true), FAILURE);
        assert_eq!(status(&outcome(0, 1), true), FAILURE);
    }

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

    #[test]
    fn select_and_ignore_narrow_the_registry() {
        let names = |select: &[&str], ignore: &[&str]| -> Vec<&str> {
            let owned = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            selected_rules(&owned(select), &owned(ignore))
                .unwrap()
                .iter()
                .map(|rule| rule.meta().name)
                .collect()
        };
        let all: Vec<&str> = rules::ALL.iter().map(|rule| rule.meta().name).collect();
        assert_eq!(names(&[], &[]), all);
        assert_eq!(
            names(&[" unchecked-on-conflict ", ""], &[]),
            ["unchecked-on-conflict"]
        );
        assert!(
            names(&[], &["unchecked-on-conflict"])
                .iter()
                .all(|n| *n != "unchecked-on-conflict")
        );
    }
}
