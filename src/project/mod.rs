//! The project around a checked file: the other files its calls reach (the rest of its Go
//! package and the module's own packages, the files a relative import names, the crate's
//! modules), each read and lowered the first time a rule follows a call into it, and shared
//! by every file of the run.
//!
//! As rustc's source map does, every file reached gets a range of offsets of its own, far
//! above any checked file's: its units keep their spans there, so a rule can follow a call
//! into another file and label what it finds there without knowing about files. The labels
//! are moved back into their file's own offsets ([`Project::place`]) before findings leave
//! the check.

mod named_packages;
mod scope;

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use elsa::sync::FrozenMap;
use named_packages::NamedPackages;

use crate::finding::{Finding, OtherFile};
use crate::flow::{FileFunctions, FileGate};
use crate::knowledge::Knowledge;
use crate::lang::profile::{Manifests, Profile};
use crate::model::{FileKind, Lang, Module, Span};
pub use scope::Scope;

/// How many folders above a JavaScript package its workspace's other packages are looked
/// for in.
const WORKSPACE_LEVELS: usize = 4;

/// Where the offsets of the first file reached start; the `n`-th file's start at `n + 1`
/// times this. Far above any file that is checked (a terabyte).
const FILE_RANGE: usize = 1 << 40;

/// The files reached from the files checked in one run.
pub struct Project<'k> {
    knowledge: &'k Knowledge,
    max_file_size: u64,
    /// The project's root, absolute: see [`Project::new`].
    root: Option<PathBuf>,
    reached: FrozenMap<PathBuf, Box<OnceLock<Option<Reached>>>>,
    /// The path of the `n`-th file reached, by `n`.
    by_range: FrozenMap<usize, Box<PathBuf>>,
    ranges_given: AtomicUsize,
    /// The files of each package folder read so far, by the names they write right before a
    /// `(` or `[` (those they define among them).
    packages: FrozenMap<PathBuf, Box<FolderNames>>,
    /// The methods defined in each module read so far, by its root folder and the language
    /// of the files indexed.
    modules: FrozenMap<(PathBuf, Lang), Box<FolderNames>>,
    go_modules: FrozenMap<PathBuf, Box<Option<(PathBuf, String)>>>,
    /// Whether a file's text passes a gate, by file and gate (see [`FileGate`]).
    gates: FrozenMap<(PathBuf, &'static str), Box<bool>>,

    /// The `src` folder of the crate around a folder, by folder: asked for every call of a
    /// Rust file whose callee a rule looks up.
    crate_sources: FrozenMap<PathBuf, Box<Option<PathBuf>>>,
    /// The path dependencies of the Rust crate around a folder, by folder.
    path_dependencies: FrozenMap<PathBuf, Vec<(String, PathBuf)>>,
    /// The root of the JavaScript package around a folder, by folder.
    node_packages: FrozenMap<PathBuf, Box<Option<PathBuf>>>,
    /// The JavaScript packages below each folder searched for one by name.
    named_packages: NamedPackages,
}

/// A file reached from a checked one, lowered and classified, its spans in its own range.
pub struct Reached {
    pub file: Arc<OtherFile>,
    pub lang: Lang,
    pub module: Module,
    functions: FileFunctions,
    start: usize,
}

