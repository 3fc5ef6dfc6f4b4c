//! The coder's word lists and modality table, as data: `dicts/coder.tsv`, embedded in the
//! binary. An analyst changes what counts as a light verb, a symmetric act or an intent verb
//! there, without touching Rust.

use std::sync::OnceLock;

use rustc_hash::FxHashSet;

/// A word list of the coder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum List {
    /// Words that negate the verb they modify.
    Negator,
    /// Pronouns for one person.
    PersonPronoun,
    /// "we", "us".
    FirstPlural,
    /// Verbs whose object noun carries the act ("held talks").
    LightVerb,
    /// Prepositions whose object may be a noun trigger's target.
    TargetPrep,
    /// Prepositions whose object is a place, a time or a channel.
    LocativePrep,
    /// Acts two parties do together.
    Symmetric,
    /// Verbs whose open complement is an intended act.
    IntentVerb,
    /// Predicate adjectives whose complement is an intended act.
    IntentAdjective,
    /// Month names.
    Month,
    /// Plural nouns for the two parties of a bilateral text.
    PairNoun,
    /// Head nouns that count what their `of` phrase names.
    Quantity,
    /// Role nouns that name a body, not a person.
    Collective,
    /// Title openings of official texts.
    OfficialGenre,
    /// Weapon words whose bare pattern is an act only as a verb ("shelled", not "shells").
    VerbOnly,
}

impl List {
    /// Every list, with its name in the data file.
    pub const ALL: [(List, &'static str); 15] = [
        (List::Negator, "negator"),
        (List::PersonPronoun, "person-pronoun"),
        (List::FirstPlural, "first-plural"),
        (List::LightVerb, "light-verb"),
        (List::TargetPrep, "target-prep"),
        (List::LocativePrep, "locative-prep"),
        (List::Symmetric, "symmetric"),
        (List::IntentVerb, "intent-verb"),
        (List::IntentAdjective, "intent-adjective"),
        (List::Month, "month"),
        (List::PairNoun, "pair-noun"),
        (List::Quantity, "quantity"),
        (List::Collective, "collective"),
        (List::OfficialGenre, "official-genre"),
        (List::VerbOnly, "verb-only"),
    ];
}

/// Whether a modality rule applies to intents, threats or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModalKind {
    /// Future, planned, promised, offered.
    Intent,
    /// Threatened.
    Threat,
}

/// The parsed data file.
#[derive(Debug, Clone, Default)]
pub struct Words {
    /// Per list (indexed by `List as usize`), its entries in file order and as a set.
    lists: Vec<Vec<String>>,
    sets: Vec<FxHashSet<String>>,
    /// `(intent, threat, from, to)`: the rules of the modality table.
    modality: Vec<(bool, bool, String, String)>,
}

/// The embedded `dicts/coder.tsv`.
const DATA: &str = include_str!("../../../dicts/coder.tsv");

/// The coder's words, parsed once from the embedded file.
pub fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| {
        Words::parse(DATA).unwrap_or_else(|e| panic!("embedded dicts/coder.tsv: {e}"))
    })
}

/// Whether `word` is in `list` of the embedded file.
#[inline]
pub fn has(list: List, word: &str) -> bool {
    words().sets[list as usize].contains(word)
}

impl Words {
    /// Parses the data file; an error names the line and what is wrong.
    pub fn parse(text: &str) -> Result<Words, String> {
        let n = List::ALL.len();
        let mut w = Words {
            lists: vec![Vec::new(); n],
            sets: vec![FxHashSet::default(); n],
            modality: Vec::new(),
        };
        let mut seen = vec![false; n];
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            let at = i + 1;
            if f[0] == "modality" {
                let [_, kind, from, to, ..] = f.as_slice() else {
                    return Err(format!(
                        "line {at}: modality <TAB> kind <TAB> from <TAB> to"
                    ));
                };
                let (intent, threat) = match *kind {
                    "intent" => (true, false),
                    "threat" => (false, true),
                    "any" => (true, true),
                    k => return Err(format!("line {at}: `{k}` is not intent, threat or any")),
                };
                let code =
                    |c: &str| c.len() >= 2 && c.len() <= 4 && c.bytes().all(|b| b.is_ascii_digit());
                if !code(from) || !code(to) {
                    return Err(format!(
                        "line {at}: `{from}` or `{to}` is not an event code"
                    ));
                }
                w.modality
                    .push((intent, threat, from.to_string(), to.to_string()));
                continue;
            }
            let Some(&(list, _)) = List::ALL.iter().find(|(_, n)| *n == f[0]) else {
                return Err(format!("line {at}: unknown list `{}`", f[0]));
            };
            let Some(words) = f.get(1) else {
                return Err(format!("line {at}: a list line is list <TAB> words"));
            };
            let entries: Vec<String> = words
                .split(" | ")
                .map(|x| x.trim().to_lowercase())
                .filter(|x| !x.is_empty())
                .collect();
            seen[list as usize] = true;
            w.sets[list as usize].extend(entries.iter().cloned());
            w.lists[list as usize].extend(entries);
        }
        for (list, name) in List::ALL {
            if !seen[list as usize] {
                return Err(format!("list `{name}` is missing"));
            }
        }
        Ok(w)
    }

    /// The entries of `list`, in file order.
    pub fn list(&self, list: List) -> &[String] {
        &self.lists[list as usize]
    }

    /// The intent or threat code for an act, where the table has one: the rule for the exact
    /// code first, then the rule for its root.
    pub fn modal_code(&self, code: &str, kind: ModalKind) -> Option<String> {
        let applies = |r: &&(bool, bool, String, String)| match kind {
            ModalKind::Intent => r.0,
            ModalKind::Threat => r.1,
        };
        let root = code.get(..2)?;
        let rule = self
            .modality
            .iter()
            .filter(applies)
            .find(|r| r.2 == code)
            .or_else(|| self.modality.iter().filter(applies).find(|r| r.2 == root))?;
        (rule.3 != code).then(|| rule.3.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_file_parses_with_every_list() {
        let w = words();
        assert!(has(List::LightVerb, "hold"));
        assert!(has(List::Symmetric, "meet"));
        assert!(!w.list(List::OfficialGenre).is_empty());
    }

    #[test]
    fn modality_table() {
        let w = words();
        assert_eq!(
            w.modal_code("040", ModalKind::Intent).as_deref(),
            Some("036")
        );
        assert_eq!(
            w.modal_code("072", ModalKind::Intent).as_deref(),
            Some("0332")
        );
        assert_eq!(
            w.modal_code("075", ModalKind::Intent).as_deref(),
            Some("033")
        );
        assert_eq!(w.modal_code("075", ModalKind::Threat), None);
        assert_eq!(
            w.modal_code("163", ModalKind::Threat).as_deref(),
            Some("1312")
        );
        assert_eq!(w.modal_code("036", ModalKind::Intent), None);
        assert_eq!(
            w.modal_code("195", ModalKind::Threat).as_deref(),
            Some("1384")
        );
    }

    #[test]
    fn bad_lines_are_errors_that_name_the_line() {
        assert!(Words::parse("bogus\tx\n").unwrap_err().contains("line 1"));
        assert!(Words::parse("modality\tsometimes\t04\t036\n")
            .unwrap_err()
            .contains("line 1"));
        assert!(Words::parse("negator\tnot\n")
            .unwrap_err()
            .contains("missing"));
    }
}
