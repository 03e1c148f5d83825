//! RFC 3339 date-times as signatures state them (notation's signing time and expiry): checked
//! for syntax and range, and turned into Unix seconds so verification can compare them.

use std::fmt;

/// An RFC 3339 date-time: the text as the signature states it, and the instant it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTime {
    /// Exactly as written (`2024-05-01T10:00:00.123+02:00`).
    pub text: String,
    /// Seconds since 1970-01-01T00:00:00Z, the fraction dropped.
    pub unix_seconds: i64,
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl DateTime {
    /// Now, to the second (the Unix epoch on a clock set before it).
    pub fn now() -> DateTime {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        DateTime::from_unix(secs)
    }

    /// The instant `unix_seconds` as RFC 3339 in UTC, to the second.
    pub fn from_unix(unix_seconds: i64) -> DateTime {
        let (days, rem) = (
            unix_seconds.div_euclid(86_400),
            unix_seconds.rem_euclid(86_400),
        );
        let (y, m, d) = civil_from_days(days);
        DateTime {
            text: format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
                rem / 3600,
                rem % 3600 / 60,
                rem % 60
            ),
            unix_seconds,
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `None` for anything else,
    /// including dates that do not exist (February 30th).
    pub fn parse_rfc3339(text: &str) -> Option<DateTime> {
        let b = text.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't')
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let year = number(&b[0..4])?;
        let month = number(&b[5..7])?;
        let day = number(&b[8..10])?;
        let hour = number(&b[11..13])?;
        let minute = number(&b[14..16])?;
        // 60 is a leap second, which RFC 3339 allows.
        let second = number(&b[17..19])?;
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let mut rest = &b[19..];
        if let Some(fraction) = rest.strip_prefix(b".") {
            let digits = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            rest = &fraction[digits..];
        }
        let offset_seconds = match rest {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let hours = number(&[*h1, *h2])?;
                let minutes = number(&[*m1, *m2])?;
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let offset = (hours * 3600 + minutes * 60) as i64;
                if *sign == b'-' {
                    -offset
                } else {
                    offset
                }
            }
            _ => return None,
        };
        let days = days_from_civil(year as i64, month, day);
        let local = days * 86_400 + (hour * 3600 + minute * 60 + second) as i64;
        Some(DateTime {
            text: text.to_string(),
            unix_seconds: local - offset_seconds,
        })
    }
}

/// ASCII digits as a number; `None` if any is not a digit.
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, &d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Howard Hinnant's days-to-civil algorithm: days since 1970-01-01 to (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(text: &str) -> Option<i64> {
        DateTime::parse_rfc3339(text).map(|t| t.unix_seconds)
    }

    #[test]
    fn instants_match_known_unix_times() {
        assert_eq!(unix("1970-01-01T00:00:00Z"), Some(0));
        // `date -u -d 2022-08-29T13:50:22Z +%s`
        assert_eq!(unix("2022-08-29T13:50:22Z"), Some(1_661_781_022));
        assert_eq!(
            unix("2022-08-29T15:50:22.123456+02:00"),
            Some(1_661_781_022)
        );
        assert_eq!(unix("2022-08-29t08:50:22-05:00"), Some(1_661_781_022));
        assert_eq!(unix("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(unix("1969-12-31T23:59:59Z"), Some(-1));
    }

    #[test]
    fn malformed_or_impossible_times_are_refused() {
        for bad in [
            "",
            "2022-08-29",
            "2022-08-29 13:50:22Z",
            "2022-08-29T13:50:22",
            "2022-08-29T13:50:22.Z",
            "2022-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2022-08-29T24:00:00Z",
            "2022-08-29T13:50:22+2:00",
            "2022-08-29T13:50:22+02:00 ",
            "２022-08-29T13:50:22Z",
        ] {
            assert_eq!(unix(bad), None, "{bad:?}");
        }
    }
}
