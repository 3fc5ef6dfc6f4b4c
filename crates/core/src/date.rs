use std::fmt;

/// A proleptic Gregorian calendar date, validated on construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i16,
    month: u8,
    day: u8,
}

/// A date with a time of day and, when the source gave one, its UTC offset in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    /// The calendar day.
    pub date: Date,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
    /// Second, 0–60 (a leap second is accepted).
    pub second: u8,
    /// Offset from UTC in minutes; `None` when the source gave a local time without one.
    pub offset_minutes: Option<i16>,
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl Date {
    /// Makes a date if it exists in the calendar; years 1–9999.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            year: year as i16,
            month: month as u8,
            day: day as u8,
        })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year as i32
    }

    /// The month, 1–12.
    pub fn month(self) -> u32 {
        self.month as u32
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u32 {
        self.day as u32
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || !s.is_ascii() || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        Date::new(
            digits(&s[0..4])? as i32,
            digits(&s[5..7])?,
            digits(&s[8..10])?,
        )
    }

    /// Parses the compact `YYYYMMDD` form.
    pub fn parse_compact(s: &str) -> Option<Date> {
        if s.len() != 8 || !s.is_ascii() {
            return None;
        }
        Date::new(
            digits(&s[0..4])? as i32,
            digits(&s[4..6])?,
            digits(&s[6..8])?,
        )
    }

    /// Days since 1970-01-01 (negative before), for date arithmetic.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (y, m, d) = (self.year as i64, self.month as i64, self.day as i64);
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl Date {
    /// The date `days` days after 1970-01-01 (before it when negative); `None` outside years
    /// 1–9999.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Date::new(i32::try_from(y).ok()?, m as u32, d as u32)
    }

    /// The date `n` days later (earlier when negative).
    pub fn add_days(self, n: i64) -> Option<Date> {
        Date::from_days_since_epoch(self.days_since_epoch() + n)
    }

    /// Day of the week, 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        ((self.days_since_epoch() + 3).rem_euclid(7)) as u32
    }

    /// ISO 8601 week: `(week-based year, week 1–53)`.
    pub fn iso_week(self) -> (i32, u32) {
        // The week's Thursday decides its year.
        let thursday = self.days_since_epoch() - i64::from(self.weekday()) + 3;
        let t = Date::from_days_since_epoch(thursday).unwrap_or(self);
        let jan1 = Date::new(t.year(), 1, 1).unwrap_or(t);
        let week = (thursday - jan1.days_since_epoch()) / 7 + 1;
        (t.year(), week as u32)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl DateTime {
    /// Parses an ISO 8601 / RFC 3339 date-time: `YYYY-MM-DD` then `T` or a space, `HH:MM`,
    /// optional `:SS` and fraction, then an optional `Z` or `±HH:MM` / `±HHMM` offset.
    pub fn parse_iso(s: &str) -> Option<DateTime> {
        let s = s.trim();
        let date = Date::parse_iso(s.get(..10)?)?;
        let rest = s.get(10..)?;
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let hour = digits(rest.get(0..2)?)?;
        if rest.as_bytes().get(2) != Some(&b':') {
            return None;
        }
        let minute = digits(rest.get(3..5)?)?;
        let mut rest = &rest[5..];
        let mut second = 0;
        if let Some(r) = rest.strip_prefix(':') {
            second = digits(r.get(0..2)?)?;
            rest = &r[2..];
            if let Some(r) = rest.strip_prefix(['.', ',']) {
                let n = r.bytes().take_while(|b| b.is_ascii_digit()).count();
                if n == 0 {
                    return None;
                }
                rest = &r[n..];
            }
        }
        let offset_minutes = match rest {
            "" => None,
            "Z" | "z" => Some(0),
            _ => {
                let sign = match rest.as_bytes()[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let r = &rest[1..];
                let (h, m) = match r.len() {
                    5 if r.as_bytes()[2] == b':' => (digits(r.get(0..2)?)?, digits(r.get(3..5)?)?),
                    4 => (digits(r.get(0..2)?)?, digits(r.get(2..4)?)?),
                    2 => (digits(r)?, 0),
                    _ => return None,
                };
                if h > 18 || m > 59 {
                    return None;
                }
                Some(sign * (h * 60 + m) as i16)
            }
        };
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        Some(DateTime {
            date,
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            offset_minutes,
        })
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}T{:02}:{:02}:{:02}",
            self.date, self.hour, self.minute, self.second
        )?;
        match self.offset_minutes {
            None => Ok(()),
            Some(0) => f.write_str("Z"),
            Some(o) => {
                let sign = if o < 0 { '-' } else { '+' };
                let o = o.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", o / 60, o % 60)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Published;

    fn check(input: &str, expect: Option<&str>) {
        assert_eq!(
            Published::parse(input).map(|p| p.to_string()).as_deref(),
            expect,
            "{input}"
        );
    }

    #[test]
    fn iso_date() {
        check("2022-03-10", Some("2022-03-10"));
    }

    #[test]
    fn calendar_arithmetic() {
        let d = Date::new(2022, 3, 10).unwrap();
        assert_eq!(d.weekday(), 3, "2022-03-10 was a Thursday");
        assert_eq!(d.add_days(-1).unwrap().to_string(), "2022-03-09");
        assert_eq!(d.add_days(22).unwrap().to_string(), "2022-04-01");
        assert_eq!(d.iso_week(), (2022, 10));
        // 2021-01-03 (a Sunday) belongs to week 53 of 2020; 2024-12-30 to week 1 of 2025.
        assert_eq!(Date::new(2021, 1, 3).unwrap().iso_week(), (2020, 53));
        assert_eq!(Date::new(2024, 12, 30).unwrap().iso_week(), (2025, 1));
        for n in [-700_000_i64, -1, 0, 1, 19_000, 2_900_000] {
            let x = Date::from_days_since_epoch(n).unwrap();
            assert_eq!(x.days_since_epoch(), n);
        }
    }

    #[test]
    fn compact_date() {
        check("20220310", Some("2022-03-10"));
    }

    #[test]
    fn leap_day() {
        check("2024-02-29", Some("2024-02-29"));
        check("2023-02-29", None);
        check("1900-02-29", None);
        check("2000-02-29", Some("2000-02-29"));
    }

    #[test]
    fn date_time_with_offset() {
        check(
            "2022-03-10T09:30:00+02:00",
            Some("2022-03-10T09:30:00+02:00"),
        );
        check("2022-03-10T09:30:00.123Z", Some("2022-03-10T09:30:00Z"));
        check("2022-03-10 09:30", Some("2022-03-10T09:30:00"));
        check(
            "2022-03-10T09:30:00-0500",
            Some("2022-03-10T09:30:00-05:00"),
        );
    }

    #[test]
    fn multibyte_input_is_rejected_not_sliced() {
        // Found by the parse_never_panics property test.
        check("ዂ🌀A", None);
        check("2022-é3-10", None);
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "2022",
            "2022-13-01",
            "2022-03-32",
            "20221301",
            "2022-03-10T25:00",
            "x".repeat(40).as_str(),
            "2022-03-10T09:30+99:00",
            "२०२२-03-10",
        ] {
            check(s, None);
        }
    }

    #[test]
    fn epoch_days() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(Date::new(2022, 3, 10).unwrap().days_since_epoch(), 19061);
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = Published::parse(&s);
        }

        #[test]
        fn display_round_trips(y in 1i32..9999, m in 1u32..=12, d in 1u32..=31) {
            if let Some(date) = Date::new(y, m, d) {
                proptest::prop_assert_eq!(Date::parse_iso(&date.to_string()), Some(date));
            }
        }
    }
}
