//! Paths as the run compares and shows them.

use std::path::{Component, Path, PathBuf};

/// `path` with `.` and `..` resolved lexically: `/a/./b/../c` → `/a/c`.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` as output shows it: `./` dropped, and relative to `cwd` if it lies under it.
pub fn display_path(path: &Path, cwd: Option<&Path>) -> PathBuf {
    let relative = cwd
        .filter(|_| path.is_absolute())
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .filter(|rest| !rest.as_os_str().is_empty())
        .unwrap_or(path);
    let cleaned: PathBuf = relative
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    if cleaned.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_drop_dot_and_the_working_directory() {
        let cwd = Some(Path::new("/home/me/project"));
        let shown = |p: &str| display_path(Path::new(p), cwd);
        assert_eq!(shown("./src/a.go"), Path::new("src/a.go"));
        assert_eq!(shown("src/./a.go"), Path::new("src/a.go"));
        assert_eq!(shown("/home/me/project/db/x.sql"), Path::new("db/x.sql"));
        assert_eq!(shown("/elsewhere/x.sql"), Path::new("/elsewhere/x.sql"));
        assert_eq!(shown("../other/x.sql"), Path::new("../other/x.sql"));
        assert_eq!(shown("."), Path::new("."));
        assert_eq!(shown("/home/me/project"), Path::new("/home/me/project"));
    }
}
