//! The coder: from a parsed sentence and a compiled [`Lexicon`] to events.
//!
//! Per sentence: discards; actor and agent phrases; noun phrases with their codes (actor +
//! agents, possessives, compounds split into one actor each, pronouns and "the minister"
//! resolved to the last person named in the article); then every trigger word is matched
//! against its patterns, the most specific match wins, and source and target come from the
//! pattern's `$`/`+` or from the syntax (subject, passive agent, object, prepositional object,
//! possessive of a noun trigger). Negated triggers only take `!` patterns; a negated attack
//! reported by a speaker becomes a denial (016). A bare speech act (010) is kept only when
//! nothing else is coded in the sentence.

use dyad_core::{Date, Span};

use crate::document::{country_of, Focus};
use crate::lexicon::{CompiledPattern, Found, Item, Lexicon, Origin};
use crate::sent::{Rel, Sent};
use crate::words::{has, words, List, ModalKind};

/// Options of the coder (PETRARCH's `<Config>` names where they exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Drop events without a target (PETRARCH `require_dyad`).
    pub require_dyad: bool,
    /// Drop events without a source.
    pub require_source: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            require_dyad: false,
            require_source: true,
        }
    }
}

/// An actor in an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorRef {
    /// The CAMEO actor code as of the story date.
    pub code: String,
    /// Byte span of the noun phrase in the article text.
    pub span: Span,
    /// Word range of the phrase in the sentence.
    pub words: (usize, usize),
    /// The dictionary entries that gave the code.
    pub entries: Vec<Origin>,
    /// Set when the phrase is a pronoun or nominal resolved to an earlier mention: that
    /// mention's span.
    pub antecedent: Option<Span>,
    /// The code without the role of the head word (`DNK` for "Danish media"), which a
    /// coordinated bare role shares ("Danish media and government" → `DNKGOV`).
    pub base: Option<String>,
    /// The code is a role only, with no named actor (`GOV`).
    pub bare_role: bool,
    /// Set when the code came from the document rather than the phrase itself: the rule
    /// that resolved it ("we" of the issuer, a bare role in the document's country).
    pub resolved: Option<&'static str>,
}

/// One coded event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Source actor.
    pub source: Option<ActorRef>,
    /// Target actor.
    pub target: Option<ActorRef>,
    /// Event code.
    pub code: String,
    /// The trigger word (index in the sentence) and its byte span.
    pub trigger: Trigger,
    /// Whether the trigger is negated (only `!` patterns and the denial rule code these).
    pub negated: bool,
    /// The pattern that fired (`None` for the coder's own rules).
    pub pattern: Option<u32>,
    /// The rule, when a built-in rule rather than a pattern decided: `denial`, …
    pub rule: Option<&'static str>,
    /// A date the sentence states for the act when it is earlier than the story's ("in
    /// 2006", "in March 2014"): the event is historical.
    pub when: Option<When>,
}

/// A date stated for an act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    /// The words that state it.
    pub span: Span,
    /// ISO 8601, as precise as the text: `2006`, `2014-03`.
    pub value: String,
}

/// The word that expresses an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trigger {
    /// Its index in the sentence.
    pub word: usize,
    /// Its byte span in the article text.
    pub span: Span,
}

/// An actor or agent phrase found in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    /// First word.
    pub start: usize,
    /// Word after the last one.
    pub end: usize,
    /// The dictionary entry.
    pub found: Found,
}

/// A noun phrase that got a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodedActor {
    /// The phrase's head word.
    pub head: usize,
    /// Its actor.
    pub actor: ActorRef,
}

/// A negated trigger that matched no `!` pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    /// The trigger word.
    pub trigger: usize,
    /// The code it would have had unnegated.
    pub code: String,
}

/// The tree the coder used when it repaired the parse it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// Head of each word.
    pub head: Vec<u32>,
    /// Relation of each word.
    pub rel: Vec<Rel>,
}

/// Why a sentence produced nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discard {
    /// The discard entry.
    pub entry: u32,
    /// True for a story-level discard.
    pub story: bool,
}

/// Everything the coder found in one sentence, for output and `dyad explain`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coded {
    /// Events in order of their triggers.
    pub events: Vec<Event>,
    /// Actor and agent phrases.
    pub mentions: Vec<Mention>,
    /// Noun phrases that got a code: head word → actor.
    pub actors: Vec<CodedActor>,
    /// Set when a discard phrase matched.
    pub discard: Option<Discard>,
    /// Triggers that matched no pattern because they were negated, for `explain`.
    pub suppressed: Vec<Suppressed>,
    /// The heads and relations the coder used, when it repaired the parse it was given.
    pub repaired: Option<Repair>,
}

/// What the coder remembers across the sentences of one article (coreference, focus).
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The document's issuer, title parties and country focus.
    pub focus: Focus,
    /// Sentences coded so far.
    sentences: usize,
    /// The sentence in which `last_person` was last named.
    last_person_at: usize,
    last_person: Option<ActorRef>,
    /// The person named before or beside `last_person` ("Macron spoke with Putin. He urged
    /// him…": he is Macron, him is Putin).
    other_person: Option<ActorRef>,
    /// Set by a story-level discard: no more events from this article.
    pub story_discarded: bool,
}

/// Sentences after which an unnamed person is no antecedent any more.
const COREF_WINDOW: usize = 3;
const SPEECH_ROOT: &str = "01";

/// The coder, borrowing a compiled lexicon.
#[derive(Debug, Clone, Copy)]
pub struct Coder<'a> {
    /// The dictionaries.
    pub lex: &'a Lexicon,
    /// Options.
    pub config: Config,
}