impl<'k> Project<'k> {
    /// `root`, if given, is the project's root folder (`--project-root`): manifests are
    /// looked for no higher.
    pub fn new(knowledge: &'k Knowledge, max_file_size: u64, root: Option<&Path>) -> Project<'k> {
        Project {
            knowledge,
            max_file_size,
            root: root.and_then(|root| std::fs::canonicalize(root).ok()),
            reached: FrozenMap::new(),
            by_range: FrozenMap::new(),
            ranges_given: AtomicUsize::new(0),
            packages: FrozenMap::new(),
            modules: FrozenMap::new(),
            go_modules: FrozenMap::new(),
            gates: FrozenMap::new(),
            crate_sources: FrozenMap::new(),
            path_dependencies: FrozenMap::new(),
            node_packages: FrozenMap::new(),
            named_packages: NamedPackages::default(),
        }
    }

    /// The file at `path` (as the user would see it), read and lowered on first use; `None`
    /// if it cannot be read, is too large or binary, or is in no language idemlint reads.
    pub fn reach(&self, path: &Path) -> Option<&Reached> {
        let path = normalize(path);
        let cell = self.reached.insert(path.clone(), Box::new(OnceLock::new()));
        cell.get_or_init(|| self.read(&path)).as_ref()
    }

    fn read(&self, path: &Path) -> Option<Reached> {
        let lang = Lang::from_path(path)?;
        let metadata = std::fs::metadata(path).ok()?;
        if !metadata.is_file() || metadata.len() > self.max_file_size {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        if bytes.contains(&0) {
            return None;
        }
        let source = String::from_utf8_lossy(&bytes).into_owned();
        let n = self.ranges_given.fetch_add(1, Ordering::Relaxed);
        let start = (n + 1).checked_mul(FILE_RANGE)?;
        // A file that cannot be lowered leaves its callers' calls unresolved, as any
        // function outside the project does; it is reported when it is checked itself.
        let module = crate::panic_boundary::guarded(|| {
            let mut module = crate::lang::lower(lang, &source);
            // Moved before the calls are classified: a query's SQL text keeps the offsets
            // of the string it was read from.
            for unit in &mut module.units {
                unit.move_by(start);
            }
            crate::analysis::classify(&mut module, &source, lang, self.knowledge);
            module
        })
        .ok()?;
        self.by_range.insert(n, Box::new(path.to_owned()));
        Some(Reached {
            file: Arc::new(OtherFile {
                path: path.to_owned(),
                source: source.into(),
            }),
            lang,
            functions: FileFunctions::new(&module.units),
            module,
            start,
        })
    }

    /// Whether the text of the file at `path` passes `gate`; a file that cannot be read does
    /// not.
    fn passes(&self, path: &Path, gate: &FileGate) -> bool {
        let key = (normalize(path), gate.name);
        if let Some(known) = self.gates.get(&key) {
            return *known;
        }
        let passes = std::fs::metadata(path)
            .is_ok_and(|metadata| metadata.is_file() && metadata.len() <= self.max_file_size)
            && std::fs::read(path).is_ok_and(|text| {
                let lang = FileKind::from_path(path).and_then(|kind| kind.lang());
                (gate.admits)(&text, lang, self.knowledge)
            });
        *self.gates.insert(key, Box::new(passes))
    }

    /// The file reached whose range holds `offset`, if `offset` is not in a checked file.
    fn reached_at(&self, offset: usize) -> Option<&Reached> {
        let n = (offset / FILE_RANGE).checked_sub(1)?;
        let path = self.by_range.get(&n)?;
        self.reached.get(path)?.get()?.as_ref()
    }

    /// The files of the package folder `dir` that share a scope with `file` and may define
    /// `function` (their text names it before a `(` or `[`, in any case where the language
    /// ignores it), in path order.
    fn package_files(&self, dir: &Path, file: &Path, function: &str, lang: Lang) -> Vec<&Path> {
        let profile = crate::lang::profile_of(lang);
        self.folder_files_naming(dir, file, function, lang, |file, other| {
            profile.shares_package(file, other)
        })
    }

    /// The files of the package folder `dir` that may define what `file` calls and define a
    /// method named `method` on some type (see [`Profile::method_names`]), in path order.
    ///
    /// [`Profile::method_names`]: crate::lang::profile::Profile::method_names
    fn method_files(&self, dir: &Path, file: &Path, method: &str, lang: Lang) -> Vec<&Path> {
        self.folder(dir).defining(method, file, lang)
    }

    /// The files of the module whose root is `root` that may define what `file` calls and
    /// define a method named `method` on some type, in path order. The module's files are
    /// read once, for their methods only (see [`FolderNames::read_module`]).
    fn module_method_files(
        &self,
        root: &Path,
        file: &Path,
        method: &str,
        lang: Lang,
    ) -> Vec<&Path> {
        let key = (normalize(root), lang);
        let module = match self.modules.get(&key) {
            Some(module) => module,
            None => {
                let module = FolderNames::read_module(&key.0, lang, self.max_file_size);
                self.modules.insert(key, Box::new(module))
            }
        };
        module.defining(method, file, lang)
    }

    /// The files of folder `dir` that may call a function of `file` named `function` (the
    /// language lets them, and their text names it before a `(`), in path order.
    fn folder_files_calling(
        &self,
        dir: &Path,
        file: &Path,
        function: &str,
        lang: Lang,
    ) -> Vec<&Path> {
        let (_, own) = function.rsplit_once(['.', ':']).unwrap_or(("", function));
        let profile = crate::lang::profile_of(lang);
        self.folder_files_naming(dir, file, own, lang, |file, other| {
            Lang::from_path(other) == Some(lang) && profile.may_call(other, file)
        })
    }

    /// The files of folder `dir` other than `file` whose text names `name` before a `(` or
    /// `[` (in any case where the language ignores it) and that `related` admits, in path
    /// order.
    fn folder_files_naming(
        &self,
        dir: &Path,
        file: &Path,
        name: &str,
        lang: Lang,
        related: impl Fn(&Path, &Path) -> bool,
    ) -> Vec<&Path> {
        let folder = self.folder(dir);
        let name = match crate::lang::profile_of(lang).names_ignore_case() {
            true => name.to_ascii_lowercase(),
            false => name.to_owned(),
        };
        let Some(naming) = folder.by_name.get(&name) else {
            return Vec::new();
        };
        let file = normalize(file);
        (naming.iter())
            .map(|&i| folder.files[i].as_path())
            .filter(|other| *other != file && related(&file, other))
            .collect()
    }

    /// The index of folder `dir`, read on first use.
    fn folder(&self, dir: &Path) -> &FolderNames {
        // A file named without a folder is in the working directory.
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let dir = normalize(dir);
        match self.packages.get(&dir) {
            Some(folder) => folder,
            None => {
                let folder = FolderNames::read(&dir, self.max_file_size);
                self.packages.insert(dir, Box::new(folder))
            }
        }
    }

    /// Moves every label that points into a file reached back into that file's own offsets,
    /// naming the file. Edits there are dropped: a fix changes only the finding's own file.
    /// A finding whose primary label is in another file is dropped (`false`): a finding is
    /// reported where its code is checked.
    pub fn place(&self, finding: &mut Finding) -> bool {
        if finding.primary.span.start >= FILE_RANGE {
            return false;
        }
        for label in &mut finding.secondary {
            if let Some(reached) = self.reached_at(label.span.start) {
                label.span = moved(&label.span, reached.start);
                label.file = Some(reached.file.clone());
            }
        }
        if let Some(fix) = &mut finding.fix {
            fix.edits.retain(|edit| edit.span.start < FILE_RANGE);
        }
        true
    }
}

fn moved(span: &Span, back: usize) -> Span {
    span.start - back..span.end - back
}

impl Manifests for Project<'_> {
    fn path_dependencies(&self, file: &Path) -> Vec<(String, PathBuf)> {
        let Some(dir) = file.parent().map(normalize) else {
            return Vec::new();
        };
        if let Some(known) = self.path_dependencies.get(&dir) {
            return known.to_vec();
        }
        let found = (self.folder_above(&dir, "Cargo.toml"))
            .map(|root| {
                let workspace = root.join("..");
                let workspace = self.up_to(&workspace, is_workspace_root);
                rust_path_dependencies(&root, workspace.as_deref())
            })
            .unwrap_or_default();
        self.path_dependencies.insert(dir, found).to_vec()
    }

    fn go_module(&self, dir: &Path) -> Option<(PathBuf, String)> {
        let dir = normalize(dir);
        if let Some(known) = self.go_modules.get(&dir) {
            return known.clone();
        }
        let found = self.folder_above(&dir, "go.mod").and_then(|root| {
            let text = std::fs::read_to_string(root.join("go.mod")).ok()?;
            Some((root, go_module_path(&text)?))
        });
        self.go_modules.insert(dir, Box::new(found)).clone()
    }

    fn node_package_named(&self, name: &str, dir: &Path) -> Option<PathBuf> {
        // A workspace's packages are siblings (`packages/common` beside `packages/api`) or
        // cousins (`apps/api` and `packages/db`), and a package.json may stand in a folder
        // of a package only to set its module type: the folders above the importing
        // package are searched, nearest first, a few levels up, never above the root nor
        // above a repository's root.
        let mut folder = self.node_package_root(dir)?;
        for _ in 0..WORKSPACE_LEVELS {
            folder = normalize(&folder.join(".."));
            if self.root.is_some() && self.root_above(&folder).is_none() {
                return None;
            }
            if let Some(found) = self.named_packages.below(&folder, name) {
                return found;
            }
            if folder.join(".git").exists() {
                return None;
            }
        }
        None
    }

    fn node_package_root(&self, dir: &Path) -> Option<PathBuf> {
        let dir = normalize(dir);
        if let Some(known) = self.node_packages.get(&dir) {
            return known.clone();
        }
        // Where no package.json is found below the project's root, the root is the package.
        let found = self
            .folder_above(&dir, "package.json")
            .or_else(|| self.root_above(&dir));
        self.node_packages.insert(dir, Box::new(found)).clone()
    }

    fn crate_source_root(&self, file: &Path) -> Option<PathBuf> {
        let file = normalize(file);
        let dir = file.parent()?;
        let src = match self.crate_sources.get(dir) {
            Some(known) => known.clone(),
            None => {
                let found =
                    (self.folder_above(dir, "Cargo.toml")).map(|root| normalize(&root.join("src")));
                self.crate_sources
                    .insert(dir.to_owned(), Box::new(found))
                    .clone()
            }
        }?;
        (src.as_os_str() == "." || file.starts_with(&src)).then_some(src)
    }
}

impl Project<'_> {
    /// The nearest folder at or above `dir`, and not above the project's root, that holds
    /// `manifest`: written the way `dir` is (a relative folder stays relative: `..` steps up
    /// past the working directory).
    fn folder_above(&self, dir: &Path, manifest: &str) -> Option<PathBuf> {
        self.up_to(dir, |folder| folder.join(manifest).is_file())
    }

