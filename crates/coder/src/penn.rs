//! Supplied Penn Treebank parses (PETRARCH `<Parse>`): a bracket reader and a conversion to
//! dependencies with head rules, so that the coder runs on the same [`Sent`] view whether the
//! parse came from dyad's own models or from CoreNLP.
//!
//! The head rules follow Universal Dependencies in spirit: content words are heads (the main
//! verb, not the auxiliary; the noun, not the preposition), auxiliaries, copulas, determiners
//! and prepositions hang from them.

use dyad_core::{Span, ROOT};

use crate::sent::{Rel, Sent, Word};

/// A node of a constituency tree.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    label: String,
    children: Vec<usize>,
    /// For a pre-terminal: the word index.
    word: Option<usize>,
}

/// Why a bracketed parse was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

/// A constituency tree: the nodes, the root and the leaves as `(tag, word)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    nodes: Vec<Node>,
    root: usize,
    /// `(tag, word)` per leaf, in order.
    pub leaves: Vec<(String, String)>,
}

/// Longest bracketed parse accepted, in bytes.
pub const MAX_PARSE_BYTES: usize = 200_000;

/// Reads a bracketed tree such as `(ROOT (S (NP (NNP Arnor)) (VP (VBD met))))`.
pub fn parse_tree(text: &str) -> Result<Tree, ParseError> {
    if text.len() > MAX_PARSE_BYTES {
        return Err(ParseError(format!(
            "the parse is {} bytes, over the limit of {MAX_PARSE_BYTES}",
            text.len()
        )));
    }
    let mut tree = Tree {
        nodes: Vec::new(),
        root: 0,
        leaves: Vec::new(),
    };
    let mut stack: Vec<usize> = Vec::new();
    let mut roots = Vec::new();
    let mut chars = text.char_indices().peekable();
    let atom = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
        let mut s = String::new();
        while let Some(&(_, c)) = chars.peek() {
            if c.is_whitespace() || c == '(' || c == ')' {
                break;
            }
            s.push(c);
            chars.next();
        }
        s
    };
    while let Some(&(_, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' {
            chars.next();
            while chars.peek().is_some_and(|&(_, c)| c.is_whitespace()) {
                chars.next();
            }
            let label = atom(&mut chars);
            let id = tree.nodes.len();
            tree.nodes.push(Node {
                label,
                children: Vec::new(),
                word: None,
            });
            match stack.last() {
                Some(&p) if tree.nodes[p].word.is_some() => {
                    return Err(ParseError(format!(
                        "`({}` has both a word and a bracket inside",
                        tree.nodes[p].label
                    )));
                }
                Some(&p) => tree.nodes[p].children.push(id),
                None => roots.push(id),
            }
            stack.push(id);
        } else if c == ')' {
            chars.next();
            match stack.pop() {
                None => return Err(ParseError("a `)` closes nothing".into())),
                Some(n) if tree.nodes[n].word.is_none() && tree.nodes[n].children.is_empty() => {
                    return Err(ParseError(format!("`({}` is empty", tree.nodes[n].label)));
                }
                Some(_) => {}
            }
        } else {
            let word = atom(&mut chars);
            let Some(&p) = stack.last() else {
                return Err(ParseError(format!(
                    "the word `{word}` is outside any bracket"
                )));
            };
            if !tree.nodes[p].children.is_empty() || tree.nodes[p].word.is_some() {
                return Err(ParseError(format!(
                    "the word `{word}` is not the only child of `({}`",
                    tree.nodes[p].label
                )));
            }
            tree.nodes[p].word = Some(tree.leaves.len());
            tree.leaves.push((tree.nodes[p].label.clone(), word));
        }
    }
    if !stack.is_empty() {
        return Err(ParseError(format!(
            "{} bracket(s) are not closed",
            stack.len()
        )));
    }
    match roots.as_slice() {
        [r] => tree.root = *r,
        [] => return Err(ParseError("the parse is empty".into())),
        _ => return Err(ParseError("the parse has more than one tree".into())),
    }
    if tree.leaves.is_empty() {
        return Err(ParseError("the parse has no words".into()));
    }
    tree.group_flat_coordination();
    Ok(tree)
}