impl<'a> Coder<'a> {
    /// A coder with default options.
    pub fn new(lex: &'a Lexicon) -> Coder<'a> {
        Coder {
            lex,
            config: Config::default(),
        }
    }

    /// Codes one sentence as of `date`: named passes over the sentence, each one below.
    pub fn code(&self, s: &Sent, date: Date, ctx: &mut Context) -> Coded {
        let mut out = Coded::default();
        if s.is_empty() || ctx.story_discarded {
            return out;
        }
        ctx.sentences += 1;
        // Coreference stays near: a person not named for a few sentences is no antecedent.
        if ctx.sentences > ctx.last_person_at + COREF_WINDOW {
            ctx.last_person = None;
            ctx.other_person = None;
        }
        // Which words may start a phrase: one look-up per word serves discards and phrases.
        let starts: Vec<bool> = s.words.iter().map(|w| self.lex.may_start(w)).collect();
        if self.discarded(s, &starts, ctx, &mut out) {
            return out;
        }
        out.mentions = self.phrases(s, &starts);
        if !asserts(s) {
            return out;
        }
        let repaired;
        let s = match s.own_parse.then(|| repair(s, &out.mentions)).flatten() {
            Some((head, rel)) => {
                out.repaired = Some(Repair {
                    head: head.clone(),
                    rel: rel.clone(),
                });
                repaired = Sent {
                    head,
                    rel,
                    index: Default::default(),
                    ..s.clone()
                };
                &repaired
            }
            None => s,
        };
        let np = self.noun_phrases(s, date, &out.mentions, ctx);
        out.actors = np
            .coded
            .iter()
            .enumerate()
            .filter_map(|(head, a)| a.clone().map(|actor| CodedActor { head, actor }))
            .collect();
        let mut events = self.match_triggers(s, &np, &mut out.suppressed);
        self.absorb_denials_and_topics(s, &mut events);
        self.capitals_attacked(&mut events);
        self.apply_modality(s, &mut events);
        shared_targets(s, &mut events);
        participle_targets(s, &np, &mut events);
        hosted_meetings(s, &np, &mut events);
        self.document_targets(s, &np, ctx, &mut events);
        drop_redundant_intents(s, &mut events);
        self.drop_incomplete(&mut events);
        drop_reported_statements(s, &mut events);
        // An act the sentence dates to an earlier year is historical.
        for e in events.iter_mut() {
            e.when = stated_date(s, e.trigger.word, date);
        }
        dedupe(&mut events);
        out.events = events;
        self.remember_persons(s, &np, &out.actors, ctx);
        out
    }

    /// Discards: a discard phrase ends coding of the sentence, or of the story.
    fn discarded(&self, s: &Sent, starts: &[bool], ctx: &mut Context, out: &mut Coded) -> bool {
        for (i, _) in starts.iter().enumerate().filter(|(_, &may)| may) {
            if let Some((_, d)) = self.lex.discard_at(&s.words, i) {
                let story = self.lex.discards[d as usize].0;
                out.discard = Some(Discard { entry: d, story });
                if story {
                    ctx.story_discarded = true;
                }
                return true;
            }
        }
        false
    }

    /// Actor and agent phrases, longest first, left to right: `(first word, end, what)`.
    fn phrases(&self, s: &Sent, starts: &[bool]) -> Vec<Mention> {
        let mut mentions = Vec::new();
        let mut i = 0;
        while i < s.len() {
            if !starts[i] {
                i += 1;
                continue;
            }
            match self.lex.find(&s.words, i) {
                Some((len, f)) => {
                    mentions.push(Mention {
                        start: i,
                        end: i + len,
                        found: f,
                    });
                    i += len;
                }
                None => i += 1,
            }
        }
        mentions
    }

    /// Noun phrases with their codes, the document's country focus updated with this
    /// sentence's countries, and what only the document resolves.
    fn noun_phrases(
        &self,
        s: &Sent,
        date: Date,
        mentions: &[Mention],
        ctx: &mut Context,
    ) -> NounPhrases {
        let mut np = NounPhrases::new(self, s, date, mentions, ctx);
        // The document's country focus grows with the countries its sentences name, this one's
        // included ("Kenyan police arrested opposition politicians": Kenya's opposition).
        for a in np.coded.iter().flatten() {
            if a.resolved.is_none() && a.antecedent.is_none() {
                if let Some(c) = country_of(&a.code) {
                    ctx.focus.count(c, 1);
                }
            }
        }
        np.resolve_in_document(s, ctx);
        np
    }

    /// Every trigger matched against its patterns; the most specific match gives events for
    /// each dyad of its (compound) source and target. Negated triggers that matched no `!`
    /// pattern are listed in `suppressed`, and a negated act of force may be a denial.
    fn match_triggers(
        &self,
        s: &Sent,
        np: &NounPhrases,
        suppressed: &mut Vec<Suppressed>,
    ) -> Vec<Event> {
        let present: rustc_hash::FxHashSet<&str> = s
            .words
            .iter()
            .flat_map(|w| [w.lower.as_str(), w.lemma.as_str()])
            .collect();
        let mut consumed = vec![false; s.len()];
        let mut events: Vec<Event> = Vec::new();
        for t in 0..s.len() {
            let w = &s.words[t];
            if consumed[t] || matches!(s.rel[t], Rel::Aux | Rel::AuxPass | Rel::Cop) {
                continue;
            }
            let is_verb = w.is_verb();
            // Nouns, and adjectives used as predicates ("Russia is open to talks"), trigger
            // only patterns of dyad's format.
            let is_noun = w.xpos == "NN"
                || w.xpos == "NNS"
                || w.xpos.starts_with("JJ") && s.children(t).any(|c| s.rel[c] == Rel::Cop);
            if !(is_verb || is_noun) || !self.lex.is_trigger(w) {
                continue;
            }
            let negated = is_negated(s, t);
            let (best, best_unnegated) = self.best_pattern(s, t, np, &present, negated);
            let Some((pid, p, m)) = best else {
                if negated {
                    if let Some((p, m)) = best_unnegated {
                        suppressed.push(Suppressed {
                            trigger: t,
                            code: p.code.clone(),
                        });
                        if let Some(e) = self.denial(s, t, p, &m, np) {
                            events.push(e);
                        }
                    }
                }
                continue;
            };
            for &u in &m.used {
                consumed[u] = true;
            }
            if p.code == "---" {
                continue;
            }
            events.extend(self.trigger_events(s, t, pid, p, &m, np, negated));
        }
        events
    }

    /// The most specific pattern of trigger `t` that matches, and, for a negated trigger, the
    /// best pattern it would have matched unnegated (for the denial rule and `explain`).
    #[allow(clippy::type_complexity, reason = "a private pair of results")]
    fn best_pattern<'l>(
        &'l self,
        s: &Sent,
        t: usize,
        np: &NounPhrases,
        present: &rustc_hash::FxHashSet<&str>,
        negated: bool,
    ) -> (
        Option<(u32, &'l CompiledPattern, Match)>,
        Option<(&'l CompiledPattern, Match)>,
    ) {
        let w = &s.words[t];
        let is_noun = !w.is_verb();
        // dyad's format codes only asserted acts; TABARI/PETRARCH dictionaries write their
        // own patterns for modals ("should have acted").
        let supposed = hypothetical(s, t);
        let mut best: Option<(u32, &CompiledPattern, Match, bool)> = None;
        let mut best_unnegated: Option<(&CompiledPattern, Match)> = None;
        let bounds = clause_bounds(s, t);
        for (pid, p, by_form) in self.lex.patterns_for(w) {
            if is_noun && !p.nouns || supposed && p.nouns {
                continue;
            }
            // "the threat of Russian rockets": a weapon named by a noun is no act.
            if is_noun && p.before.is_empty() && p.after.is_empty() && has(List::VerbOnly, &w.lemma)
            {
                continue;
            }
            // A pattern whose words are not all in the sentence cannot match.
            let has_words = p.before.iter().chain(&p.after).all(|(item, _)| match item {
                Item::Words(alts) => alts
                    .iter()
                    .any(|a| a.first().is_some_and(|w| present.contains(w.as_str()))),
                _ => true,
            });
            if !has_words {
                continue;
            }
            let Some(m) = match_pattern(s, t, p, np, bounds) else {
                continue;
            };
            // TABARI/PETRARCH dictionaries carry their own negation patterns.
            let negated = negated && p.nouns;
            if p.negated != negated {
                if !p.negated
                    && best_unnegated
                        .as_ref()
                        .is_none_or(|(b, _)| p.specificity > b.specificity)
                {
                    best_unnegated = Some((p, m));
                }
                continue;
            }
            let better = match &best {
                None => true,
                Some((_, b, bm, bf)) => {
                    (p.specificity, m.explicit, by_form) > (b.specificity, bm.explicit, *bf)
                }
            };
            if better {
                best = Some((pid, p, m, by_form));
            }
        }
        (best.map(|(pid, p, m, _)| (pid, p, m)), best_unnegated)
    }

    /// The events of trigger `t` matched by pattern `pid`: one per dyad of its (compound)
    /// source and target, both ways for a symmetric or joint act of a compound subject.
    #[allow(clippy::too_many_arguments, reason = "the matched trigger's parts")]
    fn trigger_events(
        &self,
        s: &Sent,
        t: usize,
        pid: u32,
        p: &CompiledPattern,
        m: &Match,
        np: &NounPhrases,
        negated: bool,
    ) -> Vec<Event> {
        let w = &s.words[t];
        let mut events = Vec::new();
        let (mut sources, mut targets) = self.actors_for(s, t, m, np, !p.nouns);
        // "data released by the Navy": a participle on a noun that names no actor is no
        // act on a party.
        if reduced_relative(s, t) && targets.iter().all(Option::is_none) {
            return events;
        }
        // "The ministers of X and Y met": a symmetric act of a compound subject with no
        // partner of its own is between the members, both ways.
        let symmetric = has(List::Symmetric, &w.lemma);
        let mut pair_code: Option<&str> = None;
        // "The United States and Mexico agreed to…", "Japan and the Philippines
        // committed to…": a cooperative act of a compound subject with no other party is
        // between its members.
        let joint = !symmetric
            && matches!(p.code.get(..2), Some("03" | "04" | "05" | "06"))
            && targets.iter().all(Option::is_none);
        if p.nouns
            && m.target.is_none()
            && (symmetric || joint)
            && sources.iter().flatten().count() >= 2
        {
            // What is discussed is a topic, not a party.
            let topic = w.lemma == "discuss";
            let direct = s.children(t).any(|c| {
                s.rel[c] == Rel::Obj && symmetric && !topic
                    || s.rel[c] == Rel::Obl
                        && s.child(c, Rel::Case).is_some_and(|p| {
                            matches!(s.words[p].lower.as_str(), "with" | "against" | "to")
                        })
            });
            if !direct {
                // Every ordered pair; a member with itself is dropped as a self-event.
                targets = sources.clone();
                // "Macron and Biden spoke": two parties speaking together consult.
                if symmetric && p.code.starts_with(SPEECH_ROOT) {
                    pair_code = Some("040");
                }
            }
        }
        // A denial reported by a speaker ("he insisted Russia hadn't invaded") is the
        // speaker's.
        if p.code == "016" && p.negated && s.rel[t] == Rel::Ccomp {
            if let Some(speaker) = s
                .head_of(t)
                .and_then(|v| s.child(v, Rel::Subj))
                .and_then(|c| np.coded_at(c))
            {
                sources = vec![Some(speaker)];
            }
        }
        let self_pairs = m.compound.is_some()
            && sources.len() == targets.len()
            && sources.len() > 1
            && sources.iter().zip(&targets).all(|(a, b)| a != b)
            && {
                let a: Vec<_> = sources.iter().flatten().map(|x| x.words).collect();
                let b: Vec<_> = targets.iter().flatten().map(|x| x.words).collect();
                a.iter().all(|w| b.contains(w))
            };
        let pairs: Vec<(Option<ActorRef>, Option<ActorRef>)> = if self_pairs {
            sources
                .iter()
                .cloned()
                .zip(targets.iter().cloned())
                .collect()
        } else {
            sources
                .iter()
                .flat_map(|a| targets.iter().map(move |b| (a.clone(), b.clone())))
                .collect()
        };
        for (src, tgt) in &pairs {
            {
                if let (Some(a), Some(b)) = (src, tgt) {
                    if a.code == b.code && a.words == b.words {
                        continue;
                    }
                }
                let event =
                    |source: &Option<ActorRef>, target: &Option<ActorRef>, code: String| Event {
                        source: source.clone(),
                        target: target.clone(),
                        code,
                        trigger: Trigger {
                            word: t,
                            span: w.span,
                        },
                        negated,
                        pattern: Some(pid),
                        rule: None,
                        when: None,
                    };
                events.push(event(
                    src,
                    tgt,
                    pair_code.map_or_else(|| p.code.clone(), str::to_string),
                ));
                // A paired TABARI code: the reverse event ("X hosted Y": Y visited X).
                if let (Some(pair), Some(_), Some(_)) = (&p.pair, src, tgt) {
                    events.push(event(tgt, src, pair.clone()));
                }
            }
        }
        events
    }

    /// A denial absorbs the act it embeds, and a noun trigger that is the object of a coded
    /// verb is that verb's topic.
    fn absorb_denials_and_topics(&self, s: &Sent, events: &mut Vec<Event>) {
        // A denial that embeds the denied act ("Iran denied that it had supplied drones to
        // Russia") is one event: 016 aimed at the act's target; the act itself is dropped.
        let mut drop = vec![false; events.len()];
        for i in 0..events.len() {
            if events[i].code != "016" {
                continue;
            }
            for j in 0..events.len() {
                let (ti, tj) = (events[i].trigger.word, events[j].trigger.word);
                if i == j || ti == tj || !s.dominated_by(tj, ti) {
                    continue;
                }
                if events[i].target.is_none() {
                    events[i].target = events[j].target.clone();
                }
                drop[j] = true;
            }
        }
        // A noun trigger that is the object of a coded verb ("rejected South Korea's offer of
        // talks") is that verb's topic, not an event of its own (dyad's format).
        // (A statement does not swallow what it announces: "announced a mobilisation".)
        let verb_triggers: Vec<usize> = events
            .iter()
            .filter(|e| {
                s.words[e.trigger.word].is_verb()
                    && e.source.is_some()
                    && !e.code.starts_with(SPEECH_ROOT)
            })
            .map(|e| e.trigger.word)
            .collect();
        for (k, e) in events.iter().enumerate() {
            let t = e.trigger.word;
            let own = e
                .pattern
                .is_some_and(|p| self.lex.patterns[p as usize].nouns);
            if own
                && !s.words[t].is_verb()
                && s.head_of(t).is_some_and(|h| verb_triggers.contains(&h))
            {
                drop[k] = true;
            }
        }
        let mut d = drop.iter();
        events.retain(|_| !*d.next().unwrap_or(&false));
    }

    /// A capital attacked is the place, not its government: "Kyiv was shelled" hits UKR.
    fn capitals_attacked(&self, events: &mut [Event]) {
        for e in events.iter_mut() {
            if !matches!(e.code.get(..2), Some("18" | "19" | "20")) {
                continue;
            }
            if let Some(t) = e.target.as_mut() {
                let metonym = t.entries.len() == 1
                    && t.code.len() == 6
                    && t.code.ends_with("GOV")
                    && self.lex.file(t.entries[0]).ends_with(".tsv")
                    && !self.is_person_origin(t.entries[0]);
                if metonym {
                    t.code.truncate(3);
                }
            }
        }
    }

    /// Modality: "will meet", "plans to provide aid", "threatened to impose sanctions" are
    /// intents or threats, not acts (dyad's format only; TABARI/PETRARCH dictionaries write
    /// their own patterns for it).
    fn apply_modality(&self, s: &Sent, events: &mut [Event]) {
        for e in events.iter_mut() {
            let own = e
                .pattern
                .is_some_and(|p| self.lex.patterns[p as usize].nouns);
            if !own || e.negated {
                continue;
            }
            if let Some(kind) = modality(s, e.trigger.word) {
                if let Some(code) = words().modal_code(&e.code, kind) {
                    e.code = code;
                    e.rule = Some(match kind {
                        ModalKind::Intent => "modality: a future or intended act is an intent (03)",
                        ModalKind::Threat => {
                            "modality: a future or threatened coercive act is a threat (13)"
                        }
                    });
                }
            }
        }
    }

    /// Events without the actors the configuration requires, self-events, and a government
    /// acting on its own country as a whole ("Biden announced a new U.S. openness").
    fn drop_incomplete(&self, events: &mut Vec<Event>) {
        events.retain(|e| {
            (e.source.is_some() || !self.config.require_source)
                && (e.target.is_some() || !self.config.require_dyad)
                && !matches!((&e.source, &e.target), (Some(a), Some(b)) if a.code == b.code)
                && !matches!((&e.source, &e.target), (Some(a), Some(b))
                    if b.code.len() == 3 && country_of(&a.code) == Some(b.code.as_str()))
                // "Azerbaijan is open to talks between the two presidents": the pair's member
                // of the source's own country is no target.
                && !matches!((&e.source, &e.target), (Some(a), Some(b))
                    if b.resolved.is_some_and(|r| r.starts_with("the two"))
                        && country_of(&a.code).is_some()
                        && country_of(&a.code) == country_of(&b.code))
        });
    }

    /// Remembers the last person named, for pronouns in later sentences; a subject is
    /// preferred over a person named later in the sentence ("Lavrov met Kuleba. He …").
    fn remember_persons(
        &self,
        s: &Sent,
        np: &NounPhrases,
        actors: &[CodedActor],
        ctx: &mut Context,
    ) {
        let mut subject_person = None;
        let mut persons: Vec<&ActorRef> = Vec::new();
        for CodedActor { head: h, actor: a } in actors {
            if a.antecedent.is_none() && a.entries.iter().any(|o| self.is_person_origin(*o)) {
                if matches!(s.rel[*h], Rel::Subj | Rel::SubjPass) && subject_person.is_none() {
                    subject_person = Some(a.clone());
                }
                persons.push(a);
            }
        }
        // A person the dictionaries do not know is still the one "he" or "she" refers to
        // next: an unknown name as subject ends the reach of the last known person.
        let unknown_subject = (0..s.len()).any(|k| {
            matches!(s.rel[k], Rel::Subj | Rel::SubjPass)
                && s.words[k].xpos.starts_with("NNP")
                && np.coded[k].is_none()
                && !actors
                    .iter()
                    .any(|c| c.actor.words.0 <= k && k < c.actor.words.1)
        });
        if unknown_subject && subject_person.is_none() {
            ctx.last_person = None;
            ctx.other_person = None;
        }
        if let Some(p) = subject_person.or_else(|| persons.last().map(|a| (*a).clone())) {
            ctx.last_person_at = ctx.sentences;
            let other = persons
                .iter()
                .rev()
                .find(|a| a.code != p.code)
                .map(|a| (*a).clone())
                .or_else(|| ctx.last_person.clone().filter(|l| l.code != p.code));
            if other.is_some() {
                ctx.other_person = other;
            }
            ctx.last_person = Some(p);
        }
    }

    /// Targets the sentence leaves unsaid but the document gives: a country named with `in`
    /// inside the act's own phrase ("provided aid to civil society in Nigeria", "Russia's war
    /// in Ukraine"), and, in an official text between two parties (a readout of a meeting or
    /// call), the other party of a cooperative or verbal act.
    fn document_targets(&self, s: &Sent, np: &NounPhrases, ctx: &Context, events: &mut [Event]) {
        for e in events.iter_mut() {
            if e.target.is_some() || e.negated {
                continue;
            }
            let Some(src) = e.source.as_ref() else {
                continue;
            };
            let root = e.code.get(..2).unwrap_or("");
            let src_country = country_of(&src.code).map(str::to_string);
            let t = e.trigger.word;
            if matches!(root, "03" | "05" | "06" | "07" | "13" | "18" | "19" | "20") {
                let place = (0..s.len()).find(|&k| {
                    k != t
                        && s.dominated_by(k, t)
                        && same_clause(s, k, t, false)
                        && s.child(k, Rel::Case)
                            .is_some_and(|c| s.words[c].lower == "in")
                        && np.coded[k].as_ref().is_some_and(|a| {
                            a.code.len() == 3
                                && country_of(&a.code).is_some()
                                && Some(a.code.as_str()) != src_country.as_deref()
                        })
                });
                if let Some(k) = place {
                    let mut a = np.coded[k].clone().expect("checked above");
                    a.resolved = Some("a country the act is in");
                    e.target = Some(a);
                    continue;
                }
            }
            // "call for the release of hostages held by Hamas": the holder is the target.
            if matches!(e.code.as_str(), "0253" | "1053") {
                let holder = (0..s.len())
                    .filter(|&k| s.dominated_by(k, t) && reduced_relative(s, k))
                    .filter(|&k| {
                        matches!(
                            s.words[k].lemma.as_str(),
                            "hold"
                                | "detain"
                                | "kidnap"
                                | "abduct"
                                | "capture"
                                | "imprison"
                                | "jail"
                                | "seize"
                        )
                    })
                    .find_map(|k| by_agent(s, k).and_then(|a| np.coded[a].clone()));
                if let Some(mut a) = holder {
                    a.resolved = Some("the holder of the people whose release is sought");
                    e.target = Some(a);
                    continue;
                }
            }
            if !matches!(root, "02" | "03" | "04" | "05" | "06" | "07" | "08") {
                continue;
            }
            let (Some(_), Some((x, y))) = (&ctx.focus.issuer, ctx.focus.pair()) else {
                continue;
            };
            let other = if src_country.as_deref() == country_of(&x.code) {
                y
            } else if src_country.as_deref() == country_of(&y.code) {
                x
            } else {
                continue;
            };
            e.target = Some(ActorRef {
                code: other.code.clone(),
                span: e.trigger.span,
                words: (t, t + 1),
                entries: vec![other.origin],
                antecedent: None,
                base: None,
                bare_role: false,
                resolved: Some("the other party of the document's title"),
            });
        }
    }

    fn is_person_origin(&self, o: Origin) -> bool {
        self.lex.is_person(o)
    }

    /// "He insisted Russia hadn't invaded Ukraine": a negated act of force under a speech
    /// verb is the speaker's denial (016), aimed at the act's target.
    fn denial(
        &self,
        s: &Sent,
        t: usize,
        p: &CompiledPattern,
        m: &Match,
        np: &NounPhrases,
    ) -> Option<Event> {
        let root = p.code.get(..2)?;
        if !matches!(root, "18" | "19" | "20") || s.rel[t] != Rel::Ccomp {
            return None;
        }
        let speaker_verb = s.head_of(t)?;
        let subj = s.child(speaker_verb, Rel::Subj)?;
        let source = np.coded_at(subj)?;
        let (_, targets) = self.actors_for(s, t, m, np, false);
        let target = targets.into_iter().flatten().next();
        Some(Event {
            source: Some(source),
            target,
            code: "016".into(),
            trigger: Trigger {
                word: speaker_verb,
                span: s.words[speaker_verb].span,
            },
            negated: false,
            pattern: None,
            rule: Some("denial: negated use of force reported by a speaker"),
            when: None,
        })
    }

    /// Sources and targets (compounds expanded) for a matched trigger.
    fn actors_for(&self, s: &Sent, t: usize, m: &Match, np: &NounPhrases, petrarch: bool) -> Sides {
        let source_head = m.source.or_else(|| default_source(s, t, np, petrarch));
        let target_head = m
            .target
            .or_else(|| default_target(s, t, np, source_head, petrarch, &m.used));
        let expand = |h: Option<usize>, source: bool| -> Vec<Option<ActorRef>> {
            match h {
                None => vec![None],
                Some(h) => {
                    let mut members = np.conjuncts(s, h);
                    // "The United States, Britain and Canada sent …" misparsed with several
                    // subjects: each is a member.
                    if s.rel[h] == Rel::Subj {
                        if let Some(v) = s.head_of(h) {
                            for c in s.children(v) {
                                if c != h && s.rel[c] == Rel::Subj && !members.contains(&c) {
                                    members.extend(np.conjuncts(s, c));
                                }
                            }
                        }
                    }
                    // "In December, the United States and Mexico announced…" with the first
                    // conjuncts hung elsewhere: the coded phrases listed just before the
                    // subject are members too.
                    if source && matches!(s.rel[h], Rel::Subj | Rel::Nmod | Rel::Obl | Rel::Appos) {
                        for m in members.clone() {
                            for k in np.listed_before(s, m) {
                                if !members.contains(&k) {
                                    members.push(k);
                                }
                            }
                        }
                    }
                    let first_base = np.coded_at(members[0]).and_then(|a| a.base);
                    let v: Vec<Option<ActorRef>> = members
                        .iter()
                        .enumerate()
                        .flat_map(|(i, &c)| {
                            let fb = first_base.clone();
                            np.all_at(c).into_iter().map(move |mut a| {
                                if let (true, true, Some(b)) = (i > 0, a.bare_role, fb.as_ref()) {
                                    a.code = format!("{b}{}", a.code);
                                    a.bare_role = false;
                                }
                                a
                            })
                        })
                        .map(Some)
                        .collect();
                    if v.is_empty() {
                        vec![None]
                    } else {
                        v
                    }
                }
            }
        };
        if let Some(c) = m.compound {
            // `%`: a compound actor. Before the verb it is the source and, after it, the
            // target, when the other side is there; otherwise it acts on itself (every ordered
            // pair of members, returned as aligned lists).
            let members: Vec<ActorRef> = np
                .conjuncts(s, c)
                .into_iter()
                .flat_map(|c| np.all_at(c))
                .collect();
            let other = if c < t {
                target_head.filter(|&x| x != c && same_clause(s, x, t, false))
            } else {
                source_head.filter(|&x| x != c)
            };
            if let (Some(o), true) = (other, members.len() >= 2) {
                let o = expand(Some(o), c >= t);
                let m: Vec<Option<ActorRef>> = members.into_iter().map(Some).collect();
                return if c < t { (m, o) } else { (o, m) };
            }
            if members.len() >= 2 {
                let mut src = Vec::new();
                let mut tgt = Vec::new();
                for (i, a) in members.iter().enumerate() {
                    for (j, b) in members.iter().enumerate() {
                        if i != j {
                            src.push(Some(a.clone()));
                            tgt.push(Some(b.clone()));
                        }
                    }
                }
                return (src, tgt);
            }
        }
        (expand(source_head, true), expand(target_head, false))
    }
}

/// Repairs two frequent errors of a statistical parse around names: the words of a title +
/// name run ("Ukrainian Foreign Minister Dmytro Kuleba") scattered over several heads, and a
/// coordinated subject read as a root noun with a conjoined verb ("The United States and
/// Britain imposed …"). A repair that would not leave a tree is not made.
fn repair(s: &Sent, mentions: &[Mention]) -> Option<(Vec<u32>, Vec<Rel>)> {
    let n = s.len();
    let mut head = s.head.clone();
    let mut rel = s.rel.clone();
    let mut changed = false;
    // 1. Name runs: consecutive words inside known phrases or proper nouns, at least one
    //    phrase among them, no punctuation, conjunction or possessive inside.
    let in_mention = |i: usize| mentions.iter().any(|m| m.start <= i && i < m.end);
    let ok = |k: usize| {
        let w = &s.words[k];
        (in_mention(k) || w.xpos.starts_with("NNP"))
            && !matches!(
                w.xpos.as_str(),
                "CC" | "POS" | "," | "IN" | "DT" | "." | ":"
            )
    };
    let mut i = 0;
    while i < n {
        if !ok(i) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < n && ok(j + 1) {
            j += 1;
        }
        if j > i && (i..=j).any(in_mention) {
            let h = j;
            let inside = |k: u32| k != ROOT_U32 && (i..=j).contains(&(k as usize));
            let pref = [
                Rel::Root,
                Rel::Subj,
                Rel::SubjPass,
                Rel::Obj,
                Rel::Obl,
                Rel::Nmod,
                Rel::Conj,
                Rel::Appos,
                Rel::Poss,
            ];
            let outside: Vec<usize> = (i..=j).filter(|&k| !inside(head[k])).collect();
            let pick = pref
                .iter()
                .find_map(|p| outside.iter().copied().find(|&k| rel[k] == *p))
                .or_else(|| outside.first().copied());
            let already = (i..j).all(|k| head[k] == h as u32);
            if let (Some(p), false) = (pick, already) {
                let mut th = head.clone();
                let mut tr = rel.clone();
                th[h] = head[p];
                // A name hung on a verb as a clause is its subject or object.
                tr[h] = match rel[p] {
                    Rel::Xcomp
                    | Rel::Ccomp
                    | Rel::Advcl
                    | Rel::Other
                    | Rel::Amod
                    | Rel::Compound => {
                        let ext = head[p];
                        if ext != ROOT_U32 && s.words[ext as usize].is_verb() {
                            if h > ext as usize {
                                Rel::Obj
                            } else {
                                Rel::Subj
                            }
                        } else {
                            rel[p]
                        }
                    }
                    r => r,
                };
                for k in i..=j {
                    if k != h {
                        th[k] = h as u32;
                        tr[k] = Rel::Compound;
                    }
                }
                for k in 0..n {
                    if !(i..=j).contains(&k) && inside(head[k]) {
                        th[k] = h as u32;
                    }
                }
                if is_tree(&th) {
                    head = th;
                    rel = tr;
                    changed = true;
                }
            }
        }
        i = j + 1;
    }
    // 2. "X and Y verb…" parsed as root X with conjoined verb.
    if let Some(root) = (0..n).find(|&k| head[k] == ROOT_U32) {
        if s.words[root].xpos.starts_with("NN") {
            let hh = &head;
            let kids = |x: usize| (0..n).filter(move |&c| hh[c] == x as u32);
            let verb = kids(root).find(|&c| rel[c] == Rel::Conj && s.words[c].is_verb());
            if let Some(v) = verb {
                let subj = kids(v).find(|&c| rel[c] == Rel::Subj && c > root && c < v);
                let cc = kids(v).find(|&c| rel[c] == Rel::Cc && c > root);
                if let (Some(sj), Some(cc)) = (subj, cc) {
                    let (mut th, mut tr) = reroot(&head, &rel, v, root);
                    th[sj] = root as u32;
                    tr[sj] = Rel::Conj;
                    th[cc] = sj as u32;
                    if is_tree(&th) {
                        head = th;
                        rel = tr;
                        changed = true;
                    }
                }
            }
        }
    }
    // 3. "Russian warplanes bombed Ukrainian positions" parsed as a noun root with the finite
    //    verb as its clausal modifier.
    if let Some(root) = (0..n).find(|&k| head[k] == ROOT_U32) {
        if s.words[root].xpos.starts_with("NN") {
            // A finite verb, or a participle with an object of its own (the tagger's
            // VBD/VBN confusion): "warplanes bombed positions".
            let finite = |c: usize| {
                matches!(s.words[c].xpos.as_str(), "VBD" | "VBZ" | "VBP")
                    || s.words[c].xpos == "VBN"
                        && (0..n).any(|o| head[o] == c as u32 && rel[o] == Rel::Obj)
            };
            let verb =
                (root + 1..n).find(|&c| head[c] == root as u32 && rel[c] == Rel::Acl && finite(c));
            if let Some(v) = verb {
                let has_subj = (0..n)
                    .any(|c| head[c] == v as u32 && matches!(rel[c], Rel::Subj | Rel::SubjPass));
                if !has_subj {
                    let (mut th, tr) = reroot(&head, &rel, v, root);
                    // What followed the verb belongs to it.
                    for h in th.iter_mut().skip(v + 1) {
                        if *h == root as u32 {
                            *h = v as u32;
                        }
                    }
                    if is_tree(&th) {
                        head = th;
                        rel = tr;
                        changed = true;
                    }
                }
            }
        }
    }
    changed.then_some((head, rel))
}

/// A copy of the tree with verb `v` as the root and the old root noun as its subject.
fn reroot(head: &[u32], rel: &[Rel], v: usize, root: usize) -> (Vec<u32>, Vec<Rel>) {
    let mut th = head.to_vec();
    let mut tr = rel.to_vec();
    th[v] = ROOT_U32;
    tr[v] = Rel::Root;
    th[root] = v as u32;
    tr[root] = Rel::Subj;
    (th, tr)
}

/// Whether most words of the sentence (at least three with letters) are written in capitals.
fn shouting(s: &Sent) -> bool {
    let words: Vec<&str> = s
        .words
        .iter()
        .map(|w| w.form.as_str())
        .filter(|f| f.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .collect();
    let caps = words
        .iter()
        .filter(|f| {
            f.chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase)
        })
        .count();
    words.len() >= 3 && caps * 5 >= words.len() * 4
}

/// Whether `head` describes a tree: one root, no cycle.
fn is_tree(head: &[u32]) -> bool {
    let n = head.len();
    head.iter().filter(|&&h| h == ROOT_U32).count() == 1
        && (0..n).all(|i| {
            let mut k = i;
            for _ in 0..=n {
                if head[k] == ROOT_U32 {
                    return true;
                }
                k = head[k] as usize;
                if k >= n {
                    return false;
                }
            }
            false
        })
}

const ROOT_U32: u32 = dyad_core::ROOT;

/// The modality of the act at `t`: an auxiliary `will`/`shall`/`would`, or an open complement
/// of an intent or threat verb ("plans to", "is ready to", "threatened to").
fn modality(s: &Sent, t: usize) -> Option<ModalKind> {
    let future = s.children(t).any(|c| {
        matches!(s.rel[c], Rel::Aux)
            && matches!(
                s.words[c].lower.as_str(),
                "will" | "shall" | "'ll" | "would" | "wo"
            )
    });
    if s.rel[t] == Rel::Xcomp {
        if let Some(h) = s.head_of(t) {
            let l = s.words[h].lemma.as_str();
            if l == "threaten" || l == "warn" {
                return Some(ModalKind::Threat);
            }
            if has(List::IntentVerb, l) || has(List::IntentAdjective, l) {
                return Some(ModalKind::Intent);
            }
        }
    }
    future.then_some(ModalKind::Intent)
}

/// Whether the act at `t` is only supposed: in a condition ("if Russia attacks Ukraine"), or
/// under a modal of possibility or obligation ("Nato should ban…", "the trial could
/// commence").
fn hypothetical(s: &Sent, t: usize) -> bool {
    let mut k = t;
    for _ in 0..6 {
        let cond = s.children(k).any(|c| {
            s.rel[c] == Rel::Mark
                && matches!(s.words[c].lower.as_str(), "if" | "unless" | "whether")
                || k == t
                    && s.rel[c] == Rel::Aux
                    && matches!(
                        s.words[c].lower.as_str(),
                        "should" | "could" | "might" | "may" | "must"
                    )
        });
        if cond {
            return true;
        }
        match (s.rel[k], s.head_of(k)) {
            (Rel::Xcomp | Rel::Conj | Rel::Obj | Rel::Obl, Some(h)) => k = h,
            (Rel::Advcl, _) => return false,
            _ => return false,
        }
    }
    false
}

/// The date a sentence states for the act at `t` when it lies before the story's year: a
/// year (1900 or later) in the act's own phrase or its clause's modifiers ("removed the prime
/// minister in 2006", "In 1979, revolutionaries captured the embassy"), with its month when
/// one is written before it.
fn stated_date(s: &Sent, t: usize, date: Date) -> Option<When> {
    // The clause of the act: up through open complements and coordination.
    let mut top = t;
    while matches!(s.rel[top], Rel::Xcomp | Rel::Conj) {
        match s.head_of(top) {
            Some(h) if s.words[h].is_verb() => top = h,
            _ => break,
        }
    }
    let year_at = |k: usize| -> Option<u16> {
        let w = &s.words[k].form;
        (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
            .then(|| w.parse::<u16>().ok())
            .flatten()
            .filter(|&y| (1900..date.year()).contains(&i32::from(y)))
    };
    (0..s.len()).find_map(|k| {
        let y = year_at(k)?;
        // The year modifies the act itself, not a noun elsewhere ("the 2020 election").
        let mut x = k;
        let mut reaches = false;
        for _ in 0..6 {
            match s.head_of(x) {
                Some(h) if h == t || h == top => {
                    reaches = matches!(s.rel[x], Rel::Obl | Rel::Nmod | Rel::Advmod | Rel::Other)
                        || x != k;
                    break;
                }
                Some(h) if s.words[h].is_verb() => break,
                Some(h) => x = h,
                None => break,
            }
        }
        if !reaches || s.rel[k] == Rel::Amod || s.rel[k] == Rel::Compound {
            return None;
        }
        let month = k.checked_sub(1).and_then(|m| {
            words()
                .list(List::Month)
                .iter()
                .position(|n| s.words[m].lower == *n)
        });
        let first = if month.is_some() { k - 1 } else { k };
        Some(When {
            span: Span::new(s.words[first].span.start, s.words[k].span.end),
            value: match month {
                Some(m) => format!("{y}-{:02}", m + 1),
                None => y.to_string(),
            },
        })
    })
}

/// Whether word `t` (or the verb it is an open complement of) is negated.
fn is_negated(s: &Sent, t: usize) -> bool {
    let mut k = t;
    for _ in 0..4 {
        let neg = s.children(k).any(|c| {
            matches!(s.rel[c], Rel::Advmod | Rel::Det | Rel::Other | Rel::Aux)
                && has(List::Negator, &s.words[c].lower)
        });
        if neg {
            return true;
        }
        match (s.rel[k], s.head_of(k)) {
            (Rel::Xcomp, Some(h)) => k = h,
            // "has not imposed sanctions": a noun is negated with the verb it is the object of.
            (Rel::Obj | Rel::Obl, Some(h)) if k == t && !s.words[t].is_verb() => k = h,
            _ => return false,
        }
    }
    false
}

/// Where a pattern's `$`/`+` may find its actor: anywhere in the verb phrase for
/// TABARI/PETRARCH patterns, within the trigger's own clause (or a complement's) for dyad's.
#[derive(Debug, Clone, Copy)]
struct Scope {
    trigger: usize,
    own: bool,
}

impl Scope {
    fn admits(self, s: &Sent, head: usize) -> bool {
        if !self.own || head < self.trigger {
            return true;
        }
        let mut x = head;
        for _ in 0..s.len() {
            if x == self.trigger {
                return true;
            }
            if matches!(s.rel[x], Rel::Advcl | Rel::Acl | Rel::Punct) {
                return false;
            }
            match s.head_of(x) {
                Some(h) => x = h,
                None => return false,
            }
        }
        false
    }
}

/// The result of matching one pattern.
#[derive(Debug, Clone, Default)]
struct Match {
    source: Option<usize>,
    target: Option<usize>,
    compound: Option<usize>,
    used: Vec<usize>,
    /// The pattern placed the target or source itself.
    explicit: bool,
}

fn words_at(s: &Sent, i: usize, alts: &[Vec<String>]) -> Option<usize> {
    'alt: for alt in alts {
        if i + alt.len() > s.len() {
            continue;
        }
        for (k, w) in alt.iter().enumerate() {
            let x = &s.words[i + k];
            if x.lower != *w && x.lemma != *w {
                continue 'alt;
            }
        }
        return Some(alt.len());
    }
    None
}

/// Matches `items` in order over words `lo..hi`; `pinned` fixes the first item at `lo`;
/// `end_at` requires the last item to end exactly there. Returns the end and fills `m`.
#[allow(clippy::too_many_arguments)]
fn match_items(
    s: &Sent,
    items: &[(Item, bool)],
    lo: usize,
    hi: usize,
    pinned: bool,
    end_at: Option<usize>,
    np: &NounPhrases,
    m: &mut Match,
    scope: Scope,
) -> Option<usize> {
    let Some(((item, _), rest)) = items.split_first() else {
        return end_at.is_none_or(|e| e == lo).then_some(lo);
    };
    let last = if pinned { (lo + 1).min(hi) } else { hi };
    for i in lo..last {
        // Try the item at `i`; on failure undo what it recorded (no copies of the match).
        let saved = (m.used.len(), m.source, m.target, m.compound, m.explicit);
        let end = match item {
            Item::Words(alts) => words_at(s, i, alts).filter(|&n| i + n <= hi).map(|n| {
                m.used.extend(i..i + n);
                i + n
            }),
            Item::Source | Item::Target | Item::Compound => np
                .starting_at(s, i)
                .filter(|&(h, e)| e <= hi && scope.admits(s, h))
                .map(|(head, end)| {
                    match item {
                        Item::Source => m.source = Some(head),
                        Item::Target => m.target = Some(head),
                        _ => m.compound = Some(head),
                    }
                    m.explicit = true;
                    end
                }),
        };
        if let Some(end) = end {
            let next_pinned = rest.first().is_some_and(|(_, a)| *a);
            if let Some(e) = match_items(s, rest, end, hi, next_pinned, end_at, np, m, scope) {
                return Some(e);
            }
        }
        m.used.truncate(saved.0);
        (m.source, m.target, m.compound, m.explicit) = (saved.1, saved.2, saved.3, saved.4);
    }
    None
}

/// The word range patterns of trigger `t` are matched in: from the start of its clause (the
/// top of its complement chain) to the end of its own subtree.
fn clause_bounds(s: &Sent, t: usize) -> (usize, usize) {
    let mut top = t;
    while matches!(s.rel[top], Rel::Xcomp | Rel::Conj) {
        match s.head_of(top) {
            Some(h) => top = h,
            None => break,
        }
    }
    let (clo, _) = s.extent(top, &|r| {
        matches!(r, Rel::Advcl | Rel::Punct | Rel::Conj | Rel::Cc)
    });
    let (_, thi) = s.extent(t, &|r| matches!(r, Rel::Conj | Rel::Cc | Rel::Punct));
    (clo, thi)
}

fn match_pattern(
    s: &Sent,
    t: usize,
    p: &CompiledPattern,
    np: &NounPhrases,
    bounds: (usize, usize),
) -> Option<Match> {
    let n = s.len();
    // Multi-word triggers.
    let mut first = t;
    let mut last = t;
    for (k, w) in p.trigger_before.iter().rev().enumerate() {
        let i = t.checked_sub(k + 1)?;
        if s.words[i].lower != *w && s.words[i].lemma != *w {
            return None;
        }
        first = i;
    }
    for w in &p.trigger_after {
        // A particle may be separated by an object: `called the talks off`.
        let found = (last + 1..(last + 4).min(n))
            .find(|&i| s.words[i].lower == *w || s.words[i].lemma == *w)?;
        last = found;
    }
    let mut m = Match::default();
    m.used.extend(first..=last);
    let scope = Scope {
        trigger: t,
        own: p.nouns,
    };
    let (clo, thi) = bounds;
    let thi = thi.max(last);
    if !p.before.is_empty() {
        let end_at = p.touch.then_some(first);
        // TABARI/PETRARCH upper patterns look at the whole sentence before the verb.
        let lo = if p.nouns { clo.min(first) } else { 0 };
        match_items(s, &p.before, lo, first, false, end_at, np, &mut m, scope)?;
    }
    if !p.after.is_empty() {
        let pinned = p.after.first().is_some_and(|(_, a)| *a);
        let found = match_items(
            s,
            &p.after,
            last + 1,
            thi + 1,
            pinned,
            None,
            np,
            &mut m,
            scope,
        );
        if found.is_none() {
            // The passive moves the object before the verb: "sanctions were imposed on Iran"
            // matches `[impose] sanctions on +` read from the subject on.
            let sp = s.child(t, Rel::SubjPass).filter(|_| p.nouns && !pinned)?;
            let (lo, _) = s.extent(sp, &|r| matches!(r, Rel::Punct));
            match_items(s, &p.after, lo, thi + 1, false, None, np, &mut m, scope)?;
        }
    }
    Some(m)
}

/// Noun phrases of a sentence and their actor codes.
struct NounPhrases {
    /// Per word: the actor of the noun phrase it heads, if coded.
    coded: Vec<Option<ActorRef>>,
    /// Per word: further actors of the same phrase ("lawmakers in Fornost and Gondor",
    /// "Danish media and government").
    extra: Vec<Vec<ActorRef>>,
    /// Per word: the noun phrase extent `(lo, hi)` when it heads one.
    extent: Vec<Option<(usize, usize)>>,
}

/// The sources and the targets of one trigger (a missing actor is `None`).
type Sides = (Vec<Option<ActorRef>>, Vec<Option<ActorRef>>);

/// An agent found in a phrase: code, prefix flag, origin.
type AgentHit<'l> = (&'l str, bool, Origin);

fn compose(
    actor: Option<&(String, Origin, bool)>,
    agents: &[AgentHit<'_>],
    own: bool,
) -> (String, Vec<Origin>) {
    let mut entries = Vec::new();
    match actor {
        Some((code, origin, person)) => {
            entries.push(*origin);
            // A person's code is complete; so, in dyad's format, is a code that already names
            // a role ("Hezbollah leader" stays LBNREB, not LBNREBGOV).
            let has_role =
                code.len() >= 6 && !["IGO", "NGO", "IMG"].iter().any(|p| code.starts_with(p));
            if *person || own && has_role {
                return (code.clone(), entries);
            }
            let mut pre = String::new();
            let mut post = String::new();
            for (g, prefix, o) in agents {
                if code.contains(g) || pre.contains(g) || post.contains(g) {
                    continue;
                }
                entries.push(*o);
                if *prefix {
                    pre.push_str(g);
                } else {
                    post.push_str(g);
                }
            }
            (format!("{pre}{code}{post}"), entries)
        }
        None => {
            let mut code = String::new();
            for (g, _, o) in agents {
                if !code.contains(g) {
                    entries.push(*o);
                    code.push_str(g);
                }
            }
            (code, entries)
        }
    }
}

/// Per word: whether it stands inside quotation marks of its sentence.
fn quoted(s: &Sent) -> Vec<bool> {
    let mut inside = false;
    s.words
        .iter()
        .map(|w| {
            let mark = matches!(
                w.form.as_str(),
                "\"" | "\u{201c}" | "\u{201d}" | "``" | "''"
            );
            if mark {
                inside = !inside;
            }
            inside || mark
        })
        .collect()
}

impl NounPhrases {
    /// Resolves what only the document can: "we" of an official text is its issuer (every
    /// party of a joint statement); a bare role takes the title's actor of that role ("the
    /// Vice President"), the title's two parties ("the two leaders"), or the document's
    /// country ("officials" in a story about Kenya are KENGOV).
    #[allow(
        clippy::needless_range_loop,
        reason = "h indexes words, phrases and quotes alike"
    )]
    fn resolve_in_document(&mut self, s: &Sent, ctx: &Context) {
        let focus = &ctx.focus;
        let quoted = quoted(s);
        // "A number of Senators", "dozens of protesters": a quantity of an actor is that
        // actor.
        for h in 0..s.len() {
            if self.coded[h].is_some() || !has(List::Quantity, &s.words[h].lemma) {
                continue;
            }
            let of = s.children(h).find(|&k| {
                s.rel[k] == Rel::Nmod
                    && s.child(k, Rel::Case)
                        .is_some_and(|c| s.words[c].lower == "of")
                    && self.coded[k].is_some()
            });
            if let (Some(k), Some((lo, hi))) = (of, self.extent[h]) {
                let mut a = self.coded[k].clone().expect("checked above");
                a.span = Span::new(s.words[lo].span.start, s.words[hi].span.end);
                a.words = (lo, hi + 1);
                self.coded[h] = Some(a);
                self.extra[h] = self.extra[k].clone();
            }
        }
        for h in 0..s.len() {
            let w = &s.words[h];
            let Some((lo, hi)) = self.extent[h] else {
                continue;
            };
            let span = Span::new(s.words[lo].span.start, s.words[hi].span.end);
            let fresh = |code: &str, rule: &'static str| ActorRef {
                code: code.to_string(),
                span,
                words: (lo, hi + 1),
                entries: Vec::new(),
                antecedent: None,
                base: None,
                bare_role: false,
                resolved: Some(rule),
            };
            if self.coded[h].is_none() {
                // "The two discussed", "the Participants are intensifying their efforts",
                // "both sides": the two parties of the title.
                let det_two = s
                    .children(h)
                    .any(|c| matches!(s.words[c].lower.as_str(), "two" | "both" | "the"));
                let pair_word = matches!(w.lower.as_str(), "two" | "both")
                    && matches!(s.rel[h], Rel::Subj | Rel::Obj | Rel::Conj)
                    || w.xpos == "NNS" && has(List::PairNoun, &w.lemma) && det_two;
                if pair_word && matches!(s.rel[h], Rel::Subj | Rel::SubjPass) {
                    if let Some((x, y)) = focus.pair() {
                        let rule = "the two parties of the title";
                        self.coded[h] = Some(ActorRef {
                            entries: vec![x.origin],
                            ..fresh(&x.code, rule)
                        });
                        self.extra[h] = vec![ActorRef {
                            entries: vec![y.origin],
                            ..fresh(&y.code, rule)
                        }];
                        continue;
                    }
                }
                if w.xpos == "PRP" && has(List::FirstPlural, &w.lower) && !quoted[h] {
                    let rule = "first person plural: the document's issuer";
                    let members: Vec<String> = if focus.joint.is_empty() {
                        focus.issuer.iter().cloned().collect()
                    } else {
                        focus.joint.clone()
                    };
                    let mut it = members.iter().map(|c| fresh(c, rule));
                    self.coded[h] = it.next();
                    self.extra[h] = it.collect();
                }
                continue;
            }
            let bare = self.coded[h]
                .as_ref()
                .is_some_and(|a| a.bare_role && crate::document::is_bare_role(&a.code));
            if !bare {
                continue;
            }
            let Some(a) = self.coded[h].clone() else {
                continue;
            };
            let phrase: Vec<&str> = (lo..=hi)
                .filter(|&k| s.rel[k] != Rel::Det)
                .map(|k| s.words[k].lower.as_str())
                .collect();
            // "the leaders" of a bilateral story are its two parties; "the three leaders" are
            // not.
            let counted = (lo..=hi).any(|k| s.words[k].xpos == "CD");
            let two = phrase.first().is_some_and(|f| matches!(*f, "two" | "both"))
                || matches!(w.lemma.as_str(), "leader" | "side") && a.code == "GOV" && !counted;
            let mut resolved: Vec<(String, &'static str)> = Vec::new();
            if two && w.xpos == "NNS" {
                if let Some((x, y)) = focus.pair() {
                    let rule = "the two parties of the title";
                    resolved = vec![(x.code.clone(), rule), (y.code.clone(), rule)];
                } else if let Some((x, y)) = focus.counted_pair() {
                    // "talks between the two presidents" in a story about two countries.
                    let rule = "the two countries the story is about";
                    resolved = vec![
                        (format!("{x}{}", a.code), rule),
                        (format!("{y}{}", a.code), rule),
                    ];
                } else {
                    // Two parties the document does not name: no single country owns them.
                    continue;
                }
            } else if let Some(t) = focus.by_role(&phrase.join(" ")) {
                resolved.push((t.code.clone(), "the title's actor of this role"));
            }
            // In an official text the issuer speaks of itself as its subject ("the
            // Administration will…"); a government it acts on ("condemn the attack on the
            // embassy") is someone else's.
            let subject = matches!(s.rel[h], Rel::Subj | Rel::SubjPass | Rel::Poss)
                || s.rel[h] == Rel::Conj
                    && s.head_of(h)
                        .is_some_and(|x| matches!(s.rel[x], Rel::Subj | Rel::SubjPass));
            if focus.issuer.is_some() && !subject && a.code == "GOV" {
                continue;
            }
            if resolved.is_empty() && !quoted[h] {
                if let (Some(i), "GOV") = (&focus.issuer, a.code.as_str()) {
                    resolved.push((
                        i.clone(),
                        "a government role in an official text: its issuer",
                    ));
                } else if let Some(c) = focus.country() {
                    resolved.push((
                        format!("{c}{}", a.code),
                        "a bare role in the document's country",
                    ));
                }
            }
            if resolved.is_empty() {
                continue;
            }
            let mut it = resolved.into_iter().map(|(code, rule)| ActorRef {
                code,
                resolved: Some(rule),
                bare_role: false,
                ..a.clone()
            });
            self.coded[h] = it.next();
            self.extra[h] = it.collect();
        }
    }

