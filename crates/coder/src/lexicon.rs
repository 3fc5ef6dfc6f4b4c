//! Compiled dictionaries: phrase indexes for actors, agents and discards, and verb patterns
//! indexed by trigger word. Built once from a [`Dictionaries`] model (dyad's own files or
//! TABARI/PETRARCH ones) and shared read-only by every worker.

use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};

use dyad_core::Date;
use dyad_dict::{
    AgentPosition, DatedCode, Dictionaries, Link, Phrase, Synset, TokenKind, VerbSyntax,
};

use crate::sent::Word;

/// Where an entry came from: file index (into [`Lexicon::files`]) and 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Origin {
    /// Index into [`Lexicon::files`].
    pub file: u16,
    /// 1-based line.
    pub line: u32,
}

/// A named actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The first name of the entry.
    pub name: String,
    /// Its codes, possibly dated.
    pub codes: Vec<DatedCode>,
    /// Where it is defined.
    pub origin: Origin,
}

impl Actor {
    /// The code that applies on `date`: a dated code covering it first, else an undated one.
    pub fn code_at(&self, date: Date) -> Option<&str> {
        dyad_dict::code_at(&self.codes, date).filter(|c| *c != "---")
    }

    /// Whether the actor looks like a person: it has dated codes.
    pub fn is_person(&self) -> bool {
        self.codes.iter().any(DatedCode::is_dated)
    }
}

/// A role word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    /// Role code such as `GOV`.
    pub code: String,
    /// Written before the actor code (`NGO` + `ARN`) rather than after.
    pub prefix: bool,
    /// Where it is defined.
    pub origin: Origin,
}

/// One word slot of a phrase: the accepted lower-case forms.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Slot {
    word: String,
    /// The last word of a phrase also matches by lemma and regular plural.
    loose: bool,
    /// Written as a short capitalised abbreviation in dyad's format (`US`, `UK`): the token
    /// must be written the same way, so that `US` is not the pronoun `us`.
    exact: Option<String>,
    /// Written in lower case in dyad's format (`cop`, `press`): a capitalised acronym in the
    /// text ("COP 26", "PRESS") is another word.
    lower_only: bool,
}

/// Phrases indexed by their first word.
#[derive(Debug, Clone, Default)]
struct PhraseIndex {
    by_first: FxHashMap<String, Vec<(Vec<Slot>, u32)>>,
}

impl PhraseIndex {
    fn insert(&mut self, phrase: &Phrase, value: u32, loose_last: bool) {
        self.insert_cased(phrase, value, loose_last, false);
    }

    fn insert_cased(&mut self, phrase: &Phrase, value: u32, loose_last: bool, cased: bool) {
        let n = phrase.words.len();
        let slots: Vec<Slot> = phrase
            .words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let abbreviation = cased
                    && (2..=4).contains(&w.text.len())
                    && w.text.chars().all(|c| c.is_ascii_uppercase());
                Slot {
                    word: w.text.to_lowercase(),
                    loose: loose_last && i + 1 == n && !abbreviation,
                    exact: abbreviation.then(|| w.text.clone()),
                    lower_only: cased && w.text.chars().all(|c| !c.is_uppercase()),
                }
            })
            .collect();
        if slots.is_empty() {
            return;
        }
        let key = slots[0].word.clone();
        let list = self.by_first.entry(key.clone()).or_default();
        list.push((slots.clone(), value));
        // A one-word loose phrase is also found from its plural/lemma forms.
        if n == 1 && slots[0].loose {
            for alt in [format!("{key}s"), format!("{key}es")] {
                self.by_first
                    .entry(alt)
                    .or_default()
                    .push((slots.clone(), value));
            }
        }
    }

    fn finish(&mut self) {
        for list in self.by_first.values_mut() {
            // Longest first; the first inserted wins among equals (stable sort).
            list.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        }
    }

    /// The longest phrase starting at word `i`: `(length in words, value)`.
    fn longest(&self, words: &[Word], i: usize) -> Option<(usize, u32)> {
        let w = &words[i];
        let mut best: Option<(usize, u32)> = None;
        for key in [&w.lower, &w.lemma] {
            let Some(list) = self.by_first.get(key.as_str()) else {
                continue;
            };
            for (slots, v) in list {
                if best.is_some_and(|(l, _)| l >= slots.len()) {
                    break;
                }
                if i + slots.len() > words.len() {
                    continue;
                }
                let ok = slots
                    .iter()
                    .enumerate()
                    .all(|(k, s)| slot_matches(s, &words[i + k]));
                if ok {
                    best = Some((slots.len(), *v));
                    break;
                }
            }
            if key == &w.lemma || w.lower == w.lemma {
                break;
            }
        }
        best
    }
}

