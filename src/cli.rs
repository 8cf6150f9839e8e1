//! The command line: `idemlint check`, `idemlint rules`, `idemlint explain`.
//!
//! Exit status: 0 no failing finding, 1 a finding at `--fail-on` level or above (`error`
//! by default), 2 a usage or configuration error or a path that could not be checked.
//! Findings go to stdout; messages and the summary go to stderr.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use idemlint::baseline::{self, Baseline};
use idemlint::config::{Config, Levels};
use idemlint::diff::ChangedLines;
use idemlint::finding::{Finding, Severity};
use idemlint::fix::{self, Allowed};
use idemlint::knowledge::Knowledge;
use idemlint::message::Level;
use idemlint::model::{FileKind, Lang, Unit};
use idemlint::prefilter::Prefilter;
use idemlint::report::{self, Format, ReportOptions};
use idemlint::rules::{self, Context, Rule, RuleMeta};
use idemlint::run::{self, CheckOptions, RunResult};

mod fixing;
mod progress;

const SUCCESS: u8 = 0;
const FINDINGS: u8 = 1;
const FAILURE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "idemlint",
    version,
    about = "A linter for idempotency and retry hazards in Go, Rust, SQL, TypeScript/JavaScript and Markdown code blocks"
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
    /// The language (go, rust, sql, ts, js, markdown) of stdin and of files named on the command line,
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
        .ok_or_else(|| "expected go, rust, sql, ts (or js) or markdown".to_owned())
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
    let mut out = BufWriter::new(io::stdout().lock());
    let done = match cli.command {
        Command::Check(args) => check(&args, &mut out),
        Command::Rules => Done {
            status: SUCCESS,
            written: write_rules(&mut out),
        },
        Command::Explain { rule } => explain(&rule, &mut out),
        Command::DumpModel { file, lang } => dump_model(&file, lang, &mut out),
        Command::PrefilterWords => prefilter_words(&mut out),
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
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(error) => {
            return Done::error(&format!("cannot read the working directory: {error}"));
        }
    };
    let paths = match paths_to_check(args) {
        Ok(paths) => paths,
        Err(message) => return Done::error(&message),
    };
    let reads_stdin = paths.iter().any(|path| path == Path::new("-"));
    let fixes = args.fix || args.diff;
    if args.unsafe_fixes && !fixes {
        return Done::error("--unsafe-fixes goes with --fix or --diff");
    }
    if fixes && reads_stdin {
        return Done::error("--fix and --diff change files: they cannot fix stdin");
    }
    let setup = Config::load(args.config.as_deref(), &cwd).and_then(|config| {
        let levels = Levels::new(&config.levels, &args.select, &args.ignore)?;
        let changed = match &args.diff_base {
            None => None,
            Some(_) if reads_stdin && args.stdin_filename.is_none() => {
                return Err("--diff-base needs --stdin-filename to check stdin".to_owned());
            }
            Some(base) => {
                // Stdin is looked for in the repository of the name it is shown as.
                let checked = match &args.stdin_filename {
                    Some(name) if reads_stdin => std::slice::from_ref(name),
                    _ => paths.as_slice(),
                };
                Some(ChangedLines::since(base, checked, &cwd)?)
            }
        };
        Ok((config, levels, changed))
    });
    let (config, levels, changed) = match setup {
        Ok(setup) => setup,
        Err(message) => return Done::error(&message),
    };
    if let Some(root) = &args.project_root
        && !root.is_dir()
    {
        let message = format!("--project-root '{}' is not a folder", root.display());
        return Done::error(&message);
    }
    let mut rules = levels.rules();
    if let Some(marker) = &args.panic_on {
        rules.push(Box::leak(Box::new(PanicOn(marker.clone()))));
    }
    let knowledge = config.knowledge();
    let prefilter = Prefilter::new(&rules, &knowledge);
    let bar = progress::wanted(
        io::stderr().is_terminal(),
        std::env::var("TERM").ok().as_deref(),
        std::env::var_os("CI").is_some(),
        args.quiet,
    )
    .then(progress::Progress::new);
    let update = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.update(done, total);
        }
    };
    let options = CheckOptions {
        rules: &rules,
        knowledge: &knowledge,
        kind: args.lang,
        file_kinds: &config.file_kinds,
        levels: &levels,
        test_code: &config.test_code,
        exclude: &config.exclude,
        exclude_named: args.force_exclude,
        changed: changed.as_ref(),
        max_file_size: args.max_file_size,
        threads: args.threads,
        prefilter: (!args.no_prefilter).then_some(&prefilter),
        verbose: args.verbose,
        project_root: args.project_root.as_deref(),
        progress: bar
            .is_some()
            .then_some(&update as &(dyn Fn(usize, usize) + Sync)),
    };
    // Opened before the check: a run is not made for a report that cannot be written.
    let mut report_file = match &args.output_file {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Some(BufWriter::new(file)),
            Err(error) => {
                return Done::error(&format!("cannot write to '{}': {error}", path.display()));
            }
        },
        None => None,
    };
    if args.show_files {
        if reads_stdin {
            return Done::error("--show-files lists the files of paths: it does not read stdin");
        }
        return show_files(&paths, &options, out);
    }
    let mut outcome = if reads_stdin {
        match check_stdin(args, paths.len(), &options) {
            Ok(outcome) => outcome,
            Err(message) => return Done::error(&message),
        }
    } else {
        run::check_paths(&paths, &options)
    };
    if let Some(bar) = &bar {
        bar.finish();
    }
    if let Some(file) = &args.write_baseline {
        return write_baseline(file, &outcome, &cwd);
    }
    let mut stale_baseline = None;
    if let Some(file) = &args.baseline {
        match Baseline::read(file, &cwd) {
            Ok(baseline) => {
                let checked: Vec<PathBuf> = outcome.checked_paths().map(Path::to_owned).collect();
                let unmatched = baseline.filter(
                    &mut outcome.files,
                    checked.iter().map(PathBuf::as_path),
                    &cwd,
                );
                stale_baseline = (unmatched > 0).then(|| stale_baseline_warning(file, unmatched));
            }
            Err(message) => return Done::error(&message),
        }
    }
    let mut fixing = None;
    let outcome = if fixes {
        let plan = fixing::Plan {
            allowed: Allowed {
                unsafe_fixes: args.unsafe_fixes,
            },
            // With --diff-base only the changed lines' findings are fixed: a later pass
            // would find the others.
            passes: if changed.is_some() { 1 } else { fix::PASSES },
            write: args.fix,
            rules: &rules,
            knowledge: &knowledge,
        };
        let kind_of = |path: &Path| config.file_kinds.of(path).or(args.lang);
        let fixed = match fixing::fix_files(&outcome, &kind_of, &plan, out) {
            Ok(fixed) => fixed,
            Err(error) => {
                print_message(&format!("error: cannot write the output: {error}"));
                return Done {
                    status: FAILURE,
                    written: Ok(()),
                };
            }
        };
        if args.diff {
            return diff_done(&outcome, &fixed, out);
        }
        // What remains is what a check of the fixed files finds.
        let mut outcome = if fixed.fixed > 0 {
            run::check_paths(&paths, &options)
        } else {
            outcome
        };
        outcome.messages.extend(fixed.messages.iter().cloned());
        fixing = Some(fixed);
        outcome
    } else {
        outcome
    };
    // Quiet, only what failed is said besides the findings.
    let say = |line: &str| {
        if !args.quiet {
            print_message(line);
        }
    };
    for message in &outcome.messages {
        if message.level == Level::Error {
            print_message(&message.to_string());
        } else {
            say(&message.to_string());
        }
    }
    if let Some(warning) = &stale_baseline {
        say(warning);
    }
    let report_options = ReportOptions {
        color: use_color(args.color) && args.output_file.is_none(),
        root: Some(cwd),
        files_checked: outcome.files_checked,
        files_failed: outcome.files_failed(),
    };
    let report_out: &mut dyn Write = match &mut report_file {
        Some(file) => file,
        None => out,
    };
    // Flushed before the summary so that on a terminal the summary comes last.
    let written = if args.statistics {
        report_out.write_all(report::text::statistics(&outcome.files).as_bytes())
    } else {
        report::write(args.format, &outcome.files, &report_options, report_out)
    }
    .and_then(|()| report_out.flush());
    let written = written.and_then(|()| match &args.sarif_file {
        Some(path) => write_sarif(path, &outcome, &report_options),
        None => Ok(()),
    });
    if let Some(line) = fixing.as_ref().and_then(|f| fixing::report_line(f, true)) {
        say(&line);
    }
    if written.is_ok() && (args.format == Format::Text || args.statistics) && !args.quiet {
        print_message(&report::text::summary(
            &outcome.files,
            outcome.files_checked,
            outcome.files_failed(),
        ));
    }
    if args.timings {
        print_timings(&outcome.timings);
    }
    let fail_on = match (args.exit_zero, args.fail_on) {
        (true, _) | (false, FailOn::Never) => None,
        (false, FailOn::Error) => Some(Severity::Error),
        (false, FailOn::Warning) => Some(Severity::Warning),
    };
    Done {
        status: status(&outcome, fail_on),
        written,
    }
}

