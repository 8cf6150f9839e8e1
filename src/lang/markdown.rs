//! Markdown: not a front-end of its own but a container. Its fenced code blocks whose info
//! string names a language idemlint reads (first word only: ```` ```go bad ````,
//! ```` ```rust,ignore ````) are snippets, each checked in its own language by
//! [`crate::check_source`].
//!
//! A block's text is handed over with the same length as it has in the file: the
//! blockquote markers (`>`) in front of its lines are blanked to spaces and list
//! indentation is kept, which none of the languages minds. So a span in the block is a span
//! in the file moved by the block's start, whatever the block held.
//!
//! Fences follow CommonMark where it matters for snippets: ```` ``` ```` and `~~~` fences of
//! three or more characters, indented (in a list) or inside blockquotes; a closing fence of
//! the same character at least as long; a fence never closed runs to the end of the file,
//! or of its blockquote.

use std::ops::Range;

use crate::model::{Lang, Module, ParseNote};

/// One fenced block in a language idemlint reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    pub lang: Lang,
    /// Where the block's text starts in the file (the line after the opening fence).
    pub start: usize,
    /// The block's text, byte for byte as long as `start..start + text.len()` in the file.
    pub text: String,
}

/// An opening fence: where its content is and how it closes.
struct Fence {
    marker: u8,
    length: usize,
    /// The column of the fence: indentation up to it is not part of the code.
    column: usize,
    /// The number of `>` markers in front of it.
    quotes: usize,
    lang: Option<Lang>,
}

/// The fenced code blocks of `source` in languages idemlint reads, in file order.
pub fn code_blocks(source: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    let mut lines = lines(source).peekable();
    while let Some(line) = lines.next() {
        let Some(fence) = opening_fence(&source[line.clone()]) else {
            continue;
        };
        let start = line.end;
        let mut end = source.len();
        let mut content = Vec::new();
        while let Some(next) = lines.peek().cloned() {
            let text = &source[next.clone()];
            let (quotes, rest) = strip_quotes(text, fence.quotes);
            if quotes < fence.quotes {
                end = next.start;
                break;
            }
            lines.next();
            if closes(rest, &fence) {
                end = next.start;
                break;
            }
            content.push((next.start, text.len() - rest.len()));
        }
        let Some(lang) = fence.lang else {
            continue;
        };
        let end = end.max(start);
        let mut text = source[start..end].to_owned();
        for (line_start, prefix) in content {
            blank_quote_markers(&mut text, line_start - start, prefix);
        }
        blocks.push(CodeBlock { lang, start, text });
    }
    blocks
}

/// The byte ranges of the lines of `source`, each with its line ending.
fn lines(source: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= source.len() {
            return None;
        }
        let end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i + 1);
        let line = start..end;
        start = end;
        Some(line)
    })
}

/// Takes up to `limit` blockquote markers (`>` with one optional space, after up to three
/// spaces) off the front of `line`; with `limit` `usize::MAX`, all of them. Returns how many
/// it took and the rest.
fn strip_quotes(line: &str, limit: usize) -> (usize, &str) {
    let mut rest = line;
    let mut taken = 0;
    while taken < limit {
        let trimmed = rest.trim_start_matches(' ');
        if rest.len() - trimmed.len() > 3 {
            break;
        }
        let Some(after) = trimmed.strip_prefix('>') else {
            break;
        };
        rest = after.strip_prefix(' ').unwrap_or(after);
        taken += 1;
    }
    (taken, rest)
}

/// A list item marker at the start of `line` (`- `, `* `, `+ `, `1. `, `1) `), and what
/// follows it.
fn strip_list_marker(line: &str) -> &str {
    let trimmed = line.trim_start_matches(' ');
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let after_marker = match trimmed.as_bytes().get(digits) {
        Some(b'-' | b'*' | b'+') if digits == 0 => &trimmed[1..],
        Some(b'.' | b')') if (1..=9).contains(&digits) => &trimmed[digits + 1..],
        _ => return line,
    };
    if after_marker.starts_with([' ', '\t']) {
        after_marker
    } else {
        line
    }
}

fn opening_fence(line: &str) -> Option<Fence> {
    let (quotes, rest) = strip_quotes(line, usize::MAX);
    let rest = strip_list_marker(rest);
    let fence_text = rest.trim_start_matches([' ', '\t']);
    let marker = *fence_text.as_bytes().first()?;
    if !matches!(marker, b'`' | b'~') {
        return None;
    }
    let length = fence_text.bytes().take_while(|&b| b == marker).count();
    if length < 3 {
        return None;
    }
    let info = fence_text[length..].trim();
    if marker == b'`' && info.contains('`') {
        return None;
    }
    let first_word = info
        .split(|c: char| c.is_whitespace() || c == ',' || c == '{' || c == '}')
        .find(|w| !w.is_empty())
        .map(|w| w.trim_start_matches('.').to_ascii_lowercase());
    let lang = first_word.as_deref().and_then(Lang::from_name);
    Some(Fence {
        marker,
        length,
        column: line.len() - fence_text.len(),
        quotes,
        lang,
    })
}

