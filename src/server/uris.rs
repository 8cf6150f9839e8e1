//! Documents are named by URIs, files by paths: `file:` URIs and absolute paths, one to
//! the other, by the `url` crate's rules (percent-encoding, hosts).

use std::path::{Path, PathBuf};

use lsp_types::Uri;

/// The file a `file:` URI names.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

/// The `file:` URI of a path, if it is absolute.
pub fn file_uri(path: &Path) -> Option<Uri> {
    let url = url::Url::from_file_path(path).ok()?;
    url.as_str().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_uris_go_both_ways_with_percent_encoding() {
        let path = Path::new("/srv/my service/a#b.go");
        let uri = file_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///srv/my%20service/a%23b.go");
        assert_eq!(file_path(&uri).as_deref(), Some(path));
        assert_eq!(file_path(&"untitled:Untitled-1".parse().unwrap()), None);
        assert_eq!(file_uri(Path::new("relative.go")), None);
    }
}
