//! Time expressions, normalised TimeML-style against the publication date: "on Thursday" in a
//! story of Thursday 2022-03-10 is `DATE 2022-03-10`, "Wednesday" `DATE 2022-03-09`, "February
//! 24" `DATE 2022-02-24`, "in 2014" `DATE 2014`, "last week" `DATE 2022-W09`, "two weeks of
//! fighting" `DURATION P2W`, "at 3 p.m." `TIME 2022-03-10T15:00`, "every year" `SET P1Y`.
//!
//! Rules over the words and tags of a parsed sentence (no model): a weekday or a month-day
//! without a year looks back from the publication date when its clause is in the past and
//! forward when it is in the future ("will meet on Monday"); "May" and "March" are months only
//! before a day or a year, or after "in"/"early"/"late"/"mid"/"last"/"next"/"this".

use dyad_core::{Date, Span};

use crate::sent::{Rel, Sent};

/// TimeML's types of time expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimexType {
    /// A calendar date, week, month, year, decade or century.
    Date,
    /// A time of day, or a part of a day.
    Time,
    /// A length of time.
    Duration,
    /// A recurring time.
    Set,
}

impl TimexType {
    /// `DATE`, `TIME`, `DURATION`, `SET`.
    pub fn as_str(self) -> &'static str {
        match self {
            TimexType::Date => "DATE",
            TimexType::Time => "TIME",
            TimexType::Duration => "DURATION",
            TimexType::Set => "SET",
        }
    }
}

/// One normalised time expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timex {
    /// Byte span in the article text (without a leading preposition).
    pub span: Span,
    /// First and one-past-last word in the sentence.
    pub words: (usize, usize),
    /// Its type.
    pub kind: TimexType,
    /// TIMEX3 value: `2022-03-10`, `2022-W09`, `2014-03`, `199`, `P2W`, `2022-03-10TNI`,
    /// `PAST_REF`…
    pub value: String,
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

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

