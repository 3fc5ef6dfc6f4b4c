//! Where a punctuation mark may attach, by the UD rule.
//!
//! The UD guidelines attach a punctuation mark "at the highest possible node that preserves
//! projectivity" within the unit it belongs to. Given the tree over the other words, the heads
//! the rule allows lie on two climbs: from the nearest word on the mark's left, up through its
//! ancestors while they stay left of the mark and their subtree does not reach past it; and the
//! same from the nearest word on its right. [`candidates`] lists those nodes.

/// The nodes a punctuation mark `p` may attach to by the UD rule, given the tree `heads`
/// (0-based, `None` for the root word) over the words that are not punctuation (`punct[i]`):
/// the left climb from the lowest node up, then the right climb. Only nodes whose arc to `p`
/// keeps the tree of words projective are kept. Empty when `p` has no word on either side.
pub fn candidates(heads: &[Option<usize>], punct: &[bool], p: usize, out: &mut Vec<usize>) {
    out.clear();
    let n = heads.len();
    if p >= n || punct.len() != n {
        return;
    }
    let parent = |x: usize| heads[x].filter(|&h| h < n);
    // Subtree span of a node over non-punctuation words (computed on demand: sentences are
    // short and marks few).
    let span = |x: usize| -> (usize, usize) {
        let (mut lo, mut hi) = (x, x);
        for i in (0..n).filter(|&i| !punct[i]) {
            if descends(heads, i, x) {
                lo = lo.min(i);
                hi = hi.max(i);
            }
        }
        (lo, hi)
    };
    if let Some(mut x) = (0..p).rev().find(|&i| !punct[i]) {
        loop {
            if projective(heads, punct, p, x) {
                out.push(x);
            }
            match parent(x) {
                Some(y) if y < p && span(x).1 < p => x = y,
                _ => break,
            }
        }
    }
    if let Some(mut x) = (p + 1..n).find(|&i| !punct[i]) {
        loop {
            if projective(heads, punct, p, x) {
                out.push(x);
            }
            match parent(x) {
                Some(y) if y > p && span(x).0 > p => x = y,
                _ => break,
            }
        }
    }
}

/// Does `x` descend from (or equal) `a`?
pub fn descends(heads: &[Option<usize>], x: usize, a: usize) -> bool {
    let n = heads.len();
    let mut x = Some(x);
    let mut steps = 0;
    while let Some(y) = x {
        if y == a {
            return true;
        }
        if steps > n || y >= n {
            return false;
        }
        x = heads[y];
        steps += 1;
    }
    false
}

/// Would the arc `h → p` keep the tree of words projective: every word between them descends
/// from `h`, and every arc over `p` comes from an ancestor of `h`.
fn projective(heads: &[Option<usize>], punct: &[bool], p: usize, h: usize) -> bool {
    let (a, b) = if h < p { (h, p) } else { (p, h) };
    if (a + 1..b).any(|t| !punct[t] && !descends(heads, t, h)) {
        return false;
    }
    heads.iter().enumerate().all(|(d, &g)| match g {
        Some(g) if !punct[d] => {
            let (x, y) = if g < d { (g, d) } else { (d, g) };
            !(x < p && p < y) || descends(heads, h, g)
        }
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cands(heads: &[Option<usize>], punct: &str, p: usize) -> Vec<usize> {
        let punct: Vec<bool> = punct.chars().map(|c| c == 'p').collect();
        let mut out = Vec::new();
        candidates(heads, &punct, p, &mut out);
        out
    }

    #[test]
    fn a_final_period_may_only_go_up_the_left_climb() {
        // He(0) → left(1) root; "."(2)
        assert_eq!(cands(&[Some(1), None, Some(0)], "wwp", 2), vec![1]);
    }

    #[test]
    fn a_comma_between_conjuncts_sees_both_sides() {
        // apples(0) root, ,(1), pears(2) → apples, and(3) → plums, plums(4) → apples
        let heads = [None, Some(0), Some(0), Some(4), Some(0)];
        assert_eq!(cands(&heads, "wpwww", 1), vec![0, 2]);
    }

    #[test]
    fn a_closing_quote_climbs_to_the_top() {
        // said(0) root, "(1), go(2) → said, home(3) → go, "(4), .(5)
        let heads = [None, Some(0), Some(0), Some(2), Some(2), Some(0)];
        assert_eq!(cands(&heads, "wpwwpp", 1), vec![0, 2]);
        assert_eq!(cands(&heads, "wpwwpp", 4), vec![3, 2, 0]);
    }

    #[test]
    fn arcs_that_would_cross_are_not_offered() {
        // a(0) → c(2); ,(1); c(2) root; d(3) → a: the arc a–d spans the comma, so the comma
        // may only attach under a node that d's arc does not cross: a or above.
        let heads = [Some(2), Some(2), None, Some(0)];
        let got = cands(&heads, "wpww", 1);
        assert!(got.iter().all(|&c| c == 0 || c == 2), "{got:?}");
        assert!(!got.contains(&3));
    }

    #[test]
    fn degenerate_input_gives_no_candidates() {
        assert!(cands(&[None], "p", 0).is_empty());
        assert!(cands(&[], "", 0).is_empty());
        assert!(cands(&[None, Some(0)], "wp", 5).is_empty());
    }
}
