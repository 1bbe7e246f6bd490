//! Discount codes as staff manage them: the form's fields checked into a code's settings, and a
//! code's state and usage as the staff pages show them. The checkout applies them
//! (`checkout::ssr::place`, `pricing::totals`).
use crate::catalog::model::Department;
use crate::checkout::pricing::DiscountKind;
use crate::types::Money;
use serde::{Deserialize, Serialize};

/// A code's settings as the staff form sends them (text, so a refused form shows them back).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountForm {
    pub code: String,
    /// "percent" or "fixed".
    pub kind: String,
    /// A percentage (1 to 100) or an amount in euros.
    pub value: String,
    /// Euros; empty: none.
    pub min_subtotal: String,
    /// Uses in all; empty: no limit.
    pub usage_limit: String,
    /// Uses per customer; empty: no limit.
    pub per_customer_limit: String,
    /// `YYYY-MM-DDTHH:MM` in UTC (as a datetime-local field sends it); empty: at once.
    pub starts: String,
    /// As `starts`; empty: never.
    pub expires: String,
    /// "games", "jewelry", or empty: the whole order.
    pub department: String,
    /// For staff: what the code is for (up to 200 characters).
    pub note: String,
}

/// A code's settings, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountSettings {
    /// Upper case, 3 to 32 letters, digits and dashes.
    pub code: String,
    pub kind: DiscountKind,
    pub min_subtotal_minor: i64,
    pub usage_limit: Option<i32>,
    pub per_customer_limit: Option<i32>,
    /// `YYYY-MM-DD HH:MM` in UTC.
    pub starts: Option<String>,
    pub expires: Option<String>,
    pub department: Option<Department>,
    pub note: String,
}

/// Why a form is refused: the field, and what to write there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub message: String,
}

fn problem(field: &'static str, message: impl Into<String>) -> FieldProblem {
    FieldProblem { field, message: message.into() }
}

/// A code as typed: trimmed and upper-cased.
pub fn code(input: &str) -> Result<String, FieldProblem> {
    let c = input.trim().to_ascii_uppercase();
    let ok = (3..=32).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    if ok { Ok(c) } else { Err(problem("code", "A code is 3 to 32 letters, digits and dashes, like SUMMER-15.")) }
}

/// Euros as typed ("12", "12.5", "12,50") in minor units; empty is `None`.
fn euros(input: &str, field: &'static str, label: &str) -> Result<Option<i64>, FieldProblem> {
    let v: String = input.trim().trim_start_matches('€').chars().filter(|c| !c.is_whitespace()).collect();
    if v.is_empty() {
        return Ok(None);
    }
    let bad = || problem(field, format!("{label}: write an amount in euros like 25.00."));
    let (units, cents) = match v.split_once(['.', ',']) {
        Some((u, c)) if (1..=2).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()) => (u, format!("{c:0<2}")),
        Some(_) => return Err(bad()),
        None => (v.as_str(), "00".to_owned()),
    };
    if units.is_empty() || units.len() > 7 || !units.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    Ok(Some(units.parse::<i64>().map_err(|_| bad())? * 100 + cents.parse::<i64>().map_err(|_| bad())?))
}

fn limit(input: &str, field: &'static str, label: &str) -> Result<Option<i32>, FieldProblem> {
    let v = input.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<i32>() {
        Ok(n) if (1..=1_000_000).contains(&n) => Ok(Some(n)),
        _ => Err(problem(field, format!("{label}: a whole number from 1 to 1,000,000, or empty for no limit."))),
    }
}

/// A date and time as a datetime-local field sends it (`2026-12-24T18:00`), or a date alone
/// (midnight), in UTC; returned as `YYYY-MM-DD HH:MM`.
fn moment(input: &str, field: &'static str, label: &str) -> Result<Option<String>, FieldProblem> {
    let v = input.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let bad = || problem(field, format!("{label}: a date and time like 2026-12-24 18:00 (UTC)."));
    let with_time = if v.len() == 10 { format!("{v}T00:00") } else { v.replacen(' ', "T", 1) };
    let parsed = chrono::NaiveDateTime::parse_from_str(&with_time, "%Y-%m-%dT%H:%M").map_err(|_| bad())?;
    if !(2000..=2200).contains(&chrono::Datelike::year(&parsed)) {
        return Err(bad());
    }
    Ok(Some(parsed.format("%Y-%m-%d %H:%M").to_string()))
}