    fn new(
        c: &Coder<'_>,
        s: &Sent,
        date: Date,
        mentions: &[Mention],
        ctx: &Context,
    ) -> NounPhrases {
        let n = s.len();
        let mut coded: Vec<Option<ActorRef>> = vec![None; n];
        let mut extra: Vec<Vec<ActorRef>> = vec![Vec::new(); n];
        let mut extent = vec![None; n];
        let lex = c.lex;
        let skip = |r: Rel| {
            matches!(
                r,
                Rel::Acl
                    | Rel::Conj
                    | Rel::Cc
                    | Rel::Appos
                    | Rel::Punct
                    | Rel::Advcl
                    | Rel::Ccomp
                    | Rel::Nmod
                    | Rel::Obl
                    | Rel::Case
            )
        };
        // The best named actor among the mentions inside `lo..=hi`.
        let actor_in = |lo: usize, hi: usize, h: usize| -> Option<(String, Origin, bool)> {
            let mut actor: Option<(String, Origin, bool)> = None;
            for m in mentions
                .iter()
                .filter(|m| m.start >= lo && m.end <= hi + 1 || m.start <= h && h < m.end)
            {
                if let Found::Actor(a) = m.found {
                    let a = &lex.actors[a as usize];
                    let Some(code) = a.code_at(date) else {
                        continue;
                    };
                    let person = a.is_person();
                    let better = match &actor {
                        None => true,
                        Some((c, _, p)) => !p && (person || code.len() > c.len()),
                    };
                    if better {
                        actor = Some((code.to_string(), a.origin, person));
                    }
                }
            }
            actor
        };
        // The actor a word names with its own name parts (compounds, adjectives), leaving out
        // what its possessives and modifiers name.
        let name_actor = |m: usize| {
            let (a, b) = s.extent(m, &|r| {
                !matches!(r, Rel::Compound | Rel::Amod | Rel::Det | Rel::Nummod)
            });
            actor_in(a, b, m)
        };
        for h in 0..n {
            let w = &s.words[h];
            let nominal = w.xpos.starts_with("NN")
                || w.xpos == "PRP"
                || w.xpos == "CD"
                || w.xpos.starts_with("JJ")
                    && matches!(
                        s.rel[h],
                        Rel::Subj | Rel::Obj | Rel::Obl | Rel::Nmod | Rel::Conj
                    );
            if !nominal || matches!(s.rel[h], Rel::Compound | Rel::Amod) {
                continue;
            }
            let (lo, own_hi) = s.extent(h, &skip);
            // A coordination attached deeper inside the phrase also ends it.
            let (lo, own_hi) = {
                let (a, b) = s.extent_deep(h, &|r| matches!(r, Rel::Conj | Rel::Cc));
                (lo.max(a), own_hi.min(b))
            };
            let mut hi = own_hi;
            let head_agent = mentions.iter().find_map(|m| match m.found {
                Found::Agent(g) if m.start <= h && h < m.end => {
                    Some(lex.agents[g as usize].code.as_str())
                }
                _ => None,
            });
            // `the president of France`, `the leaders of Gondor`: an `of` modifier belongs to
            // the phrase.
            {
                for k in s.children(h) {
                    if s.rel[k] == Rel::Nmod
                        && s.child(k, Rel::Case)
                            .is_some_and(|c| s.words[c].lower == "of")
                    {
                        let (_, e) = s.extent(k, &|r| {
                            matches!(r, Rel::Acl | Rel::Conj | Rel::Cc | Rel::Punct)
                        });
                        hi = hi.max(e);
                    }
                }
            }
            extent[h] = Some((lo, hi));
            let actor = actor_in(lo, own_hi, h);
            let agents: Vec<AgentHit<'_>> = mentions
                .iter()
                .filter(|m| m.start >= lo && m.end <= hi + 1)
                .filter_map(|m| match m.found {
                    Found::Agent(g) => {
                        let g = &lex.agents[g as usize];
                        Some((g.code.as_str(), g.prefix, g.origin))
                    }
                    Found::Actor(_) => None,
                })
                .collect();
            let of_actor = || {
                s.children(h).any(|k| {
                    s.rel[k] == Rel::Nmod
                        && s.child(k, Rel::Case)
                            .is_some_and(|c| s.words[c].lower == "of")
                        // The modifier must itself name the actor ("the leaders of Gondor"), not
                        // merely contain one ("the impact of Putin's war").
                        && name_actor(k).is_some()
                })
            };
            if actor.is_none() && agents.is_empty() && !of_actor() {
                if w.xpos == "PRP" {
                    if let Some(a) = resolve_pronoun(s, h, &coded, ctx) {
                        coded[h] = Some(ActorRef {
                            antecedent: Some(a.span),
                            span: Span::new(s.words[lo].span.start, s.words[hi].span.end),
                            words: (lo, hi + 1),
                            ..a
                        });
                    }
                }
                continue;
            }
            // Countries for an agent without one: its `in`/`of`/`from` modifiers, each conjunct.
            let mut actors: Vec<(String, Origin, bool)> = actor.into_iter().collect();
            if actors.is_empty() {
                for k in s.children(h) {
                    let prep = s.child(k, Rel::Case).map(|c| s.words[c].lower.as_str());
                    // "lawmakers in X", "soldiers from X" (a role word's country), and
                    // "the leaders of X"; a thing "in X" is only somewhere.
                    let country_prep = match prep {
                        Some("of") => true,
                        Some("in" | "from") => head_agent.is_some(),
                        _ => false,
                    };
                    if s.rel[k] == Rel::Nmod && country_prep {
                        let mut members = vec![k];
                        members.extend(s.children(k).filter(|&c| s.rel[c] == Rel::Conj));
                        for m in members {
                            let found = name_actor(m);
                            if found.is_some() {
                                // The phrase spans every conjunct it takes an actor from.
                                hi = hi.max(s.extent(m, &skip).1);
                            }
                            actors.extend(found);
                        }
                    }
                }
            }
            // "Chinese and Indian officials": coordinated national adjectives share the role
            // (the parser hangs the second one on the first or on the noun).
            let coordinated_mods = (lo..=hi).any(|k| s.words[k].xpos == "CC");
            if !actors.is_empty() && coordinated_mods {
                let mut mods: Vec<usize> = s
                    .children(h)
                    .filter(|&c| matches!(s.rel[c], Rel::Amod | Rel::Compound))
                    .collect();
                let conj: Vec<usize> = mods
                    .iter()
                    .flat_map(|&c| s.children(c).filter(|&d| s.rel[d] == Rel::Conj))
                    .collect();
                mods.extend(conj);
                for d in mods {
                    if let Some(a) = name_actor(d) {
                        if !actors.iter().any(|x| x.0 == a.0) {
                            hi = hi.max(d);
                            actors.push(a);
                        }
                    }
                }
            }
            let span = Span::new(s.words[lo].span.start, s.words[hi].span.end);
            let make = |code: String,
                        entries: Vec<Origin>,
                        base: Option<String>,
                        bare_role: bool| ActorRef {
                code,
                span,
                words: (lo, hi + 1),
                entries,
                antecedent: None,
                base,
                bare_role,
                resolved: None,
            };
            // A role word only names an actor when it heads the phrase ("the troops", not
            // "military action").
            // (TABARI/PETRARCH agents keep PETRARCH's looser reading.)
            if actors.is_empty()
                && head_agent.is_none()
                && agents.iter().all(|a| lex.file(a.2).ends_with(".tsv"))
            {
                continue;
            }
            if actors.is_empty() {
                // "the minister": the last person named, when the role fits (singular only:
                // "the leaders" are not one person).
                let definite = w.xpos == "NN"
                    && !has(List::Collective, &w.lemma)
                    && s.children(h)
                        .any(|k| s.rel[k] == Rel::Det && s.words[k].lower == "the");
                if let (true, Some(p)) = (definite, &ctx.last_person) {
                    if agents.iter().any(|(g, _, _)| p.code.ends_with(g)) {
                        coded[h] = Some(ActorRef {
                            antecedent: Some(p.span),
                            span,
                            words: (lo, hi + 1),
                            ..p.clone()
                        });
                        continue;
                    }
                }
            }
            // `ELR/GAL`: an entry standing for several actors.
            let actors: Vec<(String, Origin, bool)> = actors
                .into_iter()
                .flat_map(|(c, o, p)| {
                    c.split('/')
                        .filter(|x| !x.is_empty())
                        .map(|x| (x.to_string(), o, p))
                        .collect::<Vec<_>>()
                })
                .collect();
            // Coordinated role words ("media and government") are separate actors.
            let coordinated = agents.len() > 1 && (lo..=hi).any(|k| s.words[k].xpos == "CC");
            let groups: Vec<Vec<AgentHit<'_>>> = if coordinated {
                agents.iter().map(|a| vec![*a]).collect()
            } else {
                vec![agents.clone()]
            };
            let mut codes = Vec::new();
            // "a Moscow court", "Kremlin officials": a capital standing for its government
            // gives its country to the role word it modifies (RUSJUD, not RUSGOV).
            let actors: Vec<(String, Origin, bool)> = actors
                .into_iter()
                .map(|(code, o, person)| {
                    let metonym = !person
                        && code.len() == 6
                        && code.ends_with("GOV")
                        && lex.file(o).ends_with("countries.tsv")
                        && head_agent.is_some()
                        && !mentions.iter().any(|m| {
                            matches!(m.found, Found::Actor(_)) && m.start <= h && h < m.end
                        });
                    if metonym {
                        (code[..3].to_string(), o, person)
                    } else {
                        (code, o, person)
                    }
                })
                .collect();
            let actor_opts: Vec<Option<&(String, Origin, bool)>> = if actors.is_empty() {
                vec![None]
            } else {
                actors.iter().map(Some).collect()
            };
            for a in &actor_opts {
                for g in &groups {
                    let own = g.iter().all(|x| lex.file(x.2).ends_with(".tsv"));
                    let (code, entries) = compose(*a, g, own);
                    let base = match (a, head_agent) {
                        (Some(_), Some(role)) => {
                            let rest: Vec<AgentHit<'_>> =
                                g.iter().copied().filter(|x| x.0 != role).collect();
                            Some(compose(*a, &rest, own).0)
                        }
                        _ => None,
                    };
                    if !code.is_empty() && !codes.iter().any(|r: &ActorRef| r.code == code) {
                        codes.push(make(code, entries, base, a.is_none()));
                    }
                }
            }
            let mut it = codes.into_iter();
            coded[h] = it.next();
            extra[h] = it.collect();
        }
        // Apposition: "his Russian counterpart, Sergei Lavrov" takes the fuller code of the
        // named person.
        for h in 0..n {
            for c in s.children(h).filter(|&c| s.rel[c] == Rel::Appos) {
                let (Some(a), Some(b)) = (&coded[h], &coded[c]) else {
                    continue;
                };
                let person = b.entries.iter().any(|o| lex.is_person(*o));
                if b.code.len() > a.code.len() && b.code.starts_with(&a.code[..a.code.len().min(3)])
                    || person && a.bare_role
                {
                    let mut merged = b.clone();
                    merged.span =
                        Span::new(a.span.start.min(b.span.start), a.span.end.max(b.span.end));
                    merged.words = (a.words.0.min(b.words.0), a.words.1.max(b.words.1));
                    coded[h] = Some(merged);
                }
            }
        }
        NounPhrases {
            coded,
            extra,
            extent,
        }
    }

    /// The coded phrases listed right before the phrase headed by `h`, separated by commas
    /// and `and` ("Japan, the Philippines, and the United States"), nearest first; empty
    /// unless the list has an `and`.
    fn listed_before(&self, s: &Sent, h: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let Some((mut lo, hi)) = self.extent[h] else {
            return out;
        };
        let mut and = false;
        loop {
            let mut j = lo;
            while j > 0 && matches!(s.words[j - 1].lower.as_str(), "," | "and") {
                and |= s.words[j - 1].lower == "and";
                j -= 1;
            }
            if j == lo || j == 0 {
                break;
            }
            let end = j - 1;
            let verb = s.head_of(h);
            // A phrase inside another clause ("…aggression against Ukraine, and Kishida
            // pledged") is no member: no other verb may stand between it and the subject's.
            let same_clause = |k: usize| {
                let mut x = k;
                for _ in 0..s.len() {
                    match s.head_of(x) {
                        None => return true,
                        Some(p) if Some(p) == verb => return true,
                        // A participial opener ("Having decided on this vision, the
                        // United States and the EU will…") is where parsers hang the list.
                        // A verb above the subject's own (the opener read as the main
                        // clause) does not separate them either.
                        Some(p)
                            if s.words[p].is_verb()
                                && !(s.rel[p] == Rel::Advcl
                                    && matches!(s.words[p].xpos.as_str(), "VBG" | "VBN"))
                                && !verb.is_some_and(|v| s.dominated_by(v, p)) =>
                        {
                            return false
                        }
                        Some(p) => x = p,
                    }
                }
                false
            };
            let found = (0..s.len()).find(|&k| {
                self.coded[k].is_some()
                    && self.extent[k].is_some_and(|(_, b)| b == end)
                    && same_clause(k)
            });
            match found {
                Some(k) if !out.contains(&k) && k != h => {
                    out.push(k);
                    lo = self.extent[k].map_or(0, |(a, _)| a);
                }
                _ => break,
            }
        }
        // The list's own `and` may follow the first members: "Japan, the Philippines, and
        // the United States" parsed with "the Philippines" as subject.
        let and_after = (hi + 1..s.len()).take(3).any(|k| s.words[k].lower == "and");
        if and || and_after {
            out
        } else {
            Vec::new()
        }
    }

    /// Every actor of the phrase headed by `h`.
    fn all_at(&self, h: usize) -> Vec<ActorRef> {
        let mut v: Vec<ActorRef> = self.coded_at(h).into_iter().collect();
        if let Some(x) = self.extra.get(h) {
            v.extend(x.iter().cloned());
        }
        v
    }

    fn coded_at(&self, h: usize) -> Option<ActorRef> {
        self.coded.get(h).cloned().flatten()
    }

    /// The coded noun phrase that starts at word `i` (a leading determiner may be skipped),
    /// as `(head, end)`.
    fn starting_at(&self, s: &Sent, i: usize) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        for (h, e) in self.extent.iter().enumerate() {
            let Some((lo, hi)) = e else { continue };
            let starts = *lo == i || *lo + 1 == i && s.rel[*lo] == Rel::Det;
            if starts && self.coded[h].is_some() && best.is_none_or(|(_, b)| hi + 1 > b) {
                best = Some((h, hi + 1));
            }
        }
        best
    }

    /// `h` and its conjuncts (also those a parser hung on a name part of `h`).
    fn conjuncts(&self, s: &Sent, h: usize) -> Vec<usize> {
        let mut out = vec![h];
        let mut k = 0;
        while k < out.len() {
            let x = out[k];
            let parts: Vec<usize> = std::iter::once(x)
                .chain(s.children(x).filter(|&c| s.rel[c] == Rel::Compound))
                .collect();
            for p in parts {
                for c in s.children(p) {
                    // "Trump and Malaysia's Prime Minister Anwar": the possessor is no member.
                    let possessor = s
                        .children(c)
                        .any(|k| s.rel[k] == Rel::Case && s.words[k].xpos == "POS");
                    if s.rel[c] == Rel::Conj
                        && !s.words[c].is_verb()
                        && !possessor
                        && !out.contains(&c)
                    {
                        out.push(c);
                    }
                }
            }
            // "President Macron of France and President Biden of the United States": the
            // second person hung on the first one's country is a member too.
            let role = |i: usize| self.coded[i].as_ref().is_some_and(|a| a.code.len() > 3);
            if role(x) {
                for n in s.children(x).filter(|&n| s.rel[n] == Rel::Nmod) {
                    let bare_country = self.coded[n].as_ref().is_some_and(|a| a.code.len() == 3);
                    for c in s.children(n) {
                        if bare_country
                            && s.rel[c] == Rel::Conj
                            && s.words[c].xpos.starts_with("NNP")
                            && role(c)
                            && !out.contains(&c)
                        {
                            out.push(c);
                        }
                    }
                }
            }
            k += 1;
            if out.len() > 16 {
                break;
            }
        }
        out
    }
}

