//! The coder's view of one sentence: words with lemmas and Penn tags, and a dependency tree
//! with Universal Dependencies relations. It is built from dyad's own annotation
//! ([`Sent::from_doc`]) or from a supplied Penn Treebank parse ([`crate::penn`]).

use dyad_core::{Doc, Span, ROOT};

/// A dependency relation, reduced to what the coder looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rel {
    /// The root of the tree.
    Root,
    /// Nominal subject (`nsubj`).
    Subj,
    /// Passive nominal subject (`nsubj:pass`).
    SubjPass,
    /// Direct object (`obj`), or indirect object (`iobj`).
    Obj,
    /// Oblique nominal of a verb (`obl`, `obl:agent`…).
    Obl,
    /// Nominal modifier of a noun (`nmod`).
    Nmod,
    /// Possessive (`nmod:poss`).
    Poss,
    /// Preposition or possessive marker (`case`).
    Case,
    /// Determiner.
    Det,
    /// Adjectival modifier.
    Amod,
    /// Compound or flat name part.
    Compound,
    /// Conjunct.
    Conj,
    /// Coordinating conjunction.
    Cc,
    /// Open clausal complement (`xcomp`).
    Xcomp,
    /// Clausal complement (`ccomp`).
    Ccomp,
    /// Adverbial clause.
    Advcl,
    /// Adverbial modifier (`not` and `never` among them).
    Advmod,
    /// Auxiliary.
    Aux,
    /// Passive auxiliary.
    AuxPass,
    /// Copula.
    Cop,
    /// Subordinating marker (`to`, `that`).
    Mark,
    /// Apposition.
    Appos,
    /// Clausal modifier of a noun (relative clauses included).
    Acl,
    /// Numeric modifier.
    Nummod,
    /// Punctuation.
    Punct,
    /// Verb particle (`compound:prt`).
    Prt,
    /// Anything else.
    Other,
}

impl Rel {
    /// Maps a UD relation name (with or without subtype).
    pub fn from_ud(s: &str) -> Rel {
        match s {
            "nsubj:pass" | "csubj:pass" => Rel::SubjPass,
            "nmod:poss" => Rel::Poss,
            "aux:pass" => Rel::AuxPass,
            "compound:prt" => Rel::Prt,
            "root" => Rel::Root,
            _ => match s.split(':').next().unwrap_or(s) {
                "nsubj" | "csubj" => Rel::Subj,
                "obj" | "iobj" => Rel::Obj,
                "obl" => Rel::Obl,
                "nmod" => Rel::Nmod,
                "case" => Rel::Case,
                "det" => Rel::Det,
                "amod" => Rel::Amod,
                "compound" | "flat" | "fixed" => Rel::Compound,
                "conj" => Rel::Conj,
                "cc" => Rel::Cc,
                "xcomp" => Rel::Xcomp,
                "ccomp" => Rel::Ccomp,
                "advcl" => Rel::Advcl,
                "advmod" => Rel::Advmod,
                "aux" => Rel::Aux,
                "cop" => Rel::Cop,
                "mark" => Rel::Mark,
                "appos" => Rel::Appos,
                "acl" => Rel::Acl,
                "nummod" => Rel::Nummod,
                "punct" => Rel::Punct,
                _ => Rel::Other,
            },
        }
    }

    /// The UD name written by `dyad explain`.
    pub fn name(self) -> &'static str {
        match self {
            Rel::Root => "root",
            Rel::Subj => "nsubj",
            Rel::SubjPass => "nsubj:pass",
            Rel::Obj => "obj",
            Rel::Obl => "obl",
            Rel::Nmod => "nmod",
            Rel::Poss => "nmod:poss",
            Rel::Case => "case",
            Rel::Det => "det",
            Rel::Amod => "amod",
            Rel::Compound => "compound",
            Rel::Conj => "conj",
            Rel::Cc => "cc",
            Rel::Xcomp => "xcomp",
            Rel::Ccomp => "ccomp",
            Rel::Advcl => "advcl",
            Rel::Advmod => "advmod",
            Rel::Aux => "aux",
            Rel::AuxPass => "aux:pass",
            Rel::Cop => "cop",
            Rel::Mark => "mark",
            Rel::Appos => "appos",
            Rel::Acl => "acl",
            Rel::Nummod => "nummod",
            Rel::Punct => "punct",
            Rel::Prt => "compound:prt",
            Rel::Other => "dep",
        }
    }
}