fn month_of(w: &str) -> Option<u32> {
    let w = w.trim_end_matches('.');
    if let Some(i) = MONTHS.iter().position(|m| *m == w) {
        return Some(i as u32 + 1);
    }
    let abbr = [
        "jan", "feb", "mar", "apr", "", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    if w == "sept" {
        return Some(9);
    }
    abbr.iter()
        .position(|a| !a.is_empty() && *a == w)
        .map(|i| i as u32 + 1)
}

fn number_word(w: &str) -> Option<u32> {
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    if let Some(i) = WORDS.iter().position(|x| *x == w) {
        return Some(i as u32);
    }
    match w {
        "a" | "an" => Some(1),
        "fifteen" => Some(15),
        "twenty" => Some(20),
        "thirty" => Some(30),
        "forty" => Some(40),
        "fifty" => Some(50),
        "hundred" => Some(100),
        _ => w.replace(',', "").parse().ok().filter(|&n| n < 100_000),
    }
}

/// A unit of duration: its TIMEX3 letter and whether it is a time (hours, minutes).
fn unit(w: &str) -> Option<(&'static str, bool)> {
    Some(match w.trim_end_matches('s') {
        "second" => ("S", true),
        "minute" => ("M", true),
        "hour" => ("H", true),
        "day" => ("D", false),
        "week" => ("W", false),
        "month" => ("M", false),
        "year" => ("Y", false),
        "decade" => ("DE", false),
        "century" | "centurie" => ("CE", false),
        _ => return None,
    })
}

fn duration(n: u32, (u, time): (&str, bool)) -> String {
    match (u, time) {
        ("DE", _) => format!("P{}Y", n * 10),
        ("CE", _) => format!("P{}Y", n * 100),
        (u, true) => format!("PT{n}{u}"),
        (u, false) => format!("P{n}{u}"),
    }
}

/// Whether the clause of word `i` speaks of the future: a "will"/"shall"/"would" auxiliary, an
/// infinitive ("plans to meet on Monday"), "next", or a present progressive of plans ("is
/// meeting on Monday").
fn future(s: &Sent, i: usize) -> bool {
    // "scheduled for March 22", "due on Friday", "until Friday": plans and deadlines.
    let clause = s.clause_head(i);
    let planned = (0..s.len()).any(|k| {
        matches!(
            s.words[k].lower.as_str(),
            "scheduled" | "due" | "expected" | "slated" | "planned" | "set" | "until" | "upcoming"
        ) && s.clause_head(k) == clause
    });
    if planned {
        return true;
    }
    let mut k = i;
    for _ in 0..6 {
        let w = &s.words[k];
        if w.is_verb() {
            let aux_future = s.children(k).any(|c| {
                matches!(s.rel[c], Rel::Aux | Rel::AuxPass)
                    && matches!(
                        s.words[c].lower.as_str(),
                        "will" | "shall" | "'ll" | "wo" | "would" | "'d"
                    )
                    || s.rel[c] == Rel::Mark && s.words[c].lower == "to"
            });
            if aux_future {
                return true;
            }
            if matches!(w.xpos.as_str(), "VBD" | "VBN") {
                return false;
            }
        }
        match s.head_of(k) {
            Some(h) => k = h,
            None => break,
        }
    }
    false
}

/// Whether the clause of word `i` is in the past: a past-tense verb governs it.
fn past_tense(s: &Sent, i: usize) -> bool {
    let mut k = i;
    for _ in 0..6 {
        let w = &s.words[k];
        if w.is_verb() {
            return matches!(w.xpos.as_str(), "VBD" | "VBN")
                || s.children(k).any(|c| {
                    matches!(s.rel[c], Rel::Aux | Rel::AuxPass)
                        && matches!(s.words[c].lower.as_str(), "did" | "had" | "was" | "were")
                });
        }
        match s.head_of(k) {
            Some(h) => k = h,
            None => break,
        }
    }
    false
}

/// The weekday `wd` (0 = Monday) nearest the publication date: on or before it for the past,
/// on or after it for the future.
fn weekday_date(date: Date, wd: u32, fut: bool) -> Option<Date> {
    let today = date.weekday() as i64;
    let wd = wd as i64;
    let delta = if fut {
        (wd - today).rem_euclid(7)
    } else {
        -(today - wd).rem_euclid(7)
    };
    date.add_days(delta)
}

fn week_value(d: Date) -> String {
    let (y, w) = d.iso_week();
    format!("{y}-W{w:02}")
}

fn month_value(y: i32, m: u32) -> String {
    format!("{y:04}-{m:02}")
}

/// Adds `n` months to (year, month).
fn add_months(y: i32, m: u32, n: i32) -> (i32, u32) {
    let idx = y * 12 + m as i32 - 1 + n;
    (idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1)
}

fn is_year(w: &str) -> Option<i32> {
    (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
        .filter(|y| (1800..=2099).contains(y))
}

fn day_number(w: &str) -> Option<u32> {
    let d = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let ok = w.len() == d.len() || matches!(&w[d.len()..], "st" | "nd" | "rd" | "th");
    d.parse().ok().filter(|n| (1..=31).contains(n) && ok)
}

/// Part of a day.
fn day_part(w: &str) -> Option<&'static str> {
    Some(match w {
        "morning" => "MO",
        "afternoon" => "AF",
        "evening" => "EV",
        "night" => "NI",
        _ => return None,
    })
}

/// The time expressions of one sentence, in order.
pub fn find(s: &Sent, date: Date) -> Vec<Timex> {
    let n = s.len();
    let lower = |i: usize| s.words.get(i).map_or("", |w| w.lower.as_str());
    let mut out: Vec<Timex> = Vec::new();
    let mk = |lo: usize, hi: usize, kind: TimexType, value: String| Timex {
        span: Span::new(s.words[lo].span.start, s.words[hi - 1].span.end),
        words: (lo, hi),
        kind,
        value,
    };
    let mut i = 0;
    while i < n {
        let w = lower(i);
        let prev = if i > 0 { lower(i - 1) } else { "" };
        // Weekdays, with "last"/"next"/"this" and a part of the day.
        if let Some(wd) = WEEKDAYS.iter().position(|d| *d == w) {
            // "Sunday Times" is a newspaper: a weekday before a capitalised noun.
            let newspaper = s
                .words
                .get(i + 1)
                .is_some_and(|x| x.xpos.starts_with("NNP") && day_part(&x.lower).is_none());
            if !newspaper {
                let (lo, fut) = match prev {
                    "last" | "past" => (i - 1, false),
                    "next" | "coming" => (i - 1, true),
                    "this" => (i - 1, future(s, i)),
                    _ => (i, future(s, i)),
                };
                if let Some(d) = weekday_date(date, wd as u32, fut) {
                    let mut hi = i + 1;
                    if lower(hi) == "'s" {
                        hi += 1;
                    }
                    if let Some(part) = day_part(lower(i + 1)) {
                        out.push(mk(lo, i + 2, TimexType::Time, format!("{d}T{part}")));
                        i += 2;
                        continue;
                    }
                    out.push(mk(lo, i + 1, TimexType::Date, d.to_string()));
                    i = hi;
                    continue;
                }
            }
        }
        // Month names: "February 24", "24 February", "March 10, 2022", "March 2014",
        // "in March".
        if let Some(m) = month_of(w) {
            let ambiguous = matches!(w, "may" | "march" | "mar.");
            let next = lower(i + 1);
            let day_after = day_number(next);
            let day_before = if i > 0 { day_number(prev) } else { None };
            let capital = s.words[i].form.starts_with(char::is_uppercase);
            let year_at = |k: usize| is_year(lower(k));
            let fut = future(s, i);
            let past = !fut && past_tense(s, i);
            let infer_year = |mm: u32, dd: Option<u32>| -> i32 {
                let y = date.year();
                let here = Date::new(y, mm, dd.unwrap_or(1)).unwrap_or(date);
                let month_now = dd.is_none() && mm == date.month();
                if fut && here < date && !month_now {
                    y + 1
                } else if past && here > date && !month_now {
                    y - 1
                } else if !fut && !past {
                    // No tense to go by: the nearest such day.
                    let days = |yy: i32| {
                        Date::new(yy, mm, dd.unwrap_or(15)).map_or(i64::MAX, |d| {
                            (d.days_since_epoch() - date.days_since_epoch()).abs()
                        })
                    };
                    [y - 1, y, y + 1]
                        .into_iter()
                        .min_by_key(|&yy| days(yy))
                        .unwrap_or(y)
                } else {
                    y
                }
            };
            if let Some(d) = day_after.filter(|_| capital) {
                // "March 10, 2022" / "March 10 2022".
                let (yk, comma) = if lower(i + 2) == "," {
                    (i + 3, true)
                } else {
                    (i + 2, false)
                };
                if let Some(y) = year_at(yk) {
                    if let Some(dt) = Date::new(y, m, d) {
                        out.push(mk(i, yk + 1, TimexType::Date, dt.to_string()));
                        i = yk + 1;
                        continue;
                    }
                }
                let _ = comma;
                let y = infer_year(m, Some(d));
                if let Some(dt) = Date::new(y, m, d) {
                    out.push(mk(i, i + 2, TimexType::Date, dt.to_string()));
                    i += 2;
                    continue;
                }
            }
            if let Some(d) = day_before.filter(|_| capital) {
                // "24 February (2022)": the day was passed over; take it back.
                let y = year_at(i + 1).unwrap_or_else(|| infer_year(m, Some(d)));
                if let Some(dt) = Date::new(y, m, d) {
                    out.pop_if_words(i - 1);
                    let hi = if year_at(i + 1).is_some() {
                        i + 2
                    } else {
                        i + 1
                    };
                    out.push(mk(i - 1, hi, TimexType::Date, dt.to_string()));
                    i = hi;
                    continue;
                }
            }
            if capital {
                if let Some(y) = year_at(i + 1) {
                    out.push(mk(i, i + 2, TimexType::Date, month_value(y, m)));
                    i += 2;
                    continue;
                }
                let cue = matches!(
                    prev,
                    "in" | "early"
                        | "late"
                        | "mid"
                        | "since"
                        | "until"
                        | "by"
                        | "of"
                        | "last"
                        | "next"
                        | "this"
                );
                if cue && (!ambiguous || s.words[i].xpos.starts_with("NNP")) {
                    let (lo, y) = match prev {
                        "last" => (i - 1, date.year() - i32::from(m >= date.month())),
                        "next" => (i - 1, date.year() + i32::from(m <= date.month())),
                        "this" => (i - 1, date.year()),
                        _ => (i, infer_year(m, None)),
                    };
                    out.push(mk(lo, i + 1, TimexType::Date, month_value(y, m)));
                    i += 1;
                    continue;
                }
            }
        }
        // "yesterday afternoon", "this morning" (below), "noon".
        if matches!(w, "yesterday" | "today" | "tomorrow") {
            if let Some(part) = day_part(lower(i + 1)) {
                let d = date.add_days(match w {
                    "yesterday" => -1,
                    "tomorrow" => 1,
                    _ => 0,
                });
                if let Some(d) = d {
                    out.push(mk(i, i + 2, TimexType::Time, format!("{d}T{part}")));
                    i += 2;
                    continue;
                }
            }
        }
        if matches!(w, "noon" | "midday" | "midnight") {
            let day = out
                .iter()
                .rev()
                .find(|t| t.kind == TimexType::Date && t.value.len() == 10)
                .map_or_else(|| date.to_string(), |t| t.value.clone());
            let hh = if w == "midnight" { "00" } else { "12" };
            out.push(mk(i, i + 1, TimexType::Time, format!("{day}T{hh}:00")));
            i += 1;
            continue;
        }
        // "a week from now", "two days from today".
        if let (Some(num), Some(un)) = (number_word(w), unit(lower(i + 1))) {
            if lower(i + 2) == "from" && matches!(lower(i + 3), "now" | "today") {
                let days = match un.0 {
                    "D" => Some(i64::from(num)),
                    "W" => Some(7 * i64::from(num)),
                    _ => None,
                };
                if let Some(d) = days.and_then(|n| date.add_days(n)) {
                    out.push(mk(i, i + 4, TimexType::Date, d.to_string()));
                    i += 4;
                    continue;
                }
            }
        }
        // "every Friday".
        if w == "every" {
            if let Some(wd) = WEEKDAYS.iter().position(|d| *d == lower(i + 1)) {
                out.push(mk(i, i + 2, TimexType::Set, format!("XXXX-WXX-{}", wd + 1)));
                i += 2;
                continue;
            }
        }
        // "the 19th century".
        if lower(i + 1) == "century" {
            if let Some(c) = day_number(w).filter(|&c| (1..=22).contains(&c)) {
                out.push(mk(i, i + 2, TimexType::Date, format!("{:02}", c - 1)));
                i += 2;
                continue;
            }
        }
        // "a 90-minute meeting", "a five-day suspension" (split at the hyphen).
        if let Some(num) = number_word(w).filter(|_| lower(i + 1) == "-") {
            if let Some(un) = unit(lower(i + 2)).filter(|_| !lower(i + 2).ends_with('s')) {
                out.push(mk(i, i + 3, TimexType::Duration, duration(num, un)));
                i += 3;
                continue;
            }
        }
        // Relative days and references.
        let single = match w {
            "today" => Some((TimexType::Date, date.to_string())),
            "yesterday" => date.add_days(-1).map(|d| (TimexType::Date, d.to_string())),
            "tomorrow" => date.add_days(1).map(|d| (TimexType::Date, d.to_string())),
            "tonight" => Some((TimexType::Time, format!("{date}TNI"))),
            "now" | "currently" | "nowadays" => Some((TimexType::Date, "PRESENT_REF".into())),
            "recently" | "lately" => Some((TimexType::Date, "PAST_REF".into())),
            "soon" => Some((TimexType::Date, "FUTURE_REF".into())),
            "daily" => Some((TimexType::Set, "P1D".into())),
            "weekly" => Some((TimexType::Set, "P1W".into())),
            "monthly" => Some((TimexType::Set, "P1M".into())),
            "annually" | "yearly" => Some((TimexType::Set, "P1Y".into())),
            _ => None,
        };
        // "now" as in "now that…" and "daily" as an adjective of a noun are no times.
        let single = single.filter(|_| {
            !(matches!(w, "daily" | "weekly" | "monthly" | "yearly")
                && s.words.get(i + 1).is_some_and(|x| x.xpos.starts_with("NN")))
        });
        if let Some((kind, value)) = single {
            out.push(mk(i, i + 1, kind, value));
            i += 1;
            continue;
        }
        // "this morning", "last week", "next month", "this year", "earlier this month".
        if matches!(w, "last" | "next" | "this" | "past" | "coming") {
            let u = lower(i + 1);
            let lo = if matches!(prev, "earlier" | "later") && w == "this" {
                i - 1
            } else {
                i
            };
            let dir: i32 = match w {
                "last" | "past" => -1,
                "next" | "coming" => 1,
                _ => 0,
            };
            let value = match u {
                "week" => date.add_days(7 * i64::from(dir)).map(week_value),
                "month" => {
                    let (y, m) = add_months(date.year(), date.month(), dir);
                    Some(month_value(y, m))
                }
                "year" => Some(format!("{:04}", date.year() + dir)),
                "weekend" => {
                    // The weekend's Saturday.
                    let sat = weekday_date(date, 5, dir >= 0);
                    sat.map(week_value).map(|w| format!("{w}-WE"))
                }
                "morning" | "afternoon" | "evening" | "night" if dir <= 0 => {
                    let d = if dir < 0 && u == "night" {
                        date.add_days(-1)
                    } else {
                        Some(date)
                    };
                    d.map(|d| format!("{d}T{}", day_part(u).unwrap_or("")))
                }
                _ => None,
            };
            if let Some(v) = value {
                let kind = if v.contains('T') {
                    TimexType::Time
                } else {
                    TimexType::Date
                };
                out.push(mk(lo, i + 2, kind, v));
                i += 2;
                continue;
            }
        }
        // "every week", "every year".
        if w == "every" {
            if let Some((u, t)) = unit(lower(i + 1)) {
                out.push(mk(i, i + 2, TimexType::Set, duration(1, (u, t))));
                i += 2;
                continue;
            }
        }
        // Numbers with units: "two weeks" (a duration), "two days ago" (a date), "a 90-minute
        // meeting", "three-day".
        if let Some((num, u)) = w
            .split_once('-')
            .and_then(|(a, b)| Some((number_word(a)?, b)))
        {
            if let Some(un) = unit(u) {
                if s.words.get(i + 1).is_some_and(|x| x.xpos.starts_with("NN")) {
                    out.push(mk(i, i + 1, TimexType::Duration, duration(num, un)));
                    i += 1;
                    continue;
                }
            }
        }
        if let Some(num) = number_word(w) {
            // "2,014 people" is a count, and a bare four-digit number is handled as a year.
            let mut k = i + 1;
            if matches!(
                lower(k),
                "more" | "full" | "long" | "straight" | "consecutive"
            ) {
                k += 1;
            }
            if let Some(un) = unit(lower(k)) {
                if lower(k + 1) == "ago" {
                    let v = match un.0 {
                        "D" => date.add_days(-i64::from(num)).map(|d| d.to_string()),
                        "W" => date.add_days(-7 * i64::from(num)).map(week_value),
                        "M" if !un.1 => {
                            let (y, m) = add_months(date.year(), date.month(), -(num as i32));
                            Some(month_value(y, m))
                        }
                        "Y" => Some(format!("{:04}", date.year() - num as i32)),
                        _ => None,
                    };
                    if let Some(v) = v {
                        out.push(mk(i, k + 2, TimexType::Date, v));
                        i = k + 2;
                        continue;
                    }
                }
                // "a day" as in "once a day" is a rate, not a duration; "a second" is an
                // ordinal.
                let ordinal = matches!(w, "a" | "an") && lower(k) == "second";
                let rate = matches!(w, "a" | "an") && matches!(prev, "once" | "twice" | "times");
                if !(ordinal || rate) {
                    out.push(mk(i, k + 1, TimexType::Duration, duration(num, un)));
                    i = k + 1;
                    continue;
                }
            }
        }
        // Times of day: "3 p.m.", "10:30 a.m.".
        if matches!(lower(i + 1), "p.m." | "pm" | "a.m." | "am") && i + 1 < n {
            let (h, m) = match w.split_once(':') {
                Some((h, m)) => (h.parse::<u32>().ok(), m.parse::<u32>().ok()),
                None => (w.parse::<u32>().ok(), Some(0)),
            };
            if let (Some(h), Some(m)) = (h, m) {
                if (1..=12).contains(&h) && m < 60 {
                    let pm = lower(i + 1).starts_with('p');
                    let h24 = match (h, pm) {
                        (12, false) => 0,
                        (12, true) => 12,
                        (h, true) => h + 12,
                        (h, false) => h,
                    };
                    // The day: a date the sentence states, else the publication date.
                    let day = out
                        .iter()
                        .rev()
                        .find(|t| t.kind == TimexType::Date && t.value.len() == 10)
                        .map_or_else(|| date.to_string(), |t| t.value.clone());
                    out.push(mk(
                        i,
                        i + 2,
                        TimexType::Time,
                        format!("{day}T{h24:02}:{m:02}"),
                    ));
                    i += 2;
                    continue;
                }
            }
        }
        // Years and decades: "in 2014", "the 2020 election", "the 1990s".
        if let Some(y) = is_year(w) {
            let count = s.words.get(i + 1).is_some_and(|x| {
                x.xpos == "NNS" && !matches!(x.lower.as_str(), "elections" | "games" | "talks")
            });
            if !count && s.words[i].xpos == "CD" || matches!(prev, "in" | "since" | "of") {
                out.push(mk(i, i + 1, TimexType::Date, format!("{y:04}")));
                i += 1;
                continue;
            }
        }
        if w.len() == 5 && w.ends_with('s') {
            if let Some(y) = is_year(&w[..4]).filter(|y| y % 10 == 0) {
                out.push(mk(i, i + 1, TimexType::Date, format!("{:03}", y / 10)));
                i += 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

trait PopIfWords {
    fn pop_if_words(&mut self, word: usize);
}

impl PopIfWords for Vec<Timex> {
    /// Drops the last expression if it covers `word` (a day number read as something else).
    fn pop_if_words(&mut self, word: usize) {
        if self
            .last()
            .is_some_and(|t| t.words.0 <= word && word < t.words.1)
        {
            self.pop();
        }
    }
}