fn slot_matches(s: &Slot, w: &Word) -> bool {
    if let Some(exact) = &s.exact {
        return w.form == *exact;
    }
    let matched = w.lower == s.word
        || s.loose
            && (w.lemma == s.word
                || w.lower.strip_suffix('s').is_some_and(|b| b == s.word)
                || w.lower.strip_suffix("es").is_some_and(|b| b == s.word));
    // Checked only on a match: a capitalised acronym is another word than a lower-case one.
    matched
        && !(s.lower_only
            && (2..=4).contains(&w.form.len())
            && w.form.bytes().all(|c| c.is_ascii_uppercase()))
}

/// One item of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A word: any of these lower-case lemmas or forms; several words each for a synset member.
    Words(Vec<Vec<String>>),
    /// The source actor.
    Source,
    /// The target actor.
    Target,
    /// A compound actor standing for both source and target.
    Compound,
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledPattern {
    /// The event code (`036`, `---`).
    pub code: String,
    /// A TABARI paired code (`032:033`): the code of the reverse event, target to source.
    pub pair: Option<String>,
    /// Items before the trigger, with "must be adjacent to the previous item" flags.
    pub before: Vec<(Item, bool)>,
    /// Items after the trigger, with "must be adjacent to the previous" flags.
    pub after: Vec<(Item, bool)>,
    /// The last item before the trigger must stand right before it (`IN_*`).
    pub touch: bool,
    /// Words that must stand right before the trigger word (multi-word verbs).
    pub trigger_before: Vec<String>,
    /// Words that must stand right after the trigger word (`call off`).
    pub trigger_after: Vec<String>,
    /// Applies only to a negated trigger.
    pub negated: bool,
    /// The trigger may be a noun (dyad's format); TABARI/PETRARCH verbs are verbs only.
    pub nouns: bool,
    /// How many words the pattern requires beyond the trigger: more wins.
    pub specificity: u16,
    /// Where it is defined.
    pub origin: Origin,
    /// The pattern as written.
    pub text: String,
}

/// Every compiled dictionary, ready for the coder.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// File names, indexed by [`Origin::file`].
    pub files: Vec<String>,
    /// Named actors.
    pub actors: Vec<Actor>,
    /// Agents.
    pub agents: Vec<Agent>,
    /// Patterns.
    pub patterns: Vec<CompiledPattern>,
    /// Discard phrases: `(story scope, origin, text)`.
    pub discards: Vec<(bool, Origin, String)>,
    persons: FxHashSet<Origin>,
    actor_index: PhraseIndex,
    agent_index: PhraseIndex,
    discard_index: PhraseIndex,
    /// Every first word of any actor, agent or discard phrase: most words start none, and one
    /// lookup here spares three.
    starts: FxHashSet<String>,
    triggers: FxHashMap<String, Vec<u32>>,
}

/// A phrase found in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A named actor (index into [`Lexicon::actors`]).
    Actor(u32),
    /// An agent (index into [`Lexicon::agents`]).
    Agent(u32),
}

