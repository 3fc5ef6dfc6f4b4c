//! RFC 822 / RFC 2822 dates, as RSS 2.0 writes them in `<pubDate>`:
//! `Thu, 10 Mar 2022 09:30:00 +0200`.
//!
//! Feeds bend the format, so the parser is lenient where it costs nothing: the day of the week
//! is optional and never checked, month names may be written out (`March`), the seconds and the
//! time itself may be missing, two-digit years are read as RFC 2822 says (`22` is 2022, `98` is
//! 1998), and a numeric offset may have a colon (`+02:00`).

use dyad_core::{Date, DateTime, Published};

/// The date of `s`, or `None` when it is not an RFC 822 date.
pub(crate) fn parse(s: &str) -> Option<Published> {
    let s = s.trim();
    if !s.is_ascii() {
        return None;
    }
    let mut tokens = s
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
        .peekable();
    // The day of the week is optional and checked by nobody: skip a leading word.
    if tokens
        .peek()
        .is_some_and(|t| t.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        tokens.next();
    }
    let day: u32 = number(tokens.next()?, 1, 2)?;
    let month = month(tokens.next()?)?;
    let year = year(tokens.next()?)?;
    let date = Date::new(year, month, day)?;
    let Some(time) = tokens.next() else {
        return Some(Published::Date(date));
    };
    let mut parts = time.split(':');
    let hour = number(parts.next()?, 1, 2)?;
    let minute = number(parts.next()?, 2, 2)?;
    let second = match parts.next() {
        Some(second) => number(second, 2, 2)?,
        None => 0,
    };
    if parts.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let offset_minutes = match tokens.next() {
        Some(zone) => zone_offset(zone)?,
        None => None,
    };
    // A comment may follow the zone: `+0200 (CEST)`.
    if tokens.next().is_some_and(|t| !t.starts_with('(')) {
        return None;
    }
    Some(Published::DateTime(DateTime {
        date,
        hour: hour as u8,
        minute: minute as u8,
        second: second as u8,
        offset_minutes,
    }))
}

/// A number written with `min` to `max` digits.
fn number(s: &str, min: usize, max: usize) -> Option<u32> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A month by its English name or its first three letters, in any case.
fn month(s: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let s = s.trim_end_matches('.').to_ascii_lowercase();
    if s.len() < 3 {
        return None;
    }
    let at = MONTHS.iter().position(|m| m.starts_with(&s))?;
    Some(at as u32 + 1)
}

/// A four-digit year, or a two- or three-digit one read as RFC 2822 section 4.3 says.
fn year(s: &str) -> Option<i32> {
    let n = number(s, 2, 4)? as i32;
    Some(match s.len() {
        2 if n < 50 => 2000 + n,
        2 | 3 => 1900 + n,
        _ => n,
    })
}

/// The offset of a zone in minutes: `Some(None)` for a zone that does not say it (an unknown
/// name), `None` for something that is no zone at all.
fn zone_offset(zone: &str) -> Option<Option<i16>> {
    let hours = |h: i16| Some(Some(h * 60));
    match zone.to_ascii_uppercase().as_str() {
        "UT" | "UTC" | "GMT" | "Z" => return hours(0),
        "EDT" => return hours(-4),
        "EST" | "CDT" => return hours(-5),
        "CST" | "MDT" => return hours(-6),
        "MST" | "PDT" => return hours(-7),
        "PST" => return hours(-8),
        _ => {}
    }
    if let Some(rest) = zone.strip_prefix(['+', '-']) {
        let digits = rest.replace(':', "");
        let (h, m) = (
            number(digits.get(..2)?, 2, 2)?,
            number(digits.get(2..)?, 2, 2)?,
        );
        if h > 18 || m > 59 {
            return None;
        }
        let minutes = (h * 60 + m) as i16;
        return Some(Some(if zone.starts_with('-') {
            -minutes
        } else {
            minutes
        }));
    }
    // RFC 2822 reads military zones and other names as an unknown offset.
    zone.bytes()
        .all(|b| b.is_ascii_alphabetic())
        .then_some(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: Option<&str>) {
        let got = parse(input).map(|p| p.to_string());
        assert_eq!(got.as_deref(), expect, "{input:?}");
    }

    #[test]
    fn rfc_822_with_numeric_offsets() {
        check(
            "Thu, 10 Mar 2022 09:30:00 +0200",
            Some("2022-03-10T09:30:00+02:00"),
        );
        check(
            "Thu, 10 Mar 2022 09:30:00 -0530",
            Some("2022-03-10T09:30:00-05:30"),
        );
        check(
            "10 Mar 2022 09:30:00 +02:00",
            Some("2022-03-10T09:30:00+02:00"),
        );
    }

    #[test]
    fn named_zones() {
        check(
            "Thu, 10 Mar 2022 09:30:00 GMT",
            Some("2022-03-10T09:30:00Z"),
        );
        check("Thu, 10 Mar 2022 09:30:00 UT", Some("2022-03-10T09:30:00Z"));
        check(
            "Thu, 10 Mar 2022 09:30 EST",
            Some("2022-03-10T09:30:00-05:00"),
        );
        check(
            "Thu, 10 Mar 2022 09:30 PDT",
            Some("2022-03-10T09:30:00-07:00"),
        );
        // An unknown name keeps the local time without an offset.
        check(
            "Thu, 10 Mar 2022 09:30:00 CEST",
            Some("2022-03-10T09:30:00"),
        );
    }

    #[test]
    fn lenient_forms() {
        check("10 Mar 2022 9:30:00 +0000", Some("2022-03-10T09:30:00Z"));
        check(
            "THU, 10 MARCH 2022 09:30:00 Z",
            Some("2022-03-10T09:30:00Z"),
        );
        check(
            "Thu,10 Sept 2022 09:30:00 GMT",
            Some("2022-09-10T09:30:00Z"),
        );
        check("Thu, 10 Mar 2022", Some("2022-03-10"));
        check("Thu, 10 Mar 2022 09:30", Some("2022-03-10T09:30:00"));
        check("Mon, 3 Jan 22 23:59:60 GMT", Some("2022-01-03T23:59:60Z"));
        check("3 Jan 98 00:00 GMT", Some("1998-01-03T00:00:00Z"));
        check(
            "Thu, 10 Mar 2022 09:30:00 +0100 (CET)",
            Some("2022-03-10T09:30:00+01:00"),
        );
    }

    #[test]
    fn not_dates() {
        check("", None);
        check("2022-03-10", None);
        check("Thu, 31 Feb 2022 09:30:00 GMT", None);
        check("Thu, 10 Foo 2022 09:30:00 GMT", None);
        check("Thu, 10 Mar 2022 24:00:00 GMT", None);
        check("Thu, 10 Mar 2022 09:30:00 +9900", None);
        check("Thu, 10 Mar 2022 09:30:00 +02", None);
        check("Thu, 10 Mar 2022 09:30:00 GMT extra", None);
        check("Thu, 10 Mar 2022 09:30:00:00 GMT", None);
        check("Thu, 10 M\u{e4}r 2022", None);
    }
}