/// The surface form of a Penn token (`-LRB-` → `(`, `` ` `` quotes → `"`).
pub fn unescape(word: &str) -> &str {
    match word {
        "-LRB-" | "-lrb-" => "(",
        "-RRB-" | "-rrb-" => ")",
        "-LCB-" | "-lcb-" => "{",
        "-RCB-" | "-rcb-" => "}",
        "-LSB-" | "-lsb-" => "[",
        "-RSB-" | "-rsb-" => "]",
        "``" | "''" => "\"",
        _ => word,
    }
}

fn is_verb_tag(t: &str) -> bool {
    t.starts_with("VB") || t == "MD"
}

fn is_noun_tag(t: &str) -> bool {
    matches!(
        t,
        "NN" | "NNS" | "NNP" | "NNPS" | "NX" | "PRP" | "CD" | "NML"
    )
}

const BE: &[&str] = &[
    "be", "is", "are", "was", "were", "been", "being", "am", "'s", "'re", "'m",
];

impl Tree {
    /// Rewrites a flat coordinated noun phrase such as
    /// `(NP (NNP Mordor) (, ,) (NNP Rohan) (CC and) (NNP Minas) (NNP Tirith))` into one inner
    /// `NP` per conjunct, so that head rules see the coordination.
    fn group_flat_coordination(&mut self) {
        for n in 0..self.nodes.len() {
            if self.label(n) != "NP" {
                continue;
            }
            let kids = self.nodes[n].children.clone();
            let is_sep = |t: &Tree, c: usize| matches!(t.label(c), "," | "CC" | ":");
            if !kids.iter().any(|&c| self.label(c) == "CC") {
                continue;
            }
            let wordy = |t: &Tree, c: usize| {
                matches!(
                    t.label(c),
                    "NNP" | "NNPS" | "NN" | "NNS" | "DT" | "JJ" | "POS"
                )
            };
            if !kids.iter().all(|&c| is_sep(self, c) || wordy(self, c)) {
                continue;
            }
            let mut runs: Vec<Vec<usize>> = vec![Vec::new()];
            for &c in &kids {
                if is_sep(self, c) {
                    runs.push(Vec::new());
                } else if let Some(r) = runs.last_mut() {
                    r.push(c);
                }
            }
            let proper_runs = runs
                .iter()
                .filter(|r| r.iter().any(|&c| self.label(c).starts_with("NN")))
                .count();
            if runs.iter().any(Vec::is_empty) || proper_runs < 2 || proper_runs != runs.len() {
                continue;
            }
            let mut children = Vec::new();
            let mut run = 0;
            for &c in &kids {
                if is_sep(self, c) {
                    children.push(c);
                    run += 1;
                    continue;
                }
                if runs[run].first() == Some(&c) {
                    let id = self.nodes.len();
                    self.nodes.push(Node {
                        label: "NP".into(),
                        children: runs[run].clone(),
                        word: None,
                    });
                    children.push(id);
                }
            }
            self.nodes[n].children = children;
        }
    }

    fn label(&self, n: usize) -> &str {
        let l = self.nodes[n].label.as_str();
        if l.is_empty() || l.starts_with('-') {
            return l;
        }
        // Strip function tags and indices: `NP-SBJ-1` → `NP`.
        let first = l.chars().next().map_or(0, char::len_utf8);
        let end = l[first..].find(['-', '=']).map_or(l.len(), |i| i + first);
        &l[..end]
    }

    fn word_of(&self, n: usize) -> Option<&str> {
        self.nodes[n].word.map(|w| self.leaves[w].1.as_str())
    }