    /// The project's root, if `dir` is inside it, written the way `dir` is.
    fn root_above(&self, dir: &Path) -> Option<PathBuf> {
        let root = self.root.as_deref()?;
        self.up_to(dir, |folder| folder == root)
    }

    /// The first folder at or above `dir` that `wanted`, stopping at the project's root when
    /// `dir` is inside it.
    fn up_to(&self, dir: &Path, wanted: impl Fn(&Path) -> bool) -> Option<PathBuf> {
        let absolute = std::fs::canonicalize(dir).ok()?;
        let inside = |folder: &Path| {
            (self.root.as_deref())
                .is_none_or(|root| !absolute.starts_with(root) || folder.starts_with(root))
        };
        let up = (absolute.ancestors())
            .take_while(|folder| inside(folder))
            .position(wanted)?;
        Some(normalize(
            &(0..up).fold(dir.to_owned(), |path, _| path.join("..")),
        ))
    }
}

/// Whether `folder` holds the `Cargo.toml` of a workspace.
fn is_workspace_root(folder: &Path) -> bool {
    std::fs::read_to_string(folder.join("Cargo.toml"))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .is_some_and(|manifest| manifest.contains_key("workspace"))
}

/// The crates the crate at `root` depends on by path, each by the name its code writes and
/// its `src` folder: a `path` of its own, or `workspace = true` and the path the workspace at
/// `workspace` gives.
fn rust_path_dependencies(root: &Path, workspace: Option<&Path>) -> Vec<(String, PathBuf)> {
    let manifest = |folder: &Path| {
        (std::fs::read_to_string(folder.join("Cargo.toml")).ok())
            .and_then(|text| text.parse::<toml::Table>().ok())
    };
    let Some(own) = manifest(root) else {
        return Vec::new();
    };
    let shared = workspace.and_then(|workspace| Some((workspace, manifest(workspace)?)));
    let shared_path = |name: &str| {
        let (folder, manifest) = shared.as_ref()?;
        let dependency = manifest.get("workspace")?.get("dependencies")?.get(name)?;
        Some(folder.join(dependency.get("path")?.as_str()?))
    };
    let Some(dependencies) = own.get("dependencies").and_then(toml::Value::as_table) else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf)> = (dependencies.iter())
        .filter_map(|(name, dependency)| {
            let folder = match dependency.get("path").and_then(toml::Value::as_str) {
                Some(path) => root.join(path),
                None if dependency.get("workspace").and_then(toml::Value::as_bool)
                    == Some(true) =>
                {
                    shared_path(name)?
                }
                None => return None,
            };
            Some((name.replace('-', "_"), normalize(&folder.join("src"))))
        })
        .collect();
    found.sort();
    found
}