impl DiscountForm {
    /// The settings, or the first field that is wrong. The code's own text is checked only for a
    /// new code (an existing code keeps its name: orders refer to it).
    pub fn check(&self) -> Result<DiscountSettings, FieldProblem> {
        let code = code(&self.code)?;
        let kind = match self.kind.as_str() {
            "percent" => match self.value.trim().trim_end_matches('%').trim().parse::<u8>() {
                Ok(p) if (1..=100).contains(&p) => DiscountKind::Percent(p),
                _ => return Err(problem("value", "A percentage is a whole number from 1 to 100.")),
            },
            "fixed" => match euros(&self.value, "value", "Amount off")? {
                Some(v) if v > 0 => DiscountKind::Fixed(v),
                _ => return Err(problem("value", "Amount off: more than zero, in euros like 10.00.")),
            },
            _ => return Err(problem("kind", "Choose a percentage or an amount off.")),
        };
        let min_subtotal_minor = euros(&self.min_subtotal, "min_subtotal", "Minimum order")?.unwrap_or(0);
        let usage_limit = limit(&self.usage_limit, "usage_limit", "Uses in all")?;
        let per_customer_limit = limit(&self.per_customer_limit, "per_customer_limit", "Uses per customer")?;
        let starts = moment(&self.starts, "starts", "Starts")?;
        let expires = moment(&self.expires, "expires", "Ends")?;
        if let (Some(s), Some(e)) = (&starts, &expires) {
            if s >= e {
                return Err(problem("expires", "The end must come after the start."));
            }
        }
        let department = match self.department.trim() {
            "" => None,
            d => Some(Department::parse(d).ok_or_else(|| problem("department", "Choose Games, Jewelry or the whole order."))?),
        };
        let note = self.note.trim();
        if note.chars().count() > 200 || note.chars().any(char::is_control) {
            return Err(problem("note", "A note is up to 200 characters on one line."));
        }
        Ok(DiscountSettings {
            code,
            kind,
            min_subtotal_minor,
            usage_limit,
            per_customer_limit,
            starts,
            expires,
            department,
            note: note.to_owned(),
        })
    }
}

impl DiscountSettings {
    /// The settings as the form shows them for editing.
    pub fn to_form(&self) -> DiscountForm {
        let euros = |m: i64| format!("{}.{:02}", m / 100, m % 100);
        let (kind, value) = match self.kind {
            DiscountKind::Percent(p) => ("percent", p.to_string()),
            DiscountKind::Fixed(v) => ("fixed", euros(v)),
        };
        DiscountForm {
            code: self.code.clone(),
            kind: kind.into(),
            value,
            min_subtotal: if self.min_subtotal_minor > 0 { euros(self.min_subtotal_minor) } else { String::new() },
            usage_limit: self.usage_limit.map(|n| n.to_string()).unwrap_or_default(),
            per_customer_limit: self.per_customer_limit.map(|n| n.to_string()).unwrap_or_default(),
            starts: self.starts.clone().map(|s| s.replacen(' ', "T", 1)).unwrap_or_default(),
            expires: self.expires.clone().map(|s| s.replacen(' ', "T", 1)).unwrap_or_default(),
            department: self.department.map(|d| d.as_str().to_owned()).unwrap_or_default(),
            note: self.note.clone(),
        }
    }

    /// "15 % off" or "€10.00 off", with what it applies to.
    pub fn describe(&self) -> String {
        let off = match self.kind {
            DiscountKind::Percent(p) => format!("{p} % off"),
            DiscountKind::Fixed(v) => format!("{} off", Money::eur(v).display()),
        };
        match self.department {
            Some(d) => format!("{off} {}", d.label().to_lowercase()),
            None => off,
        }
    }
}