/// One word of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte span in the article text.
    pub span: Span,
    /// The word as written.
    pub form: String,
    /// Lower-cased form.
    pub lower: String,
    /// Lower-cased lemma.
    pub lemma: String,
    /// Penn Treebank tag.
    pub xpos: String,
}

impl Word {
    /// A word; `lower` is derived from `form` and `lemma` is lower-cased.
    pub fn new(span: Span, form: &str, lemma: &str, xpos: &str) -> Word {
        // Typographic apostrophes match dictionary phrases written with `'`.
        let fold = |s: &str| s.to_lowercase().replace('\u{2019}', "'");
        Word {
            span,
            form: form.to_string(),
            lower: fold(form),
            lemma: fold(lemma),
            xpos: xpos.to_string(),
        }
    }

    /// A noun (common or proper) or pronoun.
    pub fn is_nominal(&self) -> bool {
        self.xpos.starts_with("NN") || self.xpos == "PRP" || self.xpos == "CD"
    }

    /// A verb of any form (modals excluded).
    pub fn is_verb(&self) -> bool {
        self.xpos.starts_with("VB")
    }
}

/// A sentence with its dependency tree. Heads are word indices within the sentence, or
/// [`ROOT`]; `rel[i]` is word `i`'s relation to its head.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sent {
    /// The words in order.
    pub words: Vec<Word>,
    /// Head of each word.
    pub head: Vec<u32>,
    /// Relation of each word to its head.
    pub rel: Vec<Rel>,
    /// Byte span of the whole sentence in the article text.
    pub span: Span,
    /// The tree comes from dyad's own statistical parser (the coder repairs the attachments
    /// inside names it knows) rather than a supplied parse.
    pub own_parse: bool,
    /// Children lists and subtree spans, computed on first use from `head`. Build a new
    /// `Sent` (with `index: Default::default()`) rather than changing `head` in place.
    pub index: std::sync::OnceLock<TreeIndex>,
}

/// Children and subtree spans of a dependency tree, so that walking it costs what the walk
/// visits rather than a scan of the sentence per step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TreeIndex {
    /// `kids[first[i]..first[i + 1]]` are word `i`'s dependents, in order.
    first: Vec<u32>,
    kids: Vec<u32>,
    /// First and last word of each word's subtree.
    sub_lo: Vec<u32>,
    sub_hi: Vec<u32>,
}

impl TreeIndex {
    fn new(head: &[u32]) -> TreeIndex {
        let n = head.len();
        let mut count = vec![0u32; n + 1];
        for &h in head {
            if (h as usize) < n {
                count[h as usize + 1] += 1;
            }
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        let first = count.clone();
        let mut fill = count;
        let mut kids = vec![0u32; first[n] as usize];
        for (j, &h) in head.iter().enumerate() {
            if (h as usize) < n {
                kids[fill[h as usize] as usize] = j as u32;
                fill[h as usize] += 1;
            }
        }
        // Subtree spans by walking each word up to the root (bounded: a malformed cycle stops
        // after n steps).
        let mut sub_lo: Vec<u32> = (0..n as u32).collect();
        let mut sub_hi = sub_lo.clone();
        for j in 0..n {
            let mut k = j;
            for _ in 0..n {
                let h = head[k];
                if h as usize >= n {
                    break;
                }
                let h = h as usize;
                sub_lo[h] = sub_lo[h].min(j as u32);
                sub_hi[h] = sub_hi[h].max(j as u32);
                k = h;
            }
        }
        TreeIndex {
            first,
            kids,
            sub_lo,
            sub_hi,
        }
    }
}

impl Sent {
    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when the sentence has no word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The head of word `i`, if it has one.
    pub fn head_of(&self, i: usize) -> Option<usize> {
        let h = self.head[i];
        (h != ROOT).then_some(h as usize)
    }

    fn tree(&self) -> &TreeIndex {
        self.index.get_or_init(|| TreeIndex::new(&self.head))
    }

    /// The dependents of word `i`, in order.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let t = self.tree();
        let (a, b) = (t.first[i] as usize, t.first[i + 1] as usize);
        t.kids[a..b].iter().map(|&k| k as usize)
    }

    /// The first dependent of `i` with relation `rel`.
    pub fn child(&self, i: usize, rel: Rel) -> Option<usize> {
        self.children(i).find(|&j| self.rel[j] == rel)
    }

