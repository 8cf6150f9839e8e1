//! `idemlint check`: the run, from its paths to its exit status, and the ends it may take
//! instead of a report (`--show-files`, `--write-baseline`, `--diff`).

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use idemlint::baseline::{self, Baseline};
use idemlint::config::{Config, Levels};
use idemlint::diff::ChangedLines;
use idemlint::finding::{Finding, Severity};
use idemlint::fix::{self, Allowed};
use idemlint::message::Level;
use idemlint::model::{Lang, Unit};
use idemlint::prefilter::Prefilter;
use idemlint::report::{self, Format, ReportOptions};
use idemlint::rules::{Context, Rule, RuleMeta};
use idemlint::run::{self, CheckOptions, RunResult};

use super::{
    CheckArgs, ColorWhen, Done, FAILURE, FINDINGS, FailOn, SUCCESS, fixing, print_message, progress,
};

pub(super) fn check(args: &CheckArgs, out: &mut dyn Write) -> Done {
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
}
