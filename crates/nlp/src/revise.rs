//! Where a word may move with its subtree in a finished tree, keeping it projective.
//!
//! A greedy parser attaches a word before it has seen the rest of the sentence: a prepositional
//! phrase goes to the nearest verb before the noun that owns it is built, a conjunct to the
//! wrong clause. Once the tree is finished, the parser revisits each word: [`candidates`] lists
//! the heads it could move to (with its whole subtree) so that the tree over the words that are
//! not punctuation stays projective, and a learned scorer picks one. The candidates are the
//! nearest word on each side of the word's subtree and up to [`CLIMB`] of its ancestors: the
//! nodes whose "attachment site" the subtree touches.

/// How many nodes each climb offers at most (the nearest word and its ancestors).
pub const CLIMB: usize = 5;

/// A tree prepared for [`candidates`] queries: ancestry in constant time (entry and exit times
/// of a depth-first walk) and each node's extent over the words that are not punctuation.
/// Rebuild it after changing the tree.
#[derive(Debug, Default, Clone)]
pub struct Tree {
    heads: Vec<Option<usize>>,
    punct: Vec<bool>,
    tin: Vec<u32>,
    tout: Vec<u32>,
    lo: Vec<usize>,
    hi: Vec<usize>,
    /// Scratch for [`Tree::reset`]: children lists and the walk's stack.
    start: Vec<u32>,
    kids: Vec<u32>,
    stack: Vec<(usize, usize)>,
}

impl Tree {
    /// Prepares `heads` (0-based, `None` for the root word) with `punct` marking the words to
    /// ignore. Heads out of range count as none; a cycle leaves its nodes unreached (they
    /// descend from nothing and get no candidates).
    pub fn new(heads: &[Option<usize>], punct: &[bool]) -> Tree {
        let mut t = Tree::default();
        t.reset(heads, punct);
        t
    }

    /// [`Tree::new`] into existing buffers.
    pub fn reset(&mut self, heads: &[Option<usize>], punct: &[bool]) {
        let n = heads.len();
        self.heads.clear();
        self.heads
            .extend(heads.iter().map(|h| h.filter(|&h| h < n)));
        self.punct.clear();
        self.punct
            .extend((0..n).map(|i| punct.get(i).copied().unwrap_or(false)));
        // Children lists in one pass (counting sort by head).
        let mut start = std::mem::take(&mut self.start);
        let mut kids = std::mem::take(&mut self.kids);
        let mut stack = std::mem::take(&mut self.stack);
        start.clear();
        start.resize(n + 2, 0);
        for h in self.heads.iter().flatten() {
            start[h + 2] += 1;
        }
        for i in 2..n + 2 {
            start[i] += start[i - 1];
        }
        kids.clear();
        kids.resize(n, 0);
        for (d, h) in self.heads.iter().enumerate() {
            if let Some(h) = *h {
                kids[start[h + 1] as usize] = d as u32;
                start[h + 1] += 1;
            }
        }
        // start[h]..start[h + 1] now lists h's children.
        self.tin.clear();
        self.tin.resize(n, u32::MAX);
        self.tout.clear();
        self.tout.resize(n, 0);
        self.lo.clear();
        self.lo.extend(0..n);
        self.hi.clear();
        self.hi.extend(0..n);
        let mut clock = 0u32;
        stack.clear();
        for r in 0..n {
            if self.heads[r].is_some() {
                continue;
            }
            self.tin[r] = clock;
            clock += 1;
            stack.push((r, start[r] as usize));
            while let Some(&mut (x, ref mut next)) = stack.last_mut() {
                if *next < start[x + 1] as usize {
                    let c = kids[*next] as usize;
                    *next += 1;
                    if self.tin[c] == u32::MAX {
                        self.tin[c] = clock;
                        clock += 1;
                        stack.push((c, start[c] as usize));
                    }
                } else {
                    self.tout[x] = clock;
                    stack.pop();
                    if let Some(&(p, _)) = stack.last() {
                        if !self.punct[x] {
                            self.lo[p] = self.lo[p].min(self.lo[x]);
                            self.hi[p] = self.hi[p].max(self.hi[x]);
                        }
                    }
                }
            }
        }
        self.start = start;
        self.kids = kids;
        self.stack = stack;
    }

    /// Does `x` descend from (or equal) `a`?
    #[inline]
    pub fn descends(&self, x: usize, a: usize) -> bool {
        self.tin[x] != u32::MAX
            && self.tin[a] != u32::MAX
            && self.tin[a] <= self.tin[x]
            && self.tin[x] < self.tout[a]
    }
}