/// `--sarif-file`: every finding of the run as SARIF, besides the report.
fn write_sarif(path: &Path, outcome: &RunResult, options: &ReportOptions) -> io::Result<()> {
    let file = std::fs::File::create(path).map_err(|error| {
        io::Error::new(
            error.kind(),
            format!("cannot write to '{}': {error}", path.display()),
        )
    })?;
    let mut file = BufWriter::new(file);
    report::write(Format::Sarif, &outcome.files, options, &mut file)?;
    file.flush()
}

/// `--show-files`: each file a check would read, with the language it is read as, one per
/// line (`path<TAB>language`); exit status 2 when a path could not be walked.
fn show_files(paths: &[PathBuf], options: &CheckOptions, out: &mut dyn Write) -> Done {
    let (files, messages) = run::files_to_check(paths, options);
    for message in &messages {
        print_message(&message.to_string());
    }
    let written = files
        .iter()
        .try_for_each(|(path, kind)| writeln!(out, "{}\t{}", path.display(), kind.name()));
    let failed = messages.iter().any(|m| m.level == Level::Error);
    Done {
        status: if failed { FAILURE } else { SUCCESS },
        written,
    }
}

/// The end of a `--write-baseline` run: the findings recorded, the messages shown. Exit
/// status 0, or 2 when a path could not be checked (the baseline lacks its findings).
fn write_baseline(file: &Path, outcome: &RunResult, cwd: &Path) -> Done {
    for message in &outcome.messages {
        print_message(&message.to_string());
    }
    match baseline::write(file, &outcome.files, cwd) {
        Ok(count) => {
            print_message(&format!(
                "wrote a baseline of {count} finding{} to '{}'",
                if count == 1 { "" } else { "s" },
                file.display()
            ));
            Done {
                status: if outcome.has_errors() {
                    FAILURE
                } else {
                    SUCCESS
                },
                written: Ok(()),
            }
        }
        Err(message) => Done::error(&message),
    }
}