/// A pronoun's antecedent: for `he`/`she`, the last person named in the article; for any
/// personal pronoun, else the nearest coded subject earlier in the sentence.
fn resolve_pronoun(
    s: &Sent,
    h: usize,
    coded: &[Option<ActorRef>],
    ctx: &Context,
) -> Option<ActorRef> {
    let lower = s.words[h].lower.as_str();
    if !matches!(lower, "he" | "she" | "him" | "her" | "it" | "they" | "them") {
        return None;
    }
    if has(List::PersonPronoun, lower) {
        // An object pronoun in a clause whose subject is also a pronoun is the other person.
        let object =
            matches!(lower, "him" | "her") && !matches!(s.rel[h], Rel::Subj | Rel::SubjPass);
        let subject_pronoun = s.head_of(h).is_some_and(|v| {
            s.children(v)
                .any(|c| s.rel[c] == Rel::Subj && s.words[c].xpos == "PRP")
        });
        if object && subject_pronoun {
            if let Some(p) = &ctx.other_person {
                return Some(p.clone());
            }
        }
        if let Some(p) = &ctx.last_person {
            return Some(p.clone());
        }
    }
    // Number agrees: "he" is no plural subject ("Multiple assailants attacked him after he
    // left"), "they" no single person.
    let singular = has(List::PersonPronoun, lower) || lower == "it";
    (0..h).rev().find_map(|k| {
        let plural = matches!(s.words[k].xpos.as_str(), "NNS" | "NNPS");
        if matches!(s.rel[k], Rel::Subj | Rel::SubjPass) && plural != singular {
            coded[k].clone()
        } else {
            None
        }
    })
}

