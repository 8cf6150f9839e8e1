//! The languages idemlint reads, and the kinds of file it checks.

/// The source languages idemlint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Go,
    Rust,
    Sql,
    /// TypeScript and JavaScript (`.ts`, `.tsx`, `.mts`, `.cts`, `.js`, `.jsx`, `.mjs`, `.cjs`):
    /// one front-end reads both.
    TypeScript,
    /// Python (`.py`, `.pyi`).
    Python,
}

// `Lang::ALL` lists every variant: a new one does not compile here until it is listed
// there too.
const _: () = match Lang::Go {
    Lang::Go | Lang::Rust | Lang::Sql | Lang::TypeScript | Lang::Python => (),
};

impl Lang {
    /// Every language, in the order of the variants. A rule that reads every language says
    /// so with this, and a new language reaches it without an edit.
    pub const ALL: &'static [Lang] = &[
        Lang::Go,
        Lang::Rust,
        Lang::Sql,
        Lang::TypeScript,
        Lang::Python,
    ];

    /// The host languages, whose code runs around the database with SQL in its strings
    /// (every language whose code is not SQL itself): where retry loops, sleeps and backoff
    /// are written. A rule about those reads these.
    pub const HOSTS: &'static [Lang] = &Lang::hosts();

    pub fn name(self) -> &'static str {
        match self {
            Lang::Go => "go",
            Lang::Rust => "rust",
            Lang::Sql => "sql",
            Lang::TypeScript => "typescript",
            Lang::Python => "python",
        }
    }

    /// Whether a failing call throws (rather than returning an error value): a variable
    /// assigned from a call then holds its success value, and a failure leaves the
    /// function unless a `try` catches it.
    pub fn fails_by_throwing(self) -> bool {
        match self {
            Lang::TypeScript | Lang::Python => true,
            Lang::Go | Lang::Rust | Lang::Sql => false,
        }
    }

    /// Whether the file's code is SQL itself, rather than host code with SQL in strings.
    /// A `const fn`, for [`Lang::HOSTS`].
    pub const fn code_is_sql(self) -> bool {
        match self {
            Lang::Sql => true,
            Lang::Go | Lang::Rust | Lang::TypeScript | Lang::Python => false,
        }
    }

    /// [`Lang::HOSTS`]: the languages of [`Lang::ALL`] whose code is not SQL, in order.
    const fn hosts() -> [Lang; Lang::host_count()] {
        // Every slot is overwritten: there are exactly as many hosts as slots.
        let mut hosts = [Lang::Go; Lang::host_count()];
        let (mut from, mut to) = (0, 0);
        while from < Lang::ALL.len() {
            if !Lang::ALL[from].code_is_sql() {
                hosts[to] = Lang::ALL[from];
                to += 1;
            }
            from += 1;
        }
        hosts
    }

    const fn host_count() -> usize {
        let (mut i, mut count) = (0, 0);
        while i < Lang::ALL.len() {
            if !Lang::ALL[i].code_is_sql() {
                count += 1;
            }
            i += 1;
        }
        count
    }

    /// The language of a file, from its extension.
    pub fn from_path(path: &std::path::Path) -> Option<Lang> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "go" => Some(Lang::Go),
            "rs" => Some(Lang::Rust),
            "sql" | "psql" | "pgsql" => Some(Lang::Sql),
            "ts" | "tsx" | "mts" | "cts" | "js" | "jsx" | "mjs" | "cjs" => Some(Lang::TypeScript),
            "py" | "pyi" => Some(Lang::Python),
            _ => None,
        }
    }

    /// The language a name means, on the command line (`--lang`) or in a Markdown code
    /// block's info string.
    pub fn from_name(name: &str) -> Option<Lang> {
        match name {
            "go" | "golang" => Some(Lang::Go),
            "rust" | "rs" => Some(Lang::Rust),
            "sql" | "postgresql" | "psql" => Some(Lang::Sql),
            "ts" | "typescript" | "tsx" | "js" | "javascript" | "jsx" => Some(Lang::TypeScript),
            "python" | "py" => Some(Lang::Python),
            _ => None,
        }
    }
}

/// What a file idemlint checks is: source code in one language, or Markdown, a container of
/// fenced code blocks each checked in the language its info string names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    Code(Lang),
    Markdown,
}

impl FileKind {
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Code(lang) => lang.name(),
            FileKind::Markdown => "markdown",
        }
    }

    /// The language of the file's code, unless it is a container of several.
    pub fn lang(self) -> Option<Lang> {
        match self {
            FileKind::Code(lang) => Some(lang),
            FileKind::Markdown => None,
        }
    }

    /// What a file is, from its extension.
    pub fn from_path(path: &std::path::Path) -> Option<FileKind> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "md" | "markdown" => Some(FileKind::Markdown),
            _ => Lang::from_path(path).map(FileKind::Code),
        }
    }

    /// The names of every kind, one each, as [`FileKind::from_name`] reads them: for the
    /// message that answers a name it does not know.
    pub fn names() -> Vec<&'static str> {
        let mut names: Vec<&str> = Lang::ALL.iter().map(|lang| lang.name()).collect();
        names.push(FileKind::Markdown.name());
        names
    }

    /// What a name on the command line (`--lang`) means.
    pub fn from_name(name: &str) -> Option<FileKind> {
        match name {
            "markdown" | "md" => Some(FileKind::Markdown),
            _ => Lang::from_name(name).map(FileKind::Code),
        }
    }
}

/// What files are, by extension: the built-in extensions and a project's own
/// (`[extensions]` in idemlint.toml: `tmpl = "sql"`), matched in any case.
#[derive(Clone, Debug, Default)]
pub struct FileKinds {
    /// Extensions lower-cased, without the dot; they win over the built-in ones.
    extra: std::collections::BTreeMap<String, FileKind>,
}

impl FileKinds {
    /// `extension` (with or without its dot, in any case) holds `kind`.
    pub fn add(&mut self, extension: &str, kind: FileKind) {
        let extension = extension.trim_start_matches('.').to_ascii_lowercase();
        self.extra.insert(extension, kind);
    }

    pub fn of(&self, path: &std::path::Path) -> Option<FileKind> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        (self.extra.get(&extension).copied()).or_else(|| FileKind::from_path(path))
    }

    /// The language of a file of source code.
    pub fn lang_of(&self, path: &std::path::Path) -> Option<Lang> {
        self.of(path).and_then(FileKind::lang)
    }
}