fn stale_baseline_warning(file: &Path, unmatched: usize) -> String {
    format!(
        "warning: {unmatched} {} of the baseline '{}' match{} no finding any more (fixed, or \
         their code changed): --write-baseline rewrites it",
        if unmatched == 1 { "entry" } else { "entries" },
        file.display(),
        if unmatched == 1 { "es" } else { "" },
    )
}

/// The end of a `--diff` run: the diffs are written; the messages and what would be fixed
/// go to stderr. Exit status 1 when something would be fixed, as a check that fails.
fn diff_done(outcome: &RunResult, fixed: &fixing::Fixing, out: &mut dyn Write) -> Done {
    for message in outcome.messages.iter().chain(&fixed.messages) {
        print_message(&message.to_string());
    }
    let written = out.flush();
    print_message(
        &fixing::report_line(fixed, false).unwrap_or_else(|| "no fixes to make".to_owned()),
    );
    let status = if outcome.has_errors() {
        FAILURE
    } else if fixed.fixed > 0 {
        FINDINGS
    } else {
        SUCCESS
    };
    Done { status, written }
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
    langs: Lang::ALL,
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

/// 2 if a path could not be checked; else 1 if a finding is at least as severe as
/// `fail_on` (`None`: `--exit-zero`); else 0.
fn status(outcome: &RunResult, fail_on: Option<Severity>) -> u8 {
    let failing = |severity: Severity| fail_on.is_some_and(|lowest| severity >= lowest);
    if outcome.has_errors() {
        FAILURE
    } else if outcome
        .files
        .iter()
        .flat_map(|file| &file.findings)
        .any(|finding| failing(finding.severity))
    {
        FINDINGS
    } else {
        SUCCESS
    }
}

/// The paths given, or with none, `.`; or stdin when --stdin-filename names it, as
/// editors call a linter. --stdin-filename with paths that do not read stdin is an error:
/// it would name nothing.
fn paths_to_check(args: &CheckArgs) -> Result<Vec<PathBuf>, String> {
    let stdin = Path::new("-");
    match &args.stdin_filename {
        Some(_) if args.paths.is_empty() => Ok(vec![stdin.to_owned()]),
        None if args.paths.is_empty() => Ok(vec![PathBuf::from(".")]),
        Some(name) if !args.paths.iter().any(|path| path == stdin) => Err(format!(
            "--stdin-filename '{}' names stdin, but no '-' among the paths reads it: add '-', \
             or leave the paths out",
            name.display()
        )),
        _ => Ok(args.paths.clone()),
    }
}

fn check_stdin(
    args: &CheckArgs,
    paths: usize,
    options: &CheckOptions,
) -> Result<RunResult, String> {
    if paths > 1 {
        return Err("'-' (stdin) cannot be combined with other paths".to_owned());
    }
    let kind = options
        .kind
        .or_else(|| (args.stdin_filename.as_deref()).and_then(|name| options.file_kinds.of(name)))
        .ok_or("reading stdin needs --lang go|rust|sql|ts|js|markdown, or --stdin-filename with a name whose extension tells")?;
    // An editor hands every buffer with its name: one idemlint.toml excludes is checked
    // only when it is not asked to respect the exclusions.
    if args.force_exclude
        && let Some(name) = &args.stdin_filename
        && options.exclude.is_excluded(
            name,
            false,
            &std::env::current_dir().map_err(|e| e.to_string())?,
        )
    {
        return Ok(RunResult::default());
    }
    let in_project = args.stdin_filename.is_some();
    let shown = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("<stdin>"));
    let stdin = io::stdin().lock();
    Ok(run::check_reader(&shown, stdin, kind, in_project, options))
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
        idemlint::analysis::classify(&mut module, lang, &knowledge);
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
    use idemlint::finding::Label;
    use idemlint::message::Message;
    use idemlint::report::FileFindings;

    fn outcome(severities: &[Severity], errors: usize) -> RunResult {
        let finding = |severity| {
            let mut finding = Finding::new("unchecked-on-conflict", "m", Label::new(0..1, "l"));
            finding.severity = severity;
            finding
        };
        RunResult {
            files: vec![FileFindings {
                path: "a.sql".into(),
                source: "x".to_owned(),
                findings: severities.iter().map(|&s| finding(s)).collect(),
            }],
            messages: vec![Message::error("b.sql".into(), "cannot read 'b.sql'"); errors],
            files_checked: 1,
            timings: Vec::new(),
        }
    }

    #[test]
    fn the_exit_status_follows_severity_and_errors_always_exit_2() {
        use Severity::{Error, Warning};
        let (on_error, on_warning, never) = (Some(Error), Some(Warning), None);
        assert_eq!(status(&outcome(&[], 0), on_warning), SUCCESS);
        assert_eq!(status(&outcome(&[Warning, Error], 0), on_error), FINDINGS);
        assert_eq!(status(&outcome(&[Warning, Warning], 0), on_error), SUCCESS);
        assert_eq!(status(&outcome(&[Warning], 0), on_warning), FINDINGS);
        assert_eq!(status(&outcome(&[Error], 0), never), SUCCESS);
        assert_eq!(status(&outcome(&[Error], 1), on_error), FAILURE);
        assert_eq!(status(&outcome(&[Error], 1), never), FAILURE);
        assert_eq!(status(&outcome(&[], 1), never), FAILURE);
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
}