    /// The child of `n` that heads it.
    fn head_child(&self, n: usize) -> usize {
        let kids = &self.nodes[n].children;
        let lab = |c: usize| self.label(c);
        let first = |pred: &dyn Fn(&str) -> bool| kids.iter().copied().find(|&c| pred(lab(c)));
        let last = |pred: &dyn Fn(&str) -> bool| kids.iter().rev().copied().find(|&c| pred(lab(c)));
        let fallback = kids[kids.len() - 1];
        match self.label(n) {
            "S" | "SQ" | "SINV" | "SBARQ" | "ROOT" | "" | "FRAG" | "UCP" => first(&|l| l == "VP")
                .or_else(|| first(&|l| matches!(l, "S" | "SQ" | "SINV" | "SBAR" | "FRAG")))
                .or_else(|| first(&|l| matches!(l, "NP" | "ADJP" | "PP")))
                .unwrap_or(kids[0]),
            "SBAR" => first(&|l| matches!(l, "S" | "SQ" | "SINV" | "SBAR" | "FRAG" | "VP"))
                .unwrap_or(fallback),
            "VP" => {
                // A nested VP is the content: `is (VP restoring)`, `will (VP meet)`.
                if let Some(v) = first(&|l| l == "VP") {
                    return v;
                }
                let verb = first(&|l| l.starts_with("VB"));
                // Copula with a predicate: `is (ADJP ready)`, `was (NP a threat)`.
                if let Some(v) = verb {
                    let is_be = self
                        .word_of(v)
                        .is_some_and(|w| BE.contains(&w.to_lowercase().as_str()));
                    if is_be {
                        if let Some(p) = first(&|l| matches!(l, "ADJP" | "NP" | "S" | "PP")) {
                            if lab(p) != "S"
                                || kids.iter().position(|&c| c == p)
                                    > kids.iter().position(|&c| c == v)
                            {
                                return p;
                            }
                        }
                    }
                    return v;
                }
                first(&|l| l == "MD")
                    .or_else(|| first(&|l| matches!(l, "S" | "SBAR")))
                    .or_else(|| first(&|l| matches!(l, "NP" | "ADJP")))
                    .unwrap_or(kids[0])
            }
            "NP" | "NML" | "NX" | "WHNP" | "NAC" => {
                let has_cc = kids.iter().any(|&c| matches!(lab(c), "CC" | "CONJP"));
                let nps = kids
                    .iter()
                    .filter(|&&c| matches!(lab(c), "NP" | "NML"))
                    .count();
                if has_cc && nps >= 2 {
                    return first(&|l| matches!(l, "NP" | "NML")).unwrap_or(kids[0]);
                }
                // `(NP (NP the talks) (PP with Gondor))`: the first NP heads.
                if let Some(np) = first(&|l| l == "NP") {
                    let np_pos = kids.iter().position(|&c| c == np).unwrap_or(0);
                    let ends_in_pos = self.ends_in_pos(np);
                    if !ends_in_pos
                        && kids[np_pos + 1..].iter().all(|&c| {
                            !is_noun_tag(lab(c)) && lab(c) != "NP"
                                || lab(c) == "NP" && self.after_comma(kids, c)
                        })
                    {
                        return np;
                    }
                }
                last(&|l| is_noun_tag(l) && l != "CD")
                    .or_else(|| last(&|l| matches!(l, "NP" | "NML")))
                    .or_else(|| last(&|l| l == "CD"))
                    .or_else(|| {
                        last(&|l| matches!(l, "JJ" | "JJS" | "JJR" | "ADJP" | "QP" | "VBG"))
                    })
                    .unwrap_or(fallback)
            }
            "PP" | "WHPP" => {
                first(&|l| matches!(l, "NP" | "S" | "SBAR" | "WHNP" | "ADJP" | "ADVP"))
                    .unwrap_or(kids[0])
            }
            "ADJP" | "WHADJP" => last(&|l| l.starts_with("JJ"))
                .or_else(|| first(&|l| l == "ADJP"))
                .unwrap_or(fallback),
            "ADVP" | "WHADVP" => last(&|l| l.starts_with("RB")).unwrap_or(fallback),
            "QP" => last(&|l| l == "CD").unwrap_or(fallback),
            "PRT" => kids[0],
            _ => fallback,
        }
    }

    fn ends_in_pos(&self, n: usize) -> bool {
        self.nodes[n]
            .children
            .last()
            .is_some_and(|&c| self.label(c) == "POS")
    }