    /// The head of the clause word `i` is in: climbing from `i` until a word that begins a
    /// clause of its own (the root, an adverbial, complement, relative or conjoined clause).
    pub fn clause_head(&self, mut i: usize) -> usize {
        for _ in 0..self.len() {
            if matches!(
                self.rel[i],
                Rel::Root | Rel::Advcl | Rel::Ccomp | Rel::Acl | Rel::Conj
            ) {
                break;
            }
            match self.head_of(i) {
                Some(h) => i = h,
                None => break,
            }
        }
        i
    }

    /// Whether `a` is `b` or one of `b`'s descendants.
    pub fn dominated_by(&self, mut a: usize, b: usize) -> bool {
        for _ in 0..=self.len() {
            if a == b {
                return true;
            }
            match self.head_of(a) {
                Some(h) => a = h,
                None => return false,
            }
        }
        false
    }

    /// The first and last word of `i`'s subtree (inclusive), leaving out the subtrees of
    /// `i`'s dependents whose relation makes `skip` true.
    pub fn extent(&self, i: usize, skip: &dyn Fn(Rel) -> bool) -> (usize, usize) {
        let t = self.tree();
        let (mut lo, mut hi) = (i, i);
        for c in self.children(i) {
            if !skip(self.rel[c]) {
                lo = lo.min(t.sub_lo[c] as usize);
                hi = hi.max(t.sub_hi[c] as usize);
            }
        }
        (lo, hi)
    }

    /// Like [`Sent::extent`], but a relation for which `skip` is true cuts its subtree off at
    /// any depth (a noun phrase stops at a coordination however deep it is attached).
    pub fn extent_deep(&self, i: usize, skip: &dyn Fn(Rel) -> bool) -> (usize, usize) {
        let (mut lo, mut hi) = (i, i);
        // A stack on the stack: noun phrases are small, and this runs for every phrase head.
        let mut small = [0usize; 32];
        let mut len = 1;
        small[0] = i;
        let mut spill: Vec<usize> = Vec::new();
        let mut steps = 0;
        loop {
            let x = if let Some(x) = spill.pop() {
                x
            } else if len > 0 {
                len -= 1;
                small[len]
            } else {
                break;
            };
            steps += 1;
            if steps > self.len() {
                break;
            }
            lo = lo.min(x);
            hi = hi.max(x);
            for c in self.children(x).filter(|&c| !skip(self.rel[c])) {
                if len < small.len() && spill.is_empty() {
                    small[len] = c;
                    len += 1;
                } else {
                    spill.push(c);
                }
            }
        }
        (lo, hi)
    }

    /// Whether the tree has a single root and no cycle.
    pub fn is_tree(&self) -> bool {
        let roots = self.head.iter().filter(|&&h| h == ROOT).count();
        roots == 1
            && (0..self.len()).all(|i| {
                let mut k = i;
                for _ in 0..=self.len() {
                    match self.head_of(k) {
                        Some(h) => k = h,
                        None => return true,
                    }
                }
                false
            })
    }

    /// Builds the view of sentence `s` of an annotated document. Without a parse every word
    /// hangs from the first one and no event can be coded from it.
    pub fn from_doc(doc: &Doc, s: usize) -> Sent {
        let range = doc.sentences.tokens(s);
        let first = range.start;
        let tags = &doc.tags;
        let parsed = tags.head.len() == doc.tokens.len() && !tags.head.is_empty();
        let tagged = tags.xpos.len() == doc.tokens.len();
        let mut sent = Sent {
            span: doc.sentences.span(s),
            own_parse: true,
            ..Sent::default()
        };
        for t in range.clone() {
            let span = doc.tokens.span(t);
            let form = doc.text_of(span);
            let (lemma, xpos) = if tagged {
                (&*tags.lemma[t], tags.xpos[t])
            } else {
                (form, "X")
            };
            sent.words.push(Word::new(span, form, lemma, xpos));
            if parsed {
                let h = tags.head[t];
                sent.head
                    .push(if h == ROOT { ROOT } else { h - first as u32 });
                sent.rel.push(Rel::from_ud(tags.deprel[t]));
            } else {
                sent.head.push(if t == first { ROOT } else { 0 });
                sent.rel
                    .push(if t == first { Rel::Root } else { Rel::Other });
            }
        }
        sent
    }
}
