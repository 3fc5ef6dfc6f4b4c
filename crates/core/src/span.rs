use std::ops::Range;

/// A half-open byte range `[start, end)` into an article's text.
///
/// Offsets are `u32`: an article is capped far below 4 GiB by the readers' size limit, and the
/// smaller type halves the memory of the token tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// First byte of the span.
    pub start: u32,
    /// One past the last byte of the span.
    pub end: u32,
}

impl Span {
    /// Makes a span; `start` must not exceed `end`.
    #[inline]
    pub fn new(start: u32, end: u32) -> Span {
        debug_assert!(start <= end, "span start {start} after end {end}");
        Span { start, end }
    }

    /// Makes a span from `usize` offsets, as string APIs return them.
    #[inline]
    pub fn from_usize(start: usize, end: usize) -> Span {
        Span::new(start as u32, end as u32)
    }

    /// Length in bytes.
    #[inline]
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// True when the span covers no byte.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The span as a `usize` range, for slicing.
    #[inline]
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// True when `other` lies entirely inside this span.
    #[inline]
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}
