//! Moving a unit to other offsets: a Markdown code block's units to where the block stands
//! in the file, a file reached from another to its own range of the project's offsets.

use super::module::Unit;
use super::span::{Span, StrLit};
use super::visit::VisitorMut;

/// Moves every span by `by` bytes, and the file offsets string values map back to.
struct MoveBy {
    by: usize,
}

impl VisitorMut for MoveBy {
    fn visit_span_mut(&mut self, span: &mut Span) {
        *span = span.start + self.by..span.end + self.by;
    }

    fn visit_str_mut(&mut self, lit: &mut StrLit) {
        lit.origin.iter_mut().for_each(|offset| *offset += self.by);
    }
}

impl Unit {
    /// Moves the unit `by` bytes further into its file: every span, and the file offsets
    /// its string values map back to.
    pub fn move_by(&mut self, by: usize) {
        MoveBy { by }.visit_unit_mut(self);
    }
}