/// Where a code stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeState {
    Scheduled,
    Active,
    UsedUp,
    Ended,
}

impl CodeState {
    pub fn label(self) -> &'static str {
        match self {
            CodeState::Scheduled => "Scheduled",
            CodeState::Active => "Active",
            CodeState::UsedUp => "Used up",
            CodeState::Ended => "Ended",
        }
    }
}

/// A code in the staff list and on its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSummary {
    pub settings: DiscountSettings,
    pub state: CodeState,
    /// Uses counted against the limit (orders placed with it and not cancelled).
    pub used: i64,
}

/// What a code brought: paid orders with it, what they paid and what the code took off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeUsage {
    /// Paid orders (refunded ones included: the code was used).
    pub orders: i64,
    pub customers: i64,
    pub discount: Money,
    /// What those orders paid, less refunds.
    pub revenue: Money,
    pub refunded: Money,
    /// The latest orders with the code: number, placed (UTC), buyer, status label, total.
    pub latest: Vec<CodeOrder>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeOrder {
    pub number: i64,
    pub placed: String,
    pub email: String,
    pub status: String,
    pub total: Money,
    pub discount: Money,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> DiscountForm {
        DiscountForm { code: " summer-15 ".into(), kind: "percent".into(), value: "15".into(), ..Default::default() }
    }

    #[test]
    fn a_form_becomes_settings_or_names_the_wrong_field() {
        let s = form().check().unwrap();
        assert_eq!((s.code.as_str(), s.kind), ("SUMMER-15", DiscountKind::Percent(15)));
        assert_eq!((s.usage_limit, s.per_customer_limit, s.department), (None, None, None));
        let full = DiscountForm {
            kind: "fixed".into(),
            value: "10,5".into(),
            min_subtotal: "€ 50".into(),
            usage_limit: "100".into(),
            per_customer_limit: "1".into(),
            starts: "2026-12-24T18:00".into(),
            expires: "2026-12-31".into(),
            department: "jewelry".into(),
            note: "Winter mailing".into(),
            ..form()
        };
        let s = full.check().unwrap();
        assert_eq!(s.kind, DiscountKind::Fixed(1050));
        assert_eq!(s.min_subtotal_minor, 5000);
        assert_eq!((s.usage_limit, s.per_customer_limit), (Some(100), Some(1)));
        assert_eq!((s.starts.as_deref(), s.expires.as_deref()), (Some("2026-12-24 18:00"), Some("2026-12-31 00:00")));
        assert_eq!(s.department, Some(Department::Jewelry));
        assert_eq!(s.describe(), "€10.50 off jewelry");
        // The form shows the settings back as they were saved.
        assert_eq!(s.to_form().check().unwrap(), s);
        for (bad, field) in [
            (DiscountForm { code: "x".into(), ..form() }, "code"),
            (DiscountForm { code: "TEN OFF".into(), ..form() }, "code"),
            (DiscountForm { value: "0".into(), ..form() }, "value"),
            (DiscountForm { value: "101".into(), ..form() }, "value"),
            (DiscountForm { kind: "fixed".into(), value: "-5".into(), ..form() }, "value"),
            (DiscountForm { kind: "free".into(), ..form() }, "kind"),
            (DiscountForm { min_subtotal: "1.234".into(), ..form() }, "min_subtotal"),
            (DiscountForm { usage_limit: "0".into(), ..form() }, "usage_limit"),
            (DiscountForm { per_customer_limit: "many".into(), ..form() }, "per_customer_limit"),
            (DiscountForm { starts: "tomorrow".into(), ..form() }, "starts"),
            (DiscountForm { starts: "2026-12-31T00:00".into(), expires: "2026-12-24T00:00".into(), ..form() }, "expires"),
            (DiscountForm { department: "toys".into(), ..form() }, "department"),
            (DiscountForm { note: "a\nb".into(), ..form() }, "note"),
        ] {
            assert_eq!(bad.check().unwrap_err().field, field, "{bad:?}");
        }
    }
}