/// The subject of a verb trigger, following open complements and coordination up; for a
/// noun trigger its possessive or national adjective, or the subject of the light verb it is
/// the object of. In the passive the `by` agent is the source (`petrarch`: only when there is
/// one, as PETRARCH does; otherwise the grammatical subject).
fn default_source(s: &Sent, t: usize, np: &NounPhrases, petrarch: bool) -> Option<usize> {
    let w = &s.words[t];
    // "hostages held by Hamas": a participle modifying a noun acts through its `by` agent.
    if reduced_relative(s, t) || passive_participle(s, t) {
        return by_agent(s, t);
    }
    if w.is_verb() {
        let mut v = t;
        for _ in 0..4 {
            if let Some(sp) = s.child(v, Rel::SubjPass) {
                // "X was seen to break": X is the subject of the complement.
                if v != t {
                    return Some(sp);
                }
                return match by_agent(s, v) {
                    Some(a) => Some(a),
                    None if petrarch => Some(sp),
                    None => None,
                };
            }
            if let Some(subj) = s.child(v, Rel::Subj) {
                return Some(subj);
            }
            match (s.rel[v], s.head_of(v)) {
                (Rel::Xcomp | Rel::Conj, Some(h)) => v = h,
                _ => return subject_before(s, t, np),
            }
        }
        return None;
    }
    // Noun trigger: the subject of a copula ("Ukraine is in talks with Poland"), its
    // possessive, national adjective or name compound.
    if let Some(sj) = s.child(t, Rel::Subj) {
        return Some(sj);
    }
    for c in s.children(t) {
        if matches!(s.rel[c], Rel::Poss | Rel::Amod | Rel::Compound) && np.coded[c].is_some() {
            return Some(c);
        }
    }
    if let Some(h) = s.head_of(t) {
        let light = has(List::LightVerb, &s.words[h].lemma);
        if light && matches!(s.rel[t], Rel::Obj | Rel::Xcomp) {
            return default_source(s, h, np, petrarch);
        }
    }
    // "The Russian invasion of Ukraine", "EU sanctions against Russia": the noun's own
    // phrase names the actor through its modifiers.
    if np.coded[t].is_some() {
        return Some(t);
    }
    None
}