impl Lexicon {
    /// Compiles dictionaries.
    pub fn compile(d: &Dictionaries) -> Lexicon {
        let mut lex = Lexicon::default();
        let file_id = |lex: &mut Lexicon, name: &str| -> u16 {
            if let Some(i) = lex.files.iter().position(|f| f == name) {
                return i as u16;
            }
            lex.files.push(name.to_string());
            (lex.files.len() - 1) as u16
        };
        for f in &d.actors {
            let file = file_id(&mut lex, &f.file);
            for e in &f.entries {
                let id = lex.actors.len() as u32;
                lex.actors.push(Actor {
                    name: e
                        .names
                        .first()
                        .map(|p| p.raw.replace('_', " "))
                        .unwrap_or_default(),
                    codes: e.codes.clone(),
                    origin: Origin { file, line: e.line },
                });
                let own = f.file.ends_with(".tsv");
                for n in &e.names {
                    lex.actor_index.insert_cased(n, id, !n.stop, own);
                }
            }
        }
        for f in &d.agents {
            let file = file_id(&mut lex, &f.file);
            let subs: HashMap<&str, &Vec<String>> = f
                .substitutions
                .iter()
                .map(|s| (s.marker.as_str(), &s.values))
                .collect();
            for e in &f.entries {
                let id = lex.agents.len() as u32;
                lex.agents.push(Agent {
                    code: e.code.clone(),
                    prefix: e.position == AgentPosition::Prefix,
                    origin: Origin { file, line: e.line },
                });
                let mut phrases = vec![e.phrase.clone()];
                if let Some(p) = &e.plurals {
                    phrases.extend(p.iter().cloned());
                }
                let own = f.file.ends_with(".tsv");
                for p in phrases {
                    for expanded in expand_markers(&p, &subs) {
                        let loose = !expanded.stop && e.plurals.is_none();
                        lex.agent_index.insert_cased(&expanded, id, loose, own);
                    }
                }
            }
        }
        for f in &d.discards {
            let file = file_id(&mut lex, &f.file);
            for e in &f.entries {
                let id = lex.discards.len() as u32;
                lex.discards
                    .push((e.story, Origin { file, line: e.line }, e.phrase.raw.clone()));
                lex.discard_index.insert(&e.phrase, id, false);
            }
        }
        for f in &d.verbs {
            let file = file_id(&mut lex, &f.file);
            let synsets: HashMap<&str, &Synset> =
                f.synsets.iter().map(|s| (s.name.as_str(), s)).collect();
            let nouns = f.syntax == VerbSyntax::Dyad;
            for b in &f.blocks {
                for v in &b.verbs {
                    let head = v.head.min(v.phrase.words.len().saturating_sub(1));
                    let words: Vec<String> = v
                        .phrase
                        .words
                        .iter()
                        .map(|w| w.text.to_lowercase())
                        .collect();
                    if words.is_empty() {
                        continue;
                    }
                    let trigger_before = words[..head].to_vec();
                    let trigger_after = if nouns {
                        Vec::new()
                    } else {
                        words[head + 1..].to_vec()
                    };
                    let mut keys = vec![words[head].clone()];
                    for form in &v.forms {
                        if let Some(w) = form.words.get(head.min(form.words.len() - 1)) {
                            keys.push(w.text.to_lowercase());
                        }
                    }
                    let mut ids = Vec::new();
                    // The verb's own code (or its block's) as the least specific pattern.
                    if let Some(code) = v.code.clone().or_else(|| b.code.clone()) {
                        ids.push(lex.patterns.len() as u32);
                        lex.patterns.push(CompiledPattern {
                            code: main_code(&code),
                            pair: pair_code(&code),
                            before: Vec::new(),
                            after: Vec::new(),
                            touch: false,
                            trigger_before: trigger_before.clone(),
                            trigger_after: trigger_after.clone(),
                            negated: false,
                            nouns,
                            specificity: 0,
                            origin: Origin { file, line: v.line },
                            text: v.phrase.raw.clone(),
                        });
                    }
                    let own_code = v.code.clone().or_else(|| b.code.clone());
                    for p in &b.patterns {
                        // `[+++]` (TABARI): the pattern takes the verb's own code.
                        let p = &match (&own_code, p.code.trim()) {
                            (Some(c), "+++") => dyad_dict::Pattern {
                                code: c.clone(),
                                ..p.clone()
                            },
                            _ => p.clone(),
                        };
                        let Some(cp) = compile_pattern(
                            p,
                            &synsets,
                            nouns,
                            &trigger_before,
                            &trigger_after,
                            Origin { file, line: p.line },
                        ) else {
                            continue;
                        };
                        ids.push(lex.patterns.len() as u32);
                        lex.patterns.push(cp);
                    }
                    for k in keys {
                        lex.triggers
                            .entry(k)
                            .or_default()
                            .extend(ids.iter().copied());
                    }
                }
            }
        }
        lex.persons = lex
            .actors
            .iter()
            .filter(|a| a.is_person())
            .map(|a| a.origin)
            .collect();
        lex.actor_index.finish();
        lex.agent_index.finish();
        lex.discard_index.finish();
        lex.starts = [&lex.actor_index, &lex.agent_index, &lex.discard_index]
            .iter()
            .flat_map(|i| i.by_first.keys().cloned())
            .collect();
        lex
    }