    /// Whether `c` follows a comma among `kids` (an apposition).
    fn after_comma(&self, kids: &[usize], c: usize) -> bool {
        let p = kids.iter().position(|&k| k == c).unwrap_or(0);
        p > 0 && self.label(kids[p - 1]) == ","
    }

    /// The word that heads node `n`.
    fn head_word(&self, n: usize) -> usize {
        let mut n = n;
        loop {
            if let Some(w) = self.nodes[n].word {
                return w;
            }
            if self.nodes[n].children.is_empty() {
                return 0;
            }
            n = self.head_child(n);
        }
    }

    /// The relation of a non-head child `c` of `parent` (with head child `h`).
    fn relation(&self, parent: usize, h: usize, c: usize, before_head: bool) -> Rel {
        let pl = self.label(parent);
        let cl = self.label(c);
        let word = self.word_of(c).map(str::to_lowercase);
        if matches!(
            cl,
            "," | "." | ":" | "``" | "''" | "-LRB-" | "-RRB-" | "HYPH"
        ) {
            return Rel::Punct;
        }
        if matches!(cl, "CC" | "CONJP") {
            return Rel::Cc;
        }
        if cl == "RB" && matches!(word.as_deref(), Some("not" | "n't" | "never")) {
            return Rel::Advmod;
        }
        match pl {
            "S" | "SQ" | "SINV" | "ROOT" | "" | "FRAG" | "UCP" => match cl {
                "NP" if before_head => Rel::Subj,
                "NP" => Rel::Obj,
                "PP" => Rel::Obl,
                "SBAR" => Rel::Advcl,
                "S" if self.label(h) == "S" => Rel::Conj,
                "S" | "VP" => Rel::Advcl,
                "ADVP" | "RB" => Rel::Advmod,
                "MD" => Rel::Aux,
                _ => Rel::Other,
            },
            "SBAR" => match cl {
                "IN" | "WHNP" | "WHADVP" | "DT" | "TO" => Rel::Mark,
                _ => Rel::Other,
            },
            "VP" => {
                match cl {
                    _ if is_verb_tag(cl) && before_head => Rel::Aux,
                    "MD" => Rel::Aux,
                    "TO" => Rel::Mark,
                    "NP" if !before_head => Rel::Obj,
                    "NP" => Rel::Subj,
                    "PP" => Rel::Obl,
                    "S" => {
                        // `to`-infinitive without its own subject: open complement.
                        let has_subj = self.nodes[c]
                            .children
                            .iter()
                            .any(|&k| self.label(k) == "NP");
                        if has_subj {
                            Rel::Ccomp
                        } else {
                            Rel::Xcomp
                        }
                    }
                    "SBAR" => {
                        let first = self.nodes[c].children.first().copied();
                        let mark = first.and_then(|f| self.word_of(f)).map(str::to_lowercase);
                        match mark.as_deref() {
                            None | Some("that") | Some("whether") | Some("if") => Rel::Ccomp,
                            _ if first.is_some_and(|f| self.label(f) == "S") => Rel::Ccomp,
                            _ => Rel::Advcl,
                        }
                    }
                    "PRT" | "RP" => Rel::Prt,
                    "ADVP" | "RB" | "IN" => Rel::Advmod,
                    "ADJP" | "JJ" => Rel::Xcomp,
                    "VP" => Rel::Conj,
                    _ => Rel::Other,
                }
            }
            "NP" | "NML" | "NX" | "WHNP" | "NAC" => {
                let hl = self.label(h);
                match cl {
                    "DT" | "PDT" | "WDT" => Rel::Det,
                    "PRP$" | "WP$" => Rel::Poss,
                    "POS" => Rel::Case,
                    "CD" | "QP" => Rel::Nummod,
                    "JJ" | "JJR" | "JJS" | "ADJP" | "VBN" | "VBG" => Rel::Amod,
                    "NP" | "NML" if self.ends_in_pos(c) => Rel::Poss,
                    "NP" | "NML" if hl == "NP" || hl == "NML" => {
                        if self.nodes[parent]
                            .children
                            .iter()
                            .any(|&k| matches!(self.label(k), "CC" | "CONJP"))
                        {
                            Rel::Conj
                        } else if before_head {
                            Rel::Compound
                        } else {
                            Rel::Appos
                        }
                    }
                    _ if is_noun_tag(cl) || cl == "NP" || cl == "NML" || cl == "FW" => {
                        if before_head {
                            Rel::Compound
                        } else {
                            Rel::Appos
                        }
                    }
                    "PP" => Rel::Nmod,
                    "SBAR" | "VP" | "S" | "RRC" => Rel::Acl,
                    "ADVP" | "RB" => Rel::Advmod,
                    _ => Rel::Other,
                }
            }
            "PP" | "WHPP" => match cl {
                "IN" | "TO" | "RB" | "VBG" | "VBN" | "JJ" => {
                    if self.label(h) == "S" || self.label(h) == "SBAR" {
                        Rel::Mark
                    } else {
                        Rel::Case
                    }
                }
                _ => Rel::Other,
            },
            "ADJP" | "ADVP" | "QP" | "WHADVP" | "WHADJP" => match cl {
                "PP" => Rel::Obl,
                "RB" | "ADVP" => Rel::Advmod,
                _ => Rel::Other,
            },
            "PRT" => Rel::Compound,
            _ => Rel::Other,
        }
    }