/// Whether `line` (its blockquote markers taken off) closes `fence`.
fn closes(line: &str, fence: &Fence) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > fence.column + 3 {
        return false;
    }
    let text = line.trim_start_matches(' ');
    let run = text.bytes().take_while(|&b| b == fence.marker).count();
    run >= fence.length && text[run..].trim().is_empty()
}

/// Turns the `>` markers among the first `prefix` bytes of the line at `at` into spaces.
fn blank_quote_markers(text: &mut String, at: usize, prefix: usize) {
    if prefix == 0 {
        return;
    }
    let Some(line) = text.get(at..at + prefix) else {
        return;
    };
    let blanked = line.replace('>', " ");
    text.replace_range(at..at + prefix, &blanked);
}

/// The units, comments and parse notes of every block, each made by `model` from the
/// block's text in its own language, moved to where the block stands in the file.
pub fn blocks_model(source: &str, model: impl Fn(&str, Lang) -> Module) -> Module {
    let mut module = Module::default();
    for block in code_blocks(source) {
        let mut inner = model(&block.text, block.lang);
        let by = block.start;
        for unit in &mut inner.units {
            unit.move_by(by);
        }
        for comment in &mut inner.comments {
            comment.span = shift(&comment.span, by);
        }
        module.units.append(&mut inner.units);
        module.comments.append(&mut inner.comments);
        module.diagnostics.extend(
            inner
                .diagnostics
                .into_iter()
                .map(|note| block_note(note, by)),
        );
    }
    module
}

/// A parse note of a block that starts at `by`, moved to where it stands in the file. A
/// block is an illustration, often elided on purpose (`...`), and not code the reader runs:
/// what cannot be read in it is a detail, not a warning.
pub fn block_note(note: ParseNote, by: usize) -> ParseNote {
    ParseNote::detail(shift(&note.span, by), note.message)
}

pub fn shift(span: &Range<usize>, by: usize) -> Range<usize> {
    span.start + by..span.end + by
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_texts(source: &str) -> Vec<(Lang, usize, &str)> {
        code_blocks(source)
            .into_iter()
            .map(|b| {
                let in_file = &source[b.start..b.start + b.text.len()];
                (b.lang, b.start, in_file)
            })
            .collect()
    }

    #[test]
    fn fences_name_their_language_by_the_first_word() {
        let md = "# T\n```go bad\nfunc f() {}\n```\n\n```\nplain\n```\n```text\nx\n```\n~~~rust,ignore\nfn f() {}\n~~~\n";
        assert_eq!(
            block_texts(md),
            [
                (Lang::Go, 14, "func f() {}\n"),
                (Lang::Rust, 74, "fn f() {}\n"),
            ]
        );
    }

    #[test]
    fn a_closing_fence_must_match_the_opening_one() {
        let md = "````sql\nSELECT 1;\n```\nSELECT 2;\n````\nafter\n";
        assert_eq!(
            block_texts(md),
            [(Lang::Sql, 8, "SELECT 1;\n```\nSELECT 2;\n")]
        );
    }

    #[test]
    fn an_unterminated_fence_runs_to_the_end() {
        let md = "text\n```ts\nconst a = 1;\n";
        assert_eq!(block_texts(md), [(Lang::TypeScript, 11, "const a = 1;\n")]);
    }

    #[test]
    fn list_fences_keep_their_indentation_and_quotes_are_blanked() {
        let md = "- step\n  ```sql\n  SELECT 1;\n  ```\n> ```js\n> f();\n> ```\n";
        let blocks = code_blocks(md);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].text, "  SELECT 1;\n");
        assert_eq!(
            &md[blocks[0].start..][..blocks[0].text.len()],
            "  SELECT 1;\n"
        );
        assert_eq!(blocks[1].lang, Lang::TypeScript);
        assert_eq!(blocks[1].text, "  f();\n");
        assert_eq!(&md[blocks[1].start..][..blocks[1].text.len()], "> f();\n");
    }

    #[test]
    fn a_blockquote_ends_its_fence() {
        let md = "> ```go\n> f()\nnot code\n```\n";
        let blocks = code_blocks(md);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].text, "  f()\n");
    }

    #[test]
    fn a_fence_opened_on_a_list_marker_line() {
        let md = "1. ```rust\n   let x = 1;\n   ```\n";
        assert_eq!(block_texts(md), [(Lang::Rust, 11, "   let x = 1;\n")]);
    }
}