/// The module path a `go.mod` declares.
fn go_module_path(go_mod: &str) -> Option<String> {
    go_mod.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("module")?;
        let path = rest.trim().trim_matches('"');
        (rest.starts_with([' ', '\t']) && !path.is_empty()).then(|| path.to_owned())
    })
}

/// The files of a folder (in path order), and for each name written right before a `(` or
/// `[` in them, the files that write it: a cheap index that rules out the files of a package
/// that cannot define or call a function, read once per folder.
#[derive(Default)]
struct FolderNames {
    files: Vec<PathBuf>,
    /// Indexes into `files`, in path order.
    by_name: HashMap<String, Vec<usize>>,
    /// The files defining a method of each name, as indexes into `files` in path order.
    methods: HashMap<String, Vec<usize>>,
}

impl FolderNames {
    fn read(dir: &Path, max_file_size: u64) -> FolderNames {
        let mut files: Vec<(PathBuf, Lang)> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(|entry| {
                let path = normalize(&dir.join(entry.ok()?.file_name()));
                let lang = Lang::from_path(&path)?;
                let metadata = std::fs::metadata(&path).ok()?;
                (metadata.is_file() && metadata.len() <= max_file_size).then_some((path, lang))
            })
            .collect();
        files.sort();
        let mut folder = FolderNames::default();
        for (path, lang) in files {
            let Ok(mut text) = std::fs::read(&path) else {
                continue;
            };
            let at = folder.files.len();
            let profile = crate::lang::profile_of(lang);
            for method in indexed_methods(profile, &path, &text) {
                let files = folder.methods.entry(method).or_default();
                if files.last() != Some(&at) {
                    files.push(at);
                }
            }
            // A language whose names ignore case is looked up in lowercase.
            if profile.names_ignore_case() {
                text.make_ascii_lowercase();
            }
            for name in names_before_calls(&text) {
                folder.by_name.entry(name).or_default().push(at);
            }
            folder.files.push(path);
        }
        folder
    }
}