    /// Converts to a dependency tree over the leaves.
    pub fn to_dependencies(&self) -> (Vec<u32>, Vec<Rel>) {
        let n = self.leaves.len();
        let mut head = vec![ROOT; n];
        let mut rel = vec![Rel::Other; n];
        let mut stack = vec![self.root];
        while let Some(node) = stack.pop() {
            let kids = &self.nodes[node].children;
            if kids.is_empty() {
                continue;
            }
            let h = self.head_child(node);
            let hw = self.head_word(h);
            let hpos = kids.iter().position(|&k| k == h).unwrap_or(0);
            for (i, &c) in kids.iter().enumerate() {
                stack.push(c);
                if c == h {
                    continue;
                }
                let cw = self.head_word(c);
                if cw == hw {
                    continue;
                }
                head[cw] = hw as u32;
                rel[cw] = self.relation(node, h, c, i < hpos);
            }
        }
        // Passive: a past participle with a form of `be`/`get` as auxiliary.
        for w in 0..n {
            if self.leaves[w].0 != "VBN" {
                continue;
            }
            let mut passive = false;
            for a in 0..n {
                if head[a] == w as u32 && rel[a] == Rel::Aux {
                    let f = self.leaves[a].1.to_lowercase();
                    if BE.contains(&f.as_str())
                        || matches!(f.as_str(), "got" | "get" | "gets" | "getting")
                    {
                        rel[a] = Rel::AuxPass;
                        passive = true;
                    }
                }
            }
            if passive {
                for s in 0..n {
                    if head[s] == w as u32 && rel[s] == Rel::Subj {
                        rel[s] = Rel::SubjPass;
                    }
                }
            }
        }
        // Exactly one root: the head word of the whole tree.
        let top = self.head_word(self.root);
        head[top] = ROOT;
        rel[top] = Rel::Root;
        (head, rel)
    }
}

/// Builds a [`Sent`] from a supplied parse of `text`. Each leaf is located in the text in
/// order; a leaf that cannot be found (a parser's normalisation) gets an empty span at the
/// current position. `lemma(word, tag)` supplies lemmas.
pub fn to_sent(tree: &Tree, text: &str, lemma: &dyn Fn(&str, &str) -> String) -> Sent {
    let (head, rel) = tree.to_dependencies();
    let mut words = Vec::with_capacity(tree.leaves.len());
    let mut pos = 0usize;
    for (tag, raw) in &tree.leaves {
        let form = unescape(raw);
        let span = locate(text, pos, form).unwrap_or(Span::new(pos as u32, pos as u32));
        if span.end as usize > pos {
            pos = span.end as usize;
        }
        words.push(Word::new(span, form, &lemma(form, tag), tag));
    }
    let span = Span::new(0, text.len() as u32);
    Sent {
        words,
        head,
        rel,
        span,
        own_parse: false,
        index: Default::default(),
    }
}

