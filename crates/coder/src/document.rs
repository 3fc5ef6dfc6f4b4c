//! What the coder knows of a whole document: who issued it, which parties its title names and
//! which country it is about. A bare role ("the President", "officials", "we") is resolved
//! from this focus instead of being written out as a code without a country.

use dyad_core::cameo::{self, ActorKind};
use dyad_core::Date;

use crate::lexicon::{Found, Lexicon, Origin};
use crate::sent::Word;
use crate::words::{words, List};

/// An actor named in the title, with the role words written before it ("Vice President"
/// Harris).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleActor {
    /// Its code as of the story date.
    pub code: String,
    /// The role phrase written before the name, lower case (`vice president`), if any.
    pub role: Option<String>,
    /// The dictionary entry that named it.
    pub origin: Origin,
}

/// The document's focus: built from its title (and source metadata) before the first
/// sentence, and from the countries its sentences name as they are coded.
#[derive(Debug, Clone, Default)]
pub struct Focus {
    /// Actors named in the title, in order, one per code.
    pub title: Vec<TitleActor>,
    /// The author of an official text (a statement, readout or fact sheet of a government):
    /// "we", "our Administration" and an unnamed "the President" are its.
    pub issuer: Option<String>,
    /// The parties of a joint statement: its "we" is every one of them.
    pub joint: Vec<String>,
    /// Countries named so far and how often (the title's count twice).
    countries: Vec<(String, u32)>,
}

/// The country (or region) that leads an actor code, if any.
pub fn country_of(code: &str) -> Option<&str> {
    let c = code.get(..3)?;
    cameo::actor(c)
        .filter(|a| matches!(a.kind, ActorKind::Country))
        .map(|_| c)
}

/// Whether a code is a role alone (`GOV`, `CVL`), with no country or organisation.
pub fn is_bare_role(code: &str) -> bool {
    code.len() >= 3
        && code.len() % 3 == 0
        && code.as_bytes().chunks(3).all(|g| {
            std::str::from_utf8(g)
                .ok()
                .and_then(cameo::actor)
                .is_some_and(|a| a.kind == ActorKind::Role)
        })
}

impl Focus {
    /// The focus of a document with this title (its words, as the tokenizer splits them) and
    /// source metadata (`source` or URL: an official site names its issuer).
    pub fn from_title(lex: &Lexicon, title: &[Word], source: &str, date: Date) -> Focus {
        let mut f = Focus::default();
        let mut i = 0;
        let mut role: Option<String> = None;
        while i < title.len() {
            match lex.find(title, i) {
                Some((len, Found::Actor(a))) => {
                    let actor = &lex.actors[a as usize];
                    if let Some(code) = actor.code_at(date) {
                        if !f.title.iter().any(|t| t.code == code) {
                            f.title.push(TitleActor {
                                code: code.to_string(),
                                role: role.take(),
                                origin: actor.origin,
                            });
                        }
                        if let Some(c) = country_of(code) {
                            f.count(c, 2);
                        }
                    }
                    role = None;
                    i += len;
                }
                Some((len, Found::Agent(_))) => {
                    let phrase: Vec<&str> =
                        title[i..i + len].iter().map(|w| w.lower.as_str()).collect();
                    role = Some(phrase.join(" "));
                    i += len;
                }
                None => {
                    role = None;
                    i += 1;
                }
            }
        }
        let lower: String = title
            .iter()
            .map(|w| w.lower.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let official = words()
            .list(List::OfficialGenre)
            .iter()
            .any(|g| lower.starts_with(g.as_str()))
            || title
                .first()
                .is_some_and(|w| w.form.chars().all(|c| !c.is_lowercase()))
                && lower.starts_with("fact")
            || source.contains("whitehouse");
        let joint = lower.starts_with("joint") || lower.contains("joint statement");
        if joint {
            for t in &f.title {
                if let Some(c) = country_of(&t.code) {
                    let code = format!("{c}GOV");
                    if !f.joint.contains(&code) {
                        f.joint.push(code);
                    }
                }
            }
            if f.joint.len() < 2 {
                f.joint.clear();
            }
        }
        if official {
            // A person or a government named in the title; else an official site's country.
            f.issuer = f
                .title
                .iter()
                .find(|t| lex.is_person(t.origin) || t.code.len() == 6 && t.code.ends_with("GOV"))
                .map(|t| match country_of(&t.code) {
                    Some(c) if !lex.is_person(t.origin) || t.code.ends_with("GOV") => {
                        format!("{c}GOV")
                    }
                    _ => t.code.clone(),
                })
                .or_else(|| source.contains("whitehouse").then(|| "USAGOV".to_string()));
        }
        f
    }

    /// Counts a country named in the text.
    pub fn count(&mut self, country: &str, n: u32) {
        match self.countries.iter_mut().find(|(c, _)| c == country) {
            Some((_, k)) => *k += n,
            None => self.countries.push((country.to_string(), n)),
        }
    }

    /// The country the document is about: the issuer's, else the most named one when it is
    /// named at least twice and more than any other.
    pub fn country(&self) -> Option<&str> {
        if let Some(c) = self.issuer.as_deref().and_then(country_of) {
            return Some(c);
        }
        let mut best: Option<(&str, u32)> = None;
        let mut tie = false;
        for (c, n) in &self.countries {
            match best {
                Some((_, b)) if *n == b => tie = true,
                Some((_, b)) if *n < b => {}
                _ => {
                    best = Some((c, *n));
                    tie = false;
                }
            }
        }
        best.filter(|&(_, n)| n >= 2 && !tie).map(|(c, _)| c)
    }

    /// The title actor whose role phrase is exactly `role` ("the Vice President" is the one
    /// the title calls Vice President), when one actor fits.
    pub fn by_role(&self, role: &str) -> Option<&TitleActor> {
        let mut it = self
            .title
            .iter()
            .filter(|t| t.role.as_deref() == Some(role));
        let first = it.next()?;
        // Two title actors with the same role: the issuer's, if one of them is.
        match it.next() {
            None => Some(first),
            Some(_) => self
                .title
                .iter()
                .filter(|t| t.role.as_deref() == Some(role))
                .find(|t| self.issuer.as_deref().and_then(country_of) == country_of(&t.code)),
        }
    }

    /// The two countries the text is about, when two stand out: each named at least twice
    /// and more often than any third ("Ukraine's and Russia's foreign ministers met…").
    pub fn counted_pair(&self) -> Option<(&str, &str)> {
        let mut v: Vec<&(String, u32)> = self.countries.iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let (a, b) = (v.first()?, v.get(1)?);
        let third = v.get(2).map_or(0, |c| c.1);
        (b.1 >= 2 && third < b.1).then_some((a.0.as_str(), b.0.as_str()))
    }

    /// The two parties of a title that names exactly two countries ("Readout of President
    /// Biden's Meeting with President Zelenskyy of Ukraine"), issuer first.
    pub fn pair(&self) -> Option<(&TitleActor, &TitleActor)> {
        let mut seen: Vec<&TitleActor> = Vec::new();
        for t in &self.title {
            let Some(c) = country_of(&t.code) else {
                continue;
            };
            if !seen.iter().any(|s| country_of(&s.code) == Some(c)) {
                seen.push(t);
            }
        }
        if seen.len() != 2 {
            return None;
        }
        let issuer = self.issuer.as_deref().and_then(country_of);
        if issuer.is_some() && country_of(&seen[1].code) == issuer {
            Some((seen[1], seen[0]))
        } else {
            Some((seen[0], seen[1]))
        }
    }
}
