#!/usr/bin/env python3
"""The ecosystem check: idemlint over real repositories nobody here wrote.

Reads the pinned list corpora/ecosystem/repos.tsv, finds each repository in a local
mirror folder, checks the pinned commit's tree, and compares every finding with the
ledger corpora/ecosystem/ledger.tsv, where each finding is judged `tp`, `fp` or
`debatable`. It prints the findings the ledger does not know (new) and the ledger rows
the run no longer produces (vanished), every parse warning, and the time per
repository, and rewrites the generated part of docs/ecosystem.md (precision per rule).

The mirror folder holds one entry per repository, named `owner+name` or `owner/name`:
a checkout, a git directory, or a folder holding either as `repo` (what a snapshot
fetch leaves). A git directory's commit is written out once into a tree cache
(`--trees`, default ~/.cache/idemlint-ecosystem); files missing from a partial mirror
(large blobs) are skipped. No third-party source enters this repository.

Usage: scripts/ecosystem.py MIRROR_ROOT [--idemlint BIN] [--add-new] [--only REPO ...]
(scripts/ecosystem.sh builds the release binary first and passes it on.)
"""

import argparse
import collections
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ECOSYSTEM = REPO / "corpora" / "ecosystem"
REPOS_TSV = ECOSYSTEM / "repos.tsv"
LEDGER_TSV = ECOSYSTEM / "ledger.tsv"
DOC = REPO / "docs" / "ecosystem.md"
BEGIN = "<!-- ecosystem:begin (written by scripts/ecosystem.py) -->"
END = "<!-- ecosystem:end -->"
VERDICTS = ("tp", "fp", "debatable", "unjudged")
LEDGER_COLUMNS = ["repo", "commit", "path", "line", "rule", "verdict", "reason"]


def read_tsv(path):
    """Rows of a TSV file with a header line, as dicts; `#` lines are comments."""
    rows = []
    with open(path, encoding="utf-8") as f:
        header = None
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if header is None:
                header = fields
                continue
            rows.append(dict(zip(header, fields)))
    return rows


def write_ledger(rows):
    rows = sorted(rows, key=lambda r: (r["repo"], r["path"], int(r["line"]), r["rule"]))
    with open(LEDGER_TSV, "w", encoding="utf-8") as f:
        f.write("\t".join(LEDGER_COLUMNS) + "\n")
        for row in rows:
            f.write("\t".join(row.get(c, "") for c in LEDGER_COLUMNS) + "\n")


def git(git_dir, *args, **kwargs):
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True, **kwargs
    ).stdout


def locate(mirror_root, name):
    """The repository's checkout or git directory in the mirror, or None."""
    for entry in (mirror_root / name.replace("/", "+"), mirror_root / name):
        for candidate in (entry / "repo", entry):
            if (candidate / ".git").exists():
                return candidate, "checkout"
            if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
                return candidate, "git"
    return None, None


def write_tree(git_dir, commit, into):
    """Writes the files of `commit` into `into`, skipping blobs the mirror lacks."""
    listing = git(git_dir, "ls-tree", "-r", "-z", "--full-tree", commit)
    blobs = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, kind, oid = meta.split()
        if kind == b"blob" and mode in (b"100644", b"100755"):
            blobs.append((oid.decode(), path.decode("utf-8", "surrogateescape")))
    partial = into.with_name(into.name + ".part")
    subprocess.run(["rm", "-rf", str(partial)], check=True)
    missing = 0
    with subprocess.Popen(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    ) as batch:
        for oid, path in blobs:
            batch.stdin.write(oid.encode() + b"\n")
            batch.stdin.flush()
            header = batch.stdout.readline().split()
            if len(header) < 2 or header[1] == b"missing":
                missing += 1
                continue
            content = batch.stdout.read(int(header[2]))
            batch.stdout.read(1)
            target = partial / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        batch.stdin.close()
    partial.rename(into)
    return len(blobs), missing


def tree_for(mirror_root, trees, repo):
    """The folder holding the pinned tree of `repo`, or (None, why)."""
    found, kind = locate(mirror_root, repo["repo"])
    if found is None:
        return None, "not in the mirror"
    commit = repo["commit"]
    if kind == "checkout":
        head = git(found / ".git", "rev-parse", "HEAD").decode().strip()
        if head != commit:
            return None, f"checkout is at {head[:12]}, the list pins {commit[:12]}"
        return found, None
    try:
        git(found, "cat-file", "-e", f"{commit}^{{commit}}")
    except subprocess.CalledProcessError:
        return None, f"the mirror lacks commit {commit[:12]}"
    into = trees / f"{repo['repo'].replace('/', '+')}@{commit[:12]}"
    if not into.is_dir():
        total, missing = write_tree(found, commit, into)
        if missing:
            print(f"  {repo['repo']}: {missing} of {total} files are not in the mirror (large blobs)")
    return into, None


def run_idemlint(binary, tree):
    started = time.monotonic()
    done = subprocess.run(
        [binary, "check", ".", "--format", "json", "--exit-zero", "--color", "never", "--timings"],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    took = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"idemlint exited {done.returncode}: {done.stderr[-2000:]}")
    findings = json.loads(done.stdout)["findings"]
    stderr, _, timings = done.stderr.partition("timings: ")
    files = int(timings.split()[0]) if timings else 0
    messages = [line for line in stderr.splitlines() if line.strip()]
    return findings, messages, files, took


def key(row):
    return (row["repo"], row["path"], str(row["line"]), row["rule"])


