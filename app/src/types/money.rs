use serde::{Deserialize, Serialize};

/// An amount of money in integer minor units (cents) of an ISO 4217 currency.
/// Arithmetic on money happens on the server; this type only carries and formats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Currency {
    Eur,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Eur => "€",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim() {
            "EUR" => Some(Currency::Eur),
            _ => None,
        }
    }
}

impl Money {
    pub fn eur(minor: i64) -> Self {
        Money { minor, currency: Currency::Eur }
    }

    /// "€1,234.50" — the one place amounts become text.
    pub fn display(&self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let units = abs / 100;
        let cents = abs % 100;
        let digits = units.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        format!("{sign}{}{grouped}.{cents:02}", self.currency.symbol())
    }

    /// Decimal string for machine-readable markup (schema.org), e.g. "1234.50".
    pub fn decimal(&self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_minor_units_with_grouping() {
        assert_eq!(Money::eur(0).display(), "€0.00");
        assert_eq!(Money::eur(5).display(), "€0.05");
        assert_eq!(Money::eur(1999).display(), "€19.99");
        assert_eq!(Money::eur(123_456_78).display(), "€123,456.78");
        assert_eq!(Money::eur(100_000_000).display(), "€1,000,000.00");
        assert_eq!(Money::eur(-250).display(), "-€2.50");
    }

    #[test]
    fn decimal_is_machine_readable() {
        assert_eq!(Money::eur(349_900).decimal(), "3499.00");
        assert_eq!(Money::eur(7).decimal(), "0.07");
    }
}
