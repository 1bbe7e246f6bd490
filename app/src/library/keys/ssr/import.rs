//! Reading a bulk key file (one key per line, or CSV with the key in the first column) and
//! generating keys from a pattern. A file with any bad line is refused whole, with a report.
use std::collections::HashMap;

/// Longest key we accept (store keys are 16–40 characters; some carry a URL-safe token).
pub const MAX_KEY_LEN: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based line number in the file.
    pub line: usize,
    pub problem: String,
}

/// "line 3: duplicate of line 1", as reports show it.
impl std::fmt::Display for LineProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

/// Every key of the file, in order; or every problem, by line.
pub fn parse_keys(text: &str) -> Result<Vec<String>, Vec<LineProblem>> {
    let mut keys = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    let mut problems = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let field = raw.split(',').next().unwrap_or_default().trim().trim_matches('"').trim();
        let mut problem = |p: String| problems.push(LineProblem { line, problem: p });
        if field.is_empty() {
            problem("blank line".into());
        } else if field.len() > MAX_KEY_LEN {
            problem(format!("longer than {MAX_KEY_LEN} characters"));
        } else if !field.chars().all(|c| c.is_ascii_graphic()) {
            problem("has spaces or characters other than printable ASCII".into());
        } else if let Some(first) = first_seen.get(&field.to_uppercase()) {
            problem(format!("duplicate of line {first}"));
        } else {
            first_seen.insert(field.to_uppercase(), line);
            keys.push(field.to_owned());
        }
    }
    if problems.is_empty() { Ok(keys) } else { Err(problems) }
}

/// Characters a pattern's `X` becomes: upper-case letters and digits without the look-alikes
/// (0/O, 1/I/L), 31 symbols, about 5 bits each.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// Fewest random characters a pattern must have (16 × 5 bits = 80 bits: keys cannot be guessed).
pub const MIN_RANDOM: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("a pattern needs at least {MIN_RANDOM} X (random characters), e.g. XXXXX-XXXXX-XXXXX-XXXXX")]
    TooFewRandom,
    #[error("a pattern may only hold X, letters, digits and dashes, up to {MAX_KEY_LEN} characters")]
    BadCharacter,
}

/// Checks a pattern: `X` is a random character, letters, digits and dashes are kept.
pub fn check_pattern(pattern: &str) -> Result<(), PatternError> {
    if pattern.len() > MAX_KEY_LEN || !pattern.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(PatternError::BadCharacter);
    }
    if pattern.chars().filter(|c| *c == 'X').count() < MIN_RANDOM {
        return Err(PatternError::TooFewRandom);
    }
    Ok(())
}

/// `count` keys from `pattern`, once the pattern is checked (admin page, command line, seeds).
pub fn generate_keys(pattern: &str, count: usize) -> Result<Vec<String>, PatternError> {
    check_pattern(pattern)?;
    Ok((0..count).map(|_| generate(pattern)).collect())
}

/// One key from a checked pattern.
pub fn generate(pattern: &str) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    pattern
        .chars()
        .map(|c| if c == 'X' { ALPHABET[rng.random_range(0..ALPHABET.len())] as char } else { c })
        .collect()
}