/// Finds `word` in `text` at or after `from`, skipping only whitespace and a little noise.
fn locate(text: &str, from: usize, word: &str) -> Option<Span> {
    let rest = text.get(from..)?;
    let mut cut = rest.len().min(64 + word.len());
    while !rest.is_char_boundary(cut) {
        cut -= 1;
    }
    let window = &rest[..cut];
    let at = window.find(word).or_else(|| {
        // Case or quote differences: compare case-insensitively on ASCII.
        let lw = window.to_ascii_lowercase();
        lw.find(&word.to_ascii_lowercase())
            .filter(|&i| window.is_char_boundary(i))
    })?;
    let start = from + at;
    if !text.is_char_boundary(start) || !text.is_char_boundary(start + word.len()) {
        return None;
    }
    Some(Span::new(start as u32, (start + word.len()) as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deps(parse: &str) -> Vec<(String, String, String)> {
        let t = parse_tree(parse).unwrap();
        let (head, rel) = t.to_dependencies();
        (0..t.leaves.len())
            .map(|i| {
                let h = if head[i] == ROOT {
                    "ROOT".to_string()
                } else {
                    t.leaves[head[i] as usize].1.clone()
                };
                (t.leaves[i].1.clone(), rel[i].name().to_string(), h)
            })
            .collect()
    }

    fn find<'a>(d: &'a [(String, String, String)], w: &str) -> (&'a str, &'a str) {
        let x = d.iter().find(|x| x.0 == w).unwrap();
        (x.1.as_str(), x.2.as_str())
    }

    #[test]
    fn simple_clause() {
        let d = deps("(ROOT (S (NP (NNP Arnor)) (VP (VBD met) (NP (NNP Gondor)) (PP (IN in) (NP (NNP Bree)))) (. .)))");
        assert_eq!(find(&d, "Arnor"), ("nsubj", "met"));
        assert_eq!(find(&d, "met"), ("root", "ROOT"));
        assert_eq!(find(&d, "Gondor"), ("obj", "met"));
        assert_eq!(find(&d, "Bree"), ("obl", "met"));
        assert_eq!(find(&d, "in"), ("case", "Bree"));
    }

    #[test]
    fn auxiliaries_and_passive() {
        let d = deps("(ROOT (S (NP (NNP Gondor)) (VP (VBD was) (VP (VBN attacked) (PP (IN by) (NP (NNP Mordor))))) (. .)))");
        assert_eq!(find(&d, "attacked"), ("root", "ROOT"));
        assert_eq!(find(&d, "was"), ("aux:pass", "attacked"));
        assert_eq!(find(&d, "Gondor"), ("nsubj:pass", "attacked"));
        assert_eq!(find(&d, "Mordor"), ("obl", "attacked"));
    }

    #[test]
    fn coordination_possessive_and_infinitive() {
        let d = deps("(ROOT (S (NP (NP (NNP Arnor)) (CC and) (NP (NNP Rohan))) (VP (VBD agreed) (S (VP (TO to) (VP (VB meet) (NP (NP (NNP Gondor) (POS 's)) (NN king)))))) (. .)))");
        assert_eq!(find(&d, "Arnor"), ("nsubj", "agreed"));
        assert_eq!(find(&d, "Rohan"), ("conj", "Arnor"));
        assert_eq!(find(&d, "meet"), ("xcomp", "agreed"));
        assert_eq!(find(&d, "to"), ("mark", "meet"));
        assert_eq!(find(&d, "king"), ("obj", "meet"));
        assert_eq!(find(&d, "Gondor"), ("nmod:poss", "king"));
    }

    #[test]
    fn malformed_trees_are_refused() {
        assert!(parse_tree("(S (NP x)").is_err());
        assert!(parse_tree("(S x))").is_err());
        assert!(parse_tree("").is_err());
        assert!(parse_tree("(A (B x)) (C (D y))").is_err());
        // Found by the code_penn fuzz target: a word and a bracket under one label.
        assert!(parse_tree("(S (NNP Tirit (NP (DT a))))").is_err());
        assert!(parse_tree("(S (NP ) (VP (VB x)))").is_err());
    }
}
