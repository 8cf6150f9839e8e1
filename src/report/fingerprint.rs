//! The fingerprint of a finding: the same from one commit to the next while the flagged
//! code is, for SARIF's `partialFingerprints` and the baseline.

use std::path::Path;

use super::position::LineIndex;
use super::slash_path;
use crate::finding::Finding;

/// A hash of what makes a finding the same finding from one commit to the next: the rule,
/// the file, the flagged text (whitespace runs collapsed, so re-indenting keeps it) and the
/// message. Line numbers are left out so that edits elsewhere in the file do not change it.
/// FNV-1a, written out here because its value must never change between builds.
pub fn fingerprint(finding: &Finding, path: &Path, index: &LineIndex) -> u64 {
    let flagged: Vec<&str> = index
        .text(&finding.primary.span)
        .split_whitespace()
        .collect();
    let parts = [
        finding.rule,
        &slash_path(path),
        &flagged.join(" "),
        &finding.message,
    ];
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}
