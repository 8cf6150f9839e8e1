//! The workspace folders the client has open, and the configuration each document is
//! checked with: the nearest `idemlint.toml` at or above its folder, as `idemlint check`
//! would find it from there, read once and again whenever a configuration file changes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{self, Config, Levels, TestCode};
use crate::knowledge::Knowledge;
use crate::rules::Rule;

/// What the documents under one configuration are checked with.
pub struct Settings {
    pub config: Config,
    pub levels: Levels,
    pub rules: Vec<&'static dyn Rule>,
    pub knowledge: Knowledge,
}

impl Settings {
    fn new(config: Config) -> Result<Settings, String> {
        let levels = Levels::new(&config.levels, &[], &[])?;
        Ok(Settings {
            rules: levels.rules(),
            knowledge: config.knowledge(),
            levels,
            config,
        })
    }

    /// Without a configuration file: every rule at its default level, test code found below
    /// `root`.
    fn defaults(root: &Path) -> Settings {
        let config = Config {
            test_code: TestCode::new(root),
            ..Config::default()
        };
        Settings::new(config).expect("the default levels name only known rules")
    }
}

#[derive(Default)]
pub struct Workspace {
    /// The workspace folders, the longest first: a document's folder is the first that
    /// holds it.
    folders: Vec<PathBuf>,
    /// By the configuration file they were read from (or, without one, by the folder the
    /// defaults were made for).
    settings: HashMap<PathBuf, Arc<Settings>>,
}

/// The settings a document is checked with, and the error of a configuration file that
/// could not be read (the defaults are used instead, as ruff's server does), to be shown
/// once.
pub struct Chosen {
    pub settings: Arc<Settings>,
    pub error: Option<String>,
}

impl Workspace {
    pub fn set_folders(&mut self, mut folders: Vec<PathBuf>) {
        folders.sort_by_key(|folder| std::cmp::Reverse(folder.as_os_str().len()));
        folders.dedup();
        self.folders = folders;
        // The defaults are made for a folder.
        self.settings.clear();
    }

    pub fn folders(&self) -> &[PathBuf] {
        &self.folders
    }

    /// The workspace folder that holds `path`: the project a check follows calls within.
    pub fn folder_of(&self, path: &Path) -> Option<&Path> {
        (self.folders.iter())
            .find(|folder| path.starts_with(folder))
            .map(PathBuf::as_path)
    }

    /// Forgets every configuration read: one changed, appeared or went away.
    pub fn forget_settings(&mut self) {
        self.settings.clear();
    }

    /// The settings of the document at `path` (`None`: an unsaved buffer, checked with the
    /// defaults).
    pub fn settings_for(&mut self, path: Option<&Path>) -> Chosen {
        let folder = path.and_then(Path::parent);
        let file = folder.and_then(|folder| {
            (folder.ancestors())
                .map(|dir| dir.join(config::FILE_NAME))
                .find(|candidate| candidate.is_file())
        });
        let root = match (path, file.as_deref()) {
            (_, Some(file)) => file.parent().unwrap_or(Path::new("/")).to_owned(),
            (Some(path), None) => (self.folder_of(path).or(folder))
                .unwrap_or(Path::new("/"))
                .to_owned(),
            (None, None) => self.folders.last().cloned().unwrap_or_default(),
        };
        let key = file.clone().unwrap_or_else(|| root.clone());
        if let Some(settings) = self.settings.get(&key) {
            return Chosen {
                settings: Arc::clone(settings),
                error: None,
            };
        }
        let (settings, error) = match &file {
            None => (Settings::defaults(&root), None),
            Some(file) => match Config::load(Some(file), &root).and_then(Settings::new) {
                Ok(settings) => (settings, None),
                Err(error) => (Settings::defaults(&root), Some(error)),
            },
        };
        let settings = Arc::new(settings);
        self.settings.insert(key, Arc::clone(&settings));
        Chosen { settings, error }
    }
}

/// Whether `path` is a configuration file: a change to it changes what documents are
/// checked with.
pub fn is_config_file(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name == config::FILE_NAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_document_gets_its_nearest_configuration_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let service = dir.path().join("service");
        std::fs::create_dir_all(service.join("db")).unwrap();
        std::fs::write(
            service.join(config::FILE_NAME),
            "[rules]\nretry-any-error = \"off\"\n",
        )
        .unwrap();
        std::fs::write(dir.path().join(config::FILE_NAME), "rules = 3\n").unwrap();
        let mut workspace = Workspace::default();
        workspace.set_folders(vec![dir.path().to_owned()]);
        let nested = workspace.settings_for(Some(&service.join("db/store.go")));
        assert!(nested.error.is_none());
        assert_eq!(nested.settings.levels.severity("retry-any-error"), None);
        let again = workspace.settings_for(Some(&service.join("retry.go")));
        assert!(Arc::ptr_eq(&nested.settings, &again.settings));
        let top = workspace.settings_for(Some(&dir.path().join("main.go")));
        let error = top.error.expect("the top file is invalid");
        assert!(error.contains("idemlint.toml:1:"), "{error}");
        assert!(top.settings.levels.severity("retry-any-error").is_some());
        assert!(workspace.settings_for(None).error.is_none());
    }
}