    /// The longest actor or agent phrase starting at word `i` (actors win ties).
    pub fn find(&self, words: &[Word], i: usize) -> Option<(usize, Found)> {
        if !self.may_start(&words[i]) {
            return None;
        }
        let a = self.actor_index.longest(words, i);
        let g = self.agent_index.longest(words, i);
        match (a, g) {
            (Some((la, va)), Some((lg, _))) if la >= lg => Some((la, Found::Actor(va))),
            (_, Some((lg, vg))) => Some((lg, Found::Agent(vg))),
            (Some((la, va)), None) => Some((la, Found::Actor(va))),
            (None, None) => None,
        }
    }

    /// The discard phrase starting at word `i`, if any: `(length, discard index)`.
    pub fn discard_at(&self, words: &[Word], i: usize) -> Option<(usize, u32)> {
        if !self.may_start(&words[i]) {
            return None;
        }
        self.discard_index.longest(words, i)
    }

    /// Whether some phrase may start at this word (by form or lemma).
    pub fn may_start(&self, w: &Word) -> bool {
        self.starts.contains(w.lower.as_str())
            || w.lemma != w.lower && self.starts.contains(w.lemma.as_str())
    }

    /// The patterns whose trigger is this word: those listed under its written form first
    /// (`LEFT` before `LEAVE`), then those under its lemma. The flag is true for the former.
    pub fn patterns_for<'a>(
        &'a self,
        w: &Word,
    ) -> impl Iterator<Item = (u32, &'a CompiledPattern, bool)> + 'a {
        let form = self
            .triggers
            .get(w.lower.as_str())
            .map(|v| v.as_slice())
            .unwrap_or(&[]);
        let lemma = if w.lower != w.lemma {
            self.triggers
                .get(w.lemma.as_str())
                .map(|v| v.as_slice())
                .unwrap_or(&[])
        } else {
            &[]
        };
        form.iter()
            .map(|&i| (i, true))
            .chain(
                lemma
                    .iter()
                    .filter(move |i| !form.contains(i))
                    .map(|&i| (i, false)),
            )
            .map(move |(i, f)| (i, &self.patterns[i as usize], f))
    }

    /// Whether any pattern has this word as its trigger.
    pub fn is_trigger(&self, w: &Word) -> bool {
        self.triggers.contains_key(w.lemma.as_str()) || self.triggers.contains_key(w.lower.as_str())
    }

    /// Whether the entry at `o` is a named actor with dated codes (a person).
    pub fn is_person(&self, o: Origin) -> bool {
        self.persons.contains(&o)
    }

    /// The file name of an origin.
    pub fn file(&self, o: Origin) -> &str {
        self.files.get(o.file as usize).map_or("", String::as_str)
    }

    /// Counts for a summary line.
    pub fn summary(&self) -> String {
        format!(
            "{} actors, {} agents, {} patterns on {} trigger words, {} discards",
            self.actors.len(),
            self.agents.len(),
            self.patterns.len(),
            self.triggers.len(),
            self.discards.len()
        )
    }
}

/// TABARI paired codes `013:012` keep the first; `:110` keeps what follows the colon.
fn main_code(code: &str) -> String {
    let c = code.trim();
    match c.split_once(':') {
        Some(("", b)) => b.to_string(),
        Some((a, _)) => a.to_string(),
        None => c.to_string(),
    }
}

