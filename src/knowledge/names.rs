//! How the lookups read a name: its lower-case words (`ChargeCustomer` → `charge`,
//! `customer`), whether the rest of a word keeps it a hint's word (`attempts`, `try2`), and
//! the case- and punctuation-blind comparisons of names with hint lists.

/// Whether what follows a hint in a word of a name keeps it the hint's word: nothing, a
/// plural, a tense, or a number (`attempts`, `retried`… `trying`, `try2`).
pub fn is_inflection(rest: &str) -> bool {
    matches!(rest, "" | "s" | "es" | "ed" | "ing") || rest.bytes().all(|b| b.is_ascii_digit())
}

/// The lower-case words of an identifier: `ChargeCustomer` → `charge`, `customer`;
/// `send_email` → `send`, `email`; `HTTPPost` → `httppost`.
pub fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            prev_lower = false;
            out.push(String::new());
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower || out.is_empty() {
            out.push(String::new());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        if let Some(word) = out.last_mut() {
            word.push(c.to_ascii_lowercase());
        }
    }
    out.retain(|w| !w.is_empty());
    out
}

/// Whether `name`'s last segment, lower-cased with `_` removed, ends with one of `values`
/// (compared the same way): `StatusInProgress` and `Status.InProgress` end with `in_progress`.
pub(super) fn ends_with_any(name: &str, values: &[String]) -> bool {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let last = squash(name.rsplit('.').next().unwrap_or(name));
    values.iter().any(|v| {
        let v = squash(v);
        !v.is_empty() && last.ends_with(&v)
    })
}

/// Whether `text`, lower-cased with everything but letters and digits removed, contains one
/// of `hints`.
pub(super) fn squashed_contains_any(text: &str, hints: &[String]) -> bool {
    let squashed: String = text
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    !squashed.is_empty() && hints.iter().any(|h| squashed.contains(h.as_str()))
}

/// Whether `name`, lower-cased, contains one of `hints` (which are lower-case).
pub(super) fn contains_any(name: &str, hints: &[String]) -> bool {
    let name = name.to_ascii_lowercase();
    hints.iter().any(|h| name.contains(h.as_str()))
}