/// A past participle that modifies a noun ("hostages held by Hamas"): its noun is its
/// patient, not its agent.
fn reduced_relative(s: &Sent, t: usize) -> bool {
    s.words[t].xpos == "VBN"
        && s.rel[t] == Rel::Acl
        && s.head_of(t).is_some_and(|h| s.words[h].is_nominal())
        && !s
            .children(t)
            .any(|c| matches!(s.rel[c], Rel::Subj | Rel::SubjPass | Rel::Aux))
}

/// A past participle with a `by` phrase and no subject or auxiliary of its own, read as a
/// second predicate ("Ukraine mounts a defence, backed by the US"): a passive whose patient
/// is its clause's subject.
fn passive_participle(s: &Sent, t: usize) -> bool {
    s.words[t].xpos == "VBN"
        && matches!(s.rel[t], Rel::Conj | Rel::Advcl)
        && !s.children(t).any(|c| {
            matches!(
                s.rel[c],
                Rel::Subj | Rel::SubjPass | Rel::Aux | Rel::AuxPass
            )
        })
        && by_agent(s, t).is_some()
}

/// A finite verb the parser left without a subject ("In April, Japan and Peru announced…"
/// with the names hung on "April"): the coded phrase that ends right before it, from the
/// first conjunct of its coordination.
fn subject_before(s: &Sent, t: usize, np: &NounPhrases) -> Option<usize> {
    if !matches!(s.words[t].xpos.as_str(), "VBD" | "VBZ" | "VBP") || t == 0 {
        return None;
    }
    let mut k =
        (0..t).find(|&k| np.coded[k].is_some() && np.extent[k].is_some_and(|(_, b)| b + 1 == t))?;
    while s.rel[k] == Rel::Conj {
        match s.head_of(k) {
            Some(h) if np.coded[h].is_some() => k = h,
            _ => break,
        }
    }
    Some(k)
}