impl FolderNames {
    /// The files indexed here, other than `file`, that define a method named `method` and
    /// may be what `file` calls, as `lang`'s profile says, in path order.
    fn defining(&self, method: &str, file: &Path, lang: Lang) -> Vec<&Path> {
        let Some(defining) = self.methods.get(method) else {
            return Vec::new();
        };
        let profile = crate::lang::profile_of(lang);
        let file = normalize(file);
        (defining.iter())
            .map(|&i| self.files[i].as_path())
            .filter(|other| *other != file && profile.may_define_for(&file, other))
            .collect()
    }

    /// The methods of the files of `lang` below `root`, a module's root: outside hidden and
    /// `_` folders, `vendor`, `testdata`, `node_modules`, built `dist`, and folders that are
    /// the root of a module of their own. Only the methods are indexed: names before a `(`
    /// are asked of a package, not of a module.
    fn read_module(root: &Path, lang: Lang, max_file_size: u64) -> FolderNames {
        let profile = crate::lang::profile_of(lang);
        let manifest = profile.module_manifest();
        let mut files = Vec::new();
        let mut folders = vec![root.to_owned()];
        while let Some(dir) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let path = normalize(&dir.join(&*name));
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    let skipped = name.starts_with(['.', '_'])
                        || matches!(&*name, "vendor" | "testdata" | "node_modules" | "dist")
                        || manifest.is_some_and(|m| path.join(m).is_file());
                    if !skipped {
                        folders.push(path);
                    }
                } else if kind.is_file()
                    && Lang::from_path(&path) == Some(lang)
                    && entry.metadata().is_ok_and(|m| m.len() <= max_file_size)
                {
                    files.push(path);
                }
            }
        }
        files.sort();
        let mut module = FolderNames::default();
        for path in files {
            let Ok(text) = std::fs::read(&path) else {
                continue;
            };
            let at = module.files.len();
            for method in indexed_methods(profile, &path, &text) {
                let defining = module.methods.entry(method).or_default();
                if defining.last() != Some(&at) {
                    defining.push(at);
                }
            }
            module.files.push(path);
        }
        module
    }
}