def precision_table(judged):
    """Markdown rows: rule, tp, fp, debatable, unjudged, strict and lenient precision."""
    counts = collections.defaultdict(collections.Counter)
    for row in judged:
        counts[row["rule"]][row["verdict"]] += 1
    lines = [
        "| rule | findings | tp | fp | debatable | unjudged | precision tp/(tp+fp) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    total = collections.Counter()
    for rule in sorted(counts):
        c = counts[rule]
        total.update(c)
        lines.append(table_row(rule, c))
    lines.append(table_row("**all**", total))
    return lines


def table_row(name, c):
    n = sum(c.values())
    strict = c["tp"] + c["fp"]
    precision = f"{c['tp'] / strict:.2f}" if strict else "n/a"
    return (
        f"| {name} | {n} | {c['tp']} | {c['fp']} | {c['debatable']} | {c['unjudged']} "
        f"| {precision} |"
    )


def write_doc(judged, per_repo, warnings, commit_of_tool):
    lines = [BEGIN, "", f"Run at idemlint `{commit_of_tool}` over {len(per_repo)} repositories.", ""]
    lines += precision_table(judged)
    lines += [
        "",
        "| repository | files checked | findings | parse warnings | seconds |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, stats in sorted(per_repo.items()):
        lines.append(
            f"| {name} | {stats['files']} | {stats['findings']} | {stats['warnings']} "
            f"| {stats['seconds']:.2f} |"
        )
    lines += ["", f"Parse warnings in all: {len(warnings)}.", "", END]
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Ecosystem check\n\n{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOC.write_text(head + "\n".join(lines) + tail, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mirror_root", type=Path)
    parser.add_argument("--idemlint", default=str(REPO / "target" / "release" / "idemlint"))
    parser.add_argument("--trees", type=Path, default=Path.home() / ".cache" / "idemlint-ecosystem")
    parser.add_argument("--add-new", action="store_true", help="append new findings to the ledger as `unjudged`")
    parser.add_argument("--drop-vanished", action="store_true", help="remove vanished rows from the ledger")
    parser.add_argument("--only", nargs="*", help="check only these repositories (owner/name)")
    parser.add_argument("--out", type=Path, default=REPO / "target" / "ecosystem", help="where findings and warnings are written")
    args = parser.parse_args()

    repos = read_tsv(REPOS_TSV)
    if args.only:
        repos = [r for r in repos if r["repo"] in args.only]
    ledger = read_tsv(LEDGER_TSV) if LEDGER_TSV.exists() else []
    bad = [r for r in ledger if r.get("verdict") not in VERDICTS]
    if bad:
        sys.exit(f"ledger: {len(bad)} rows with a verdict other than {', '.join(VERDICTS)}, e.g. {bad[0]}")
    args.trees.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)

    checked, missing = [], []
    current, warnings, per_repo = {}, [], {}
    for repo in repos:
        tree, why = tree_for(args.mirror_root, args.trees, repo)
        if tree is None:
            missing.append(f"{repo['repo']}: {why}")
            continue
        findings, messages, files, took = run_idemlint(args.idemlint, tree)
        checked.append(repo["repo"])
        for f in findings:
            row = {
                "repo": repo["repo"],
                "commit": repo["commit"],
                "path": f["path"].removeprefix("./"),
                "line": str(f["start"]["line"]),
                "rule": f["rule"],
                "message": f["message"],
            }
            current[key(row)] = row
        repo_warnings = [m.replace(str(tree) + "/", "") for m in messages]
        warnings += [f"{repo['repo']}\t{m}" for m in repo_warnings]
        per_repo[repo["repo"]] = {
            "files": files,
            "findings": len(findings),
            "warnings": len(repo_warnings),
            "seconds": took,
        }
        print(f"  {repo['repo']}: {len(findings)} findings, {len(repo_warnings)} messages, {took:.2f}s")

    known = {key(r): r for r in ledger}
    in_scope = [r for r in ledger if r["repo"] in checked]
    new = [row for k, row in sorted(current.items()) if k not in known]
    vanished = [r for r in in_scope if key(r) not in current]

    with open(args.out / "findings.tsv", "w", encoding="utf-8") as f:
        for row in sorted(current.values(), key=lambda r: key(r)):
            f.write("\t".join([row["repo"], row["path"], row["line"], row["rule"], row["message"]]) + "\n")
    with open(args.out / "warnings.tsv", "w", encoding="utf-8") as f:
        f.write("\n".join(warnings) + ("\n" if warnings else ""))

    print(f"\n{len(current)} findings in {len(checked)} repositories; {len(warnings)} messages on stderr")
    for line in missing:
        print(f"missing: {line}")
    for row in new:
        print(f"new: {row['repo']} {row['path']}:{row['line']} {row['rule']}: {row['message']}")
    for row in vanished:
        print(f"vanished ({row['verdict']}): {row['repo']} {row['path']}:{row['line']} {row['rule']}: {row['reason']}")

    if args.add_new or args.drop_vanished:
        gone = {key(r) for r in vanished} if args.drop_vanished else set()
        rows = [r for r in ledger if key(r) not in gone]
        if args.add_new:
            rows += [{**row, "verdict": "unjudged", "reason": ""} for row in new]
        write_ledger(rows)
        ledger = rows

    judged = [r for r in ledger if r["repo"] in checked and key(r) in current]
    judged += [{**row, "verdict": "unjudged"} for row in new] if not args.add_new else []
    tool = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    if not args.only:
        write_doc(judged, per_repo, warnings, tool)
    return 1 if missing and not checked else 0


if __name__ == "__main__":
    sys.exit(main())