/// The nodes word `d` may move to with its subtree in `tree`, nearest first: the climb from the
/// nearest word left of `d`'s subtree, then the climb from the nearest word right of it
/// (punctuation is ignored). Each appears once; `d`'s current head is always included. Empty
/// for the root word, a mark, or a word the tree does not reach.
pub fn candidates(tree: &Tree, d: usize, out: &mut Vec<usize>) {
    out.clear();
    let n = tree.heads.len();
    if d >= n || tree.punct[d] || tree.tin[d] == u32::MAX {
        return;
    }
    let Some(h) = tree.heads[d] else {
        return;
    };
    let (a, b) = (tree.lo[d], tree.hi[d]);
    let p = &tree.punct;
    // The heads of the other arcs whose span covers the subtree: every candidate must lie
    // under each of them. Collected once for all candidates (`None` if there are too many to
    // hold, then each candidate scans the arcs itself).
    let mut cover = [0usize; 32];
    let mut ncover = 0usize;
    for (x, &g) in tree.heads.iter().enumerate() {
        if let Some(g) = g {
            if !p[x] && x != d && g.min(x) < a && b < g.max(x) {
                if ncover == cover.len() {
                    ncover = usize::MAX;
                    break;
                }
                cover[ncover] = g;
                ncover += 1;
            }
        }
    }
    let covered = |c: usize| match cover.get(..ncover) {
        Some(heads) => heads.iter().all(|&g| tree.descends(c, g)),
        None => covering_arcs_allow(tree, d, a, b, c),
    };
    for start in [(0..a).rev().find(|&i| !p[i]), (b + 1..n).find(|&i| !p[i])] {
        let mut x = start;
        let mut steps = 0;
        while let Some(c) = x {
            if steps == CLIMB {
                break;
            }
            if !out.contains(&c) && (c == h || (between_allows(tree, d, a, b, c) && covered(c))) {
                out.push(c);
            }
            x = tree.heads[c];
            steps += 1;
        }
    }
    if !out.contains(&h) {
        out.push(h);
    }
}

/// Attaching the subtree `a..=b` of `d` to `c` (outside it) keeps every arc between words
/// projective when this holds and [`covering_arcs_allow`] does. The new arc needs every word
/// between `c` and the subtree to descend from `c` (and `c` not to lie inside the subtree).
fn between_allows(tree: &Tree, d: usize, a: usize, b: usize, c: usize) -> bool {
    if tree.descends(c, d) {
        return false;
    }
    let between = if c < a { c + 1..a } else { b + 1..c };
    !between
        .into_iter()
        .any(|t| !tree.punct[t] && !tree.descends(t, c))
}