/// The `by` phrase of a passive verb, among its dependents or theirs.
fn by_agent(s: &Sent, v: usize) -> Option<usize> {
    let is_by = |c: usize| {
        matches!(s.rel[c], Rel::Obl | Rel::Nmod)
            && s.child(c, Rel::Case)
                .is_some_and(|p| s.words[p].lower == "by")
    };
    s.children(v).find(|&c| is_by(c)).or_else(|| {
        s.children(v)
            .filter(|&c| matches!(s.rel[c], Rel::Advmod | Rel::Obl))
            .find_map(|c| s.children(c).find(|&d| is_by(d)))
    })
}

/// Whether `k` is in the clause of an open complement of `t` whose verb the pattern used
/// ("plans to provide aid to Turkey" matched as `[plan] to provide aid`).
fn in_used_complement(s: &Sent, k: usize, t: usize, used: &[usize]) -> bool {
    s.children(t)
        .filter(|&c| s.rel[c] == Rel::Xcomp && used.contains(&c))
        .any(|c| same_clause(s, k, c, false))
}

/// Whether `k` hangs from `t` without crossing into another clause.
fn same_clause(s: &Sent, k: usize, t: usize, petrarch: bool) -> bool {
    let mut x = k;
    for _ in 0..s.len() {
        if x == t {
            return true;
        }
        // PETRARCH takes the first actor anywhere in the verb phrase.
        let barrier = if petrarch {
            matches!(s.rel[x], Rel::Conj | Rel::Punct)
        } else {
            matches!(
                s.rel[x],
                Rel::Subj
                    | Rel::SubjPass
                    | Rel::Ccomp
                    | Rel::Advcl
                    | Rel::Acl
                    | Rel::Conj
                    | Rel::Punct
                    | Rel::Xcomp
            )
        };
        if barrier {
            return false;
        }
        match s.head_of(x) {
            Some(h) => x = h,
            None => return false,
        }
    }
    false
}