/// The second half of a TABARI paired code `032:033`.
fn pair_code(code: &str) -> Option<String> {
    match code.trim().split_once(':') {
        Some((a, b)) if !a.is_empty() && !b.is_empty() => Some(b.to_string()),
        _ => None,
    }
}

/// Expands `!PERSON!` markers into one phrase per value.
fn expand_markers(p: &Phrase, subs: &HashMap<&str, &Vec<String>>) -> Vec<Phrase> {
    let mut out = vec![p.clone()];
    for (i, w) in p.words.iter().enumerate() {
        // The marker may be the whole word (`!PERSON!`) or end it (`CONGRESS!PERSON!`).
        let Some(start) = w.text.find('!') else {
            continue;
        };
        let marker = &w.text[start..];
        if !(marker.len() > 2 && marker.ends_with('!')) {
            continue;
        }
        let Some(values) = subs.get(marker) else {
            continue;
        };
        let stem = &w.text[..start];
        let mut next = Vec::new();
        for ph in &out {
            for v in values.iter() {
                let mut q = ph.clone();
                q.words[i].text = format!("{stem}{v}");
                next.push(q);
            }
        }
        out = next;
    }
    out
}

fn synset_words(name: &str, synsets: &HashMap<&str, &Synset>, depth: u32) -> Vec<Vec<String>> {
    let Some(s) = synsets.get(name) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in &s.members {
        if m.words.len() == 1 && m.words[0].text.starts_with('&') && depth < 4 {
            out.extend(synset_words(
                m.words[0]
                    .text
                    .trim_start_matches('&')
                    .trim_end_matches('_'),
                synsets,
                depth + 1,
            ));
            continue;
        }
        out.push(m.words.iter().map(|w| w.text.to_lowercase()).collect());
    }
    out
}

fn compile_pattern(
    p: &dyad_dict::Pattern,
    synsets: &HashMap<&str, &Synset>,
    nouns: bool,
    trigger_before: &[String],
    trigger_after: &[String],
    origin: Origin,
) -> Option<CompiledPattern> {
    let mut before: Vec<(Item, bool)> = Vec::new();
    let mut after: Vec<(Item, bool)> = Vec::new();
    let mut seen_verb = false;
    let mut negated = false;
    let mut touch = false;
    let mut specificity = 0u16;
    for t in &p.tokens {
        let adjacent = t.link == Link::Adjacent;
        let item = match &t.kind {
            TokenKind::Verb => {
                touch = adjacent && !before.is_empty();
                seen_verb = true;
                continue;
            }
            TokenKind::Negation => {
                negated = true;
                continue;
            }
            TokenKind::Word(w) => {
                specificity += 1;
                Item::Words(vec![vec![w
                    .to_lowercase()
                    .trim_end_matches('_')
                    .to_string()]])
            }
            TokenKind::Alternatives(a) => {
                specificity += 1;
                Item::Words(a.iter().map(|w| vec![w.to_lowercase()]).collect())
            }
            TokenKind::Synset(s) => {
                specificity += 1;
                let w = synset_words(s.trim_end_matches('_'), synsets, 0);
                if w.is_empty() {
                    return None;
                }
                Item::Words(w)
            }
            TokenKind::Source => Item::Source,
            TokenKind::Target => Item::Target,
            TokenKind::Compound => Item::Compound,
            // Skips and PETRARCH2 groups add no constraint beyond order.
            _ => continue,
        };
        // The flag means "adjacent to the previous item" (or to the trigger for the first
        // item after it).
        let flag = adjacent;
        if seen_verb {
            after.push((item, flag));
        } else {
            before.push((item, flag && !before.is_empty()));
        }
    }
    Some(CompiledPattern {
        code: main_code(&p.code),
        pair: pair_code(&p.code),
        before,
        after,
        touch,
        trigger_before: trigger_before.to_vec(),
        trigger_after: trigger_after.to_vec(),
        negated,
        nouns,
        specificity,
        origin,
        text: p.text.clone(),
    })
}