/// Every other arc whose span covers the subtree `a..=b` of `d` needs `c` under its head.
fn covering_arcs_allow(tree: &Tree, d: usize, a: usize, b: usize, c: usize) -> bool {
    tree.heads.iter().enumerate().all(|(x, &g)| match g {
        Some(g) if !tree.punct[x] && x != d => {
            let (lo, hi) = if g < x { (g, x) } else { (x, g) };
            !(lo < a && b < hi) || tree.descends(c, g)
        }
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cands(heads: &[Option<usize>], punct: &str, d: usize) -> Vec<usize> {
        let punct: Vec<bool> = punct.chars().map(|c| c == 'p').collect();
        let mut out = Vec::new();
        candidates(&Tree::new(heads, &punct), d, &mut out);
        out
    }

    #[test]
    fn ancestry_and_extents_follow_the_tree() {
        // saw(0) root; man(1) → saw; ,(2) → saw; with(3) → scope(4); scope(4) → man
        let heads = [None, Some(0), Some(0), Some(4), Some(1)];
        let t = Tree::new(&heads, &[false, false, true, false, false]);
        assert!(t.descends(3, 0) && t.descends(3, 1) && t.descends(4, 4));
        assert!(!t.descends(1, 4) && !t.descends(2, 1));
        assert_eq!((t.lo[1], t.hi[1]), (1, 4));
        assert_eq!((t.lo[0], t.hi[0]), (0, 4));
        // A cycle is unreached: no candidates, no panic.
        let t = Tree::new(&[Some(1), Some(0)], &[false, false]);
        assert!(!t.descends(0, 1));
        let mut out = vec![7];
        candidates(&t, 0, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn a_prepositional_phrase_may_move_from_the_verb_to_the_noun() {
        // saw(0) root; man(1) → saw; with(2) → telescope; telescope(3) → saw
        let heads = [None, Some(0), Some(3), Some(0)];
        assert_eq!(cands(&heads, "wwww", 3), vec![1, 0]);
    }

    #[test]
    fn siblings_and_ancestors_are_offered_when_projective() {
        // a(0) → b(1) root; c(2) → b; d(3) → b: d may go under c or stay under b; a is not on
        // d's climbs.
        let heads = [Some(1), None, Some(1), Some(1)];
        assert_eq!(cands(&heads, "wwww", 3), vec![2, 1]);
        // c may stay under b or move under d (b's arc to d then spans c, which stays under b).
        assert_eq!(cands(&heads, "wwww", 2), vec![1, 3]);
    }

    #[test]
    fn crossing_attachments_are_not_offered() {
        // x(0) root; y(1) → x; z(2) → y; w(3) → y. z may stay under y or go under w, but not
        // climb to x: y's arc to w would then cover a word not under y.
        let heads = [None, Some(0), Some(1), Some(1)];
        assert_eq!(cands(&heads, "wwww", 2), vec![1, 3]);
        // w itself may go under z, y or x: nothing spans it.
        assert_eq!(cands(&heads, "wwww", 3), vec![2, 1, 0]);
    }

    #[test]
    fn punctuation_is_skipped_and_the_root_has_none() {
        // go(0) root; ,(1) → go; now(2) → go
        let heads = [None, Some(0), Some(0)];
        assert_eq!(cands(&heads, "wpw", 2), vec![0]);
        assert!(cands(&heads, "wpw", 0).is_empty());
        assert!(cands(&heads, "wpw", 1).is_empty());
        assert!(cands(&[], "", 0).is_empty());
    }

    /// Is every arc between words (punctuation ignored) projective, and the tree acyclic?
    fn projective(heads: &[Option<usize>], punct: &[bool]) -> bool {
        let n = heads.len();
        let up = |mut x: usize, a: usize| {
            for _ in 0..=n {
                if x == a {
                    return true;
                }
                match heads[x] {
                    Some(h) => x = h,
                    None => return false,
                }
            }
            false
        };
        (0..n).all(|d| match heads[d] {
            None => true,
            Some(h) => {
                !up(h, d) && (punct[d] || (d.min(h) + 1..d.max(h)).all(|t| punct[t] || up(t, h)))
            }
        })
    }

    /// A random projective tree over `n` words: each span picks a root and splits around it.
    fn random_tree(n: usize, seed: &[u8]) -> Vec<Option<usize>> {
        fn build(
            lo: usize,
            hi: usize,
            parent: Option<usize>,
            seed: &[u8],
            k: &mut usize,
            out: &mut [Option<usize>],
        ) {
            if lo >= hi {
                return;
            }
            let r = lo + usize::from(seed[*k % seed.len()]) % (hi - lo);
            *k += 1;
            out[r] = parent;
            build(lo, r, Some(r), seed, k, out);
            build(r + 1, hi, Some(r), seed, k, out);
        }
        let mut out = vec![None; n];
        build(0, n, None, seed, &mut 0, &mut out);
        out
    }

    proptest::proptest! {
        #[test]
        fn every_candidate_keeps_a_projective_tree_projective(
            n in 1usize..14,
            seed in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..32),
            marks in proptest::collection::vec(proptest::prelude::any::<bool>(), 14),
        ) {
            let heads = random_tree(n, &seed);
            // Marks are leaves here, as the parser leaves them.
            let punct: Vec<bool> = (0..n)
                .map(|i| marks[i] && heads[i].is_some() && !heads.contains(&Some(i)))
                .collect();
            proptest::prop_assert!(projective(&heads, &punct));
            let tree = Tree::new(&heads, &punct);
            let mut out = Vec::new();
            for d in 0..n {
                candidates(&tree, d, &mut out);
                for &c in &out {
                    let mut moved = heads.clone();
                    moved[d] = Some(c);
                    proptest::prop_assert!(projective(&moved, &punct), "{heads:?} {d} → {c}");
                }
            }
        }

        #[test]
        fn arbitrary_heads_never_panic(
            heads in proptest::collection::vec(proptest::option::of(0usize..20), 0..16),
            marks in proptest::collection::vec(proptest::prelude::any::<bool>(), 16),
        ) {
            let tree = Tree::new(&heads, &marks[..heads.len()]);
            let mut out = Vec::new();
            for d in 0..heads.len() + 2 {
                candidates(&tree, d, &mut out);
            }
        }
    }
}