/// The target: the passive subject (when the source is the `by` agent), the object, else the
/// first coded noun phrase after the trigger in its own clause; for a noun trigger, its
/// prepositional modifier, or a light verb's.
fn default_target(
    s: &Sent,
    t: usize,
    np: &NounPhrases,
    source: Option<usize>,
    petrarch: bool,
    used: &[usize],
) -> Option<usize> {
    let coded = |h: usize| np.coded[h].is_some() && Some(h) != source;
    let w = &s.words[t];
    // "four people held hostage": the noun a participle modifies is what it acts on.
    if reduced_relative(s, t) {
        if let Some(h) = s.head_of(t).filter(|&h| coded(h)) {
            return Some(h);
        }
    }
    if passive_participle(s, t) {
        return s
            .head_of(t)
            .and_then(|h| s.child(h, Rel::Subj))
            .filter(|&k| coded(k));
    }
    if w.is_verb() {
        if let Some(sp) = s.child(t, Rel::SubjPass) {
            if coded(sp) && (!petrarch || by_agent(s, t).is_some()) {
                return Some(sp);
            }
        }
        if let Some(o) = s.child(t, Rel::Obj) {
            if coded(o) {
                return Some(o);
            }
        }
        let passive = s.child(t, Rel::SubjPass).is_some();
        let first = (t + 1..s.len()).find(|&k| {
            let prep = s.child(k, Rel::Case).map(|p| s.words[p].lower.as_str());
            coded(k)
                && (same_clause(s, k, t, petrarch) || in_used_complement(s, k, t, used))
                && (!passive || prep != Some("by"))
                // A place where something happens is not its target (dyad's format).
                && (petrarch || !prep.is_some_and(|p| has(List::LocativePrep, p)))
        });
        // A possessive inside a coded phrase: the phrase ("Gondor's government").
        return first.map(|k| match (s.rel[k], s.head_of(k)) {
            (Rel::Poss, Some(h)) if coded(h) => h,
            _ => k,
        });
    }
    if let Some(x) = prep_child(s, t, &coded, &[Rel::Nmod, Rel::Obl]) {
        return Some(x);
    }
    // A light verb's prepositional object: "held talks with X".
    if let Some(h) = s.head_of(t) {
        if has(List::LightVerb, &s.words[h].lemma) && s.rel[t] == Rel::Obj {
            return prep_child(s, h, &coded, &[Rel::Obl]);
        }
    }
    // One level down: "ready for negotiations with Ukraine".
    let below: Vec<usize> = s
        .children(t)
        .filter(|&c| matches!(s.rel[c], Rel::Obl | Rel::Nmod) && c > t)
        .collect();
    below
        .into_iter()
        .find_map(|c| prep_child(s, c, &coded, &[Rel::Nmod]))
}

fn prep_child(s: &Sent, h: usize, coded: &dyn Fn(usize) -> bool, rels: &[Rel]) -> Option<usize> {
    s.children(h)
        .filter(|&c| rels.contains(&s.rel[c]) && c > h)
        .find(|&c| {
            let prep = s.child(c, Rel::Case).map(|p| s.words[p].lower.as_str());
            let ok = prep.is_none_or(|p| has(List::TargetPrep, p) && p != "by");
            ok && coded(c)
        })
}

/// Whether a sentence asserts anything: a question ("Did the federation ever support you?")
/// does not, and a headline or banner in capitals ("THE STRAW THAT BROKE AMERICA'S BACK")
/// defeats the statistical tagger and parser.
fn asserts(s: &Sent) -> bool {
    !(s.words.last().is_some_and(|w| w.form == "?") || s.own_parse && shouting(s))
}

/// "Scholz spoke to Putin and reiterated the demand for a ceasefire": a verb conjoined to
/// another, with the same source and no target of its own, acts on the first verb's target.
fn shared_targets(s: &Sent, events: &mut [Event]) {
    for i in 0..events.len() {
        let e = &events[i];
        let t = e.trigger.word;
        if e.target.is_some()
            || e.code.starts_with(SPEECH_ROOT)
            || s.rel[t] != Rel::Conj
            || !s.words[t].is_verb()
        {
            continue;
        }
        let Some(h) = s.head_of(t) else {
            continue;
        };
        let src = e.source.as_ref().map(|a| a.code.clone());
        let shared = events.iter().find_map(|o| {
            (o.trigger.word == h && o.source.as_ref().map(|a| a.code.clone()) == src)
                .then(|| o.target.clone())
                .flatten()
        });
        if let Some(t) = shared {
            events[i].target = Some(t);
        }
    }
}

/// "Ukraine mounts a defence, backed by flows of weapons from the US": an act named in the
/// `by` phrase of a passive participle, with no target of its own, acts on what the participle
/// describes: the noun it modifies when that names an actor, else the subject whose object
/// that noun is; for an adverbial participle, the subject of its clause.
fn participle_targets(s: &Sent, np: &NounPhrases, events: &mut [Event]) {
    for e in events.iter_mut() {
        let t = e.trigger.word;
        if e.target.is_some() || s.words[t].is_verb() || !matches!(s.rel[t], Rel::Obl | Rel::Nmod) {
            continue;
        }
        let Some(v) = s.head_of(t) else { continue };
        if s.words[v].xpos != "VBN" || by_agent(s, v) != Some(t) {
            continue;
        }
        let coded = |k: usize| np.coded[k].is_some().then_some(k);
        let subject_of = |k: usize| s.head_of(k).and_then(|h| s.child(h, Rel::Subj));
        let patient = match (s.rel[v], s.head_of(v)) {
            (Rel::Acl, Some(n)) => coded(n).or_else(|| {
                matches!(s.rel[n], Rel::Obj)
                    .then(|| subject_of(n))
                    .flatten()
                    .and_then(coded)
            }),
            // "…, backed by …" read as a second predicate without a subject of its own.
            (Rel::Advcl | Rel::Conj, Some(_)) if s.child(v, Rel::Subj).is_none() => {
                subject_of(v).and_then(coded)
            }
            _ => s.child(v, Rel::SubjPass).and_then(coded),
        };
        let Some(mut a) = patient.and_then(|k| np.coded[k].clone()) else {
            continue;
        };
        if e.source.as_ref().is_some_and(|src| src.code == a.code) {
            continue;
        }
        a.resolved = Some("what the participle of its `by` phrase describes");
        e.target = Some(a);
    }
}

/// "Hosted by Cavusoglu, this was the meeting between Ukraine and Russia", "Qatar hosted talks
/// between Israel and Hamas": the host of a meeting of two parties hosts each of them (043).
fn hosted_meetings(s: &Sent, np: &NounPhrases, events: &mut Vec<Event>) {
    let mut added = Vec::new();
    for k in (0..s.len()).filter(|&k| s.words[k].is_verb() && s.words[k].lemma == "host") {
        let host = match by_agent(s, k) {
            Some(a) => Some(a),
            None if s.words[k].xpos == "VBN" => None,
            None => s.child(k, Rel::Subj),
        };
        let Some(host) = host.and_then(|h| np.coded[h].clone()) else {
            continue;
        };
        // "Hosted by Qatar, the talks … lasted": a fronted participle describes its clause's
        // subject.
        let described = (s.words[k].xpos == "VBN" && s.rel[k] == Rel::Advcl)
            .then(|| s.head_of(k).and_then(|h| s.child(h, Rel::Subj)))
            .flatten();
        // The hosts: every source of the host verb's own events ("Trump and Anwar hosted…").
        let own = |e: &&Event| e.trigger.word == k && e.code == "043";
        let hosts: Vec<&str> = events
            .iter()
            .filter(own)
            .filter_map(|e| e.source.as_ref().map(|a| a.code.as_str()))
            .chain([host.code.as_str()])
            .collect();
        let mut guests: Vec<&ActorRef> = Vec::new();
        for e in events.iter().filter(|e| {
            let m = e.trigger.word;
            e.code.starts_with("04")
                && !own(e)
                && (s.dominated_by(m, k) || s.dominated_by(k, m) || described == Some(m))
        }) {
            for a in [&e.source, &e.target].into_iter().flatten() {
                if !hosts.contains(&a.code.as_str()) && !guests.iter().any(|g| g.code == a.code) {
                    guests.push(a);
                }
            }
        }
        if guests.len() < 2 {
            continue;
        }
        for g in guests {
            added.push(Event {
                source: Some(host.clone()),
                target: Some(g.clone()),
                code: "043".to_string(),
                trigger: Trigger {
                    word: k,
                    span: s.words[k].span,
                },
                negated: false,
                pattern: None,
                rule: Some("host of a meeting between two parties"),
                when: None,
            });
        }
    }
    if !added.is_empty() {
        let hosts: Vec<usize> = added.iter().map(|e| e.trigger.word).collect();
        // The host's own pattern event without a guest is replaced.
        events.retain(|e| !(hosts.contains(&e.trigger.word) && e.target.is_none()));
        events.extend(added);
        events.sort_by_key(|e| e.trigger.word);
    }
}

/// An intent verb whose complement was coded on its own adds nothing; an act a party refuses
/// ("refused to hold talks": 12) did not happen.
fn drop_redundant_intents(s: &Sent, events: &mut Vec<Event>) {
    let complement_triggers: Vec<usize> = events.iter().map(|e| e.trigger.word).collect();
    let refusals: Vec<usize> = events
        .iter()
        .filter(|e| e.code.starts_with("12") && !e.negated)
        .map(|e| e.trigger.word)
        .collect();
    events.retain(|e| {
        let t = e.trigger.word;
        !(s.rel[t] == Rel::Xcomp
            && !e.code.starts_with("12")
            && s.head_of(t).is_some_and(|h| refusals.contains(&h)))
    });
    events.retain(|e| {
        let generic = e.code.len() == 3 && (e.code.starts_with("03") || e.code.starts_with("13"));
        !(generic
            && complement_triggers.iter().any(|&c| {
                c != e.trigger.word
                    && s.rel[c] == Rel::Xcomp
                    && s.head_of(c) == Some(e.trigger.word)
            }))
    });
}

/// Reported speech: the embedded event is coded; the statement itself (a 01 code on a verb
/// whose clause holds another coded trigger, or a bare 010) only where nothing else is.
fn drop_reported_statements(s: &Sent, events: &mut Vec<Event>) {
    let triggers: Vec<usize> = events.iter().map(|e| e.trigger.word).collect();
    let embeds = |e: &Event| {
        triggers
            .iter()
            .any(|&t| t != e.trigger.word && s.dominated_by(t, e.trigger.word))
    };
    let keep: Vec<bool> = events
        .iter()
        .map(|e| {
            let speech = e.code.starts_with(SPEECH_ROOT) && e.code != "016" && e.rule.is_none();
            !(speech
                && (embeds(e) || e.code == "010" && triggers.iter().any(|&t| t != e.trigger.word)))
        })
        .collect();
    let mut k = keep.iter();
    events.retain(|_| *k.next().unwrap_or(&true));
}

/// One event per (source, code, target).
pub(crate) fn dedupe(events: &mut Vec<Event>) {
    fn key(e: &Event) -> (Option<&str>, &str, Option<&str>) {
        (
            e.source.as_ref().map(|a| a.code.as_str()),
            e.code.as_str(),
            e.target.as_ref().map(|a| a.code.as_str()),
        )
    }
    let mut keep = vec![true; events.len()];
    for i in 1..events.len() {
        keep[i] = !(0..i).any(|j| keep[j] && key(&events[j]) == key(&events[i]));
    }
    let mut k = keep.iter();
    events.retain(|_| *k.next().unwrap_or(&true));
}