/// The methods of a file worth an index: those looked up, of a file that is not a test
/// double.
fn indexed_methods(profile: &dyn Profile, path: &Path, text: &[u8]) -> Vec<String> {
    if is_generated_double(path, text) {
        return Vec::new();
    }
    let mut methods = profile.method_names(text);
    methods.retain(|method| looked_up(method));
    methods
}

/// Whether a file is a generated test double (MockGen's, mockery's, counterfeiter's, or any
/// file of a `mocks` folder): its methods implement an interface for tests, so they make no
/// call the service runs ambiguous.
fn is_generated_double(path: &Path, text: &[u8]) -> bool {
    let in_mocks = path
        .components()
        .any(|c| matches!(c.as_os_str().to_str(), Some("mocks" | "mock" | "fakes")));
    let header = &text[..text.len().min(1024)];
    let generated_double = [&b"by MockGen"[..], b"by mockery", b"by counterfeiter"]
        .iter()
        .any(|generator| memchr::memmem::find(header, generator).is_some());
    in_mocks || generated_double
}

/// Whether a method of this name is ever looked up: only names of two words or more are (see
/// [`Scope`]'s lookup of a method); the others are not worth their place in an index.
fn looked_up(method: &str) -> bool {
    crate::knowledge::words(method).len() >= 2
}

/// The whole words of `text` written right before a `(` or `[`.
fn names_before_calls(text: &[u8]) -> HashSet<String> {
    let is_word = |b: &u8| *b == b'_' || b.is_ascii_alphanumeric();
    let mut names = HashSet::new();
    for (at, _) in text
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b, b'(' | b'['))
    {
        let start = text[..at]
            .iter()
            .rposition(|b| !is_word(b))
            .map_or(0, |i| i + 1);
        if start < at {
            names.insert(String::from_utf8_lossy(&text[start..at]).into_owned());
        }
    }
    names
}

/// `path` without `.` components and with each `..` taking away the folder before it, as
/// far as the path itself says (a leading `..` stays): the same file has one name however
/// an import reached it.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_lexically() {
        assert_eq!(
            normalize(Path::new("./a/b/../c.ts")),
            PathBuf::from("a/c.ts")
        );
        assert_eq!(
            normalize(Path::new("../x/./y.go")),
            PathBuf::from("../x/y.go")
        );
        assert_eq!(normalize(Path::new("/a/../b")), PathBuf::from("/b"));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
    }

    #[test]
    fn go_mod_names_its_module() {
        let text = "// comment\nmodule github.com/o/r\n\ngo 1.22\n";
        assert_eq!(go_module_path(text).as_deref(), Some("github.com/o/r"));
        assert_eq!(go_module_path("modulex y\n"), None);
    }

    #[test]
    fn a_definition_is_a_name_before_a_parenthesis() {
        let names =
            names_before_calls(b"func backoff(n int)\nfunc jitter[T any](n T)\nx := spread");
        let mut names: Vec<String> = names.into_iter().collect();
        names.sort();
        assert_eq!(names, ["backoff", "jitter"]);
    }
}
