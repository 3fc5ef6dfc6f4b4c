//! The vocabulary every dyad stage speaks.
//!
//! Input: nothing; this crate is the bottom of the workspace and depends on no other dyad crate.
//! Output: the types the stages pass along: [`Article`] (what a reader produces), [`Doc`] (an
//! article plus its stand-off annotation: struct-of-arrays [`Tokens`] and [`Sentences`], every
//! one a [`Span`] of byte offsets into the article text), [`Date`] and [`Published`] for
//! publication dates, [`Diagnostic`] for things worth telling a user about one article, and
//! [`RecordError`] for a record that could not be read at all.
//!
//! Serialization is deliberately absent: output shapes live in `dyad-io`.
//!
//! ```
//! use dyad_core::{Article, Doc, Span};
//!
//! let article = Article::new("a1", "Lavrov met Kuleba.");
//! let mut doc = Doc::new(article);
//! doc.tokens.push(Span::new(0, 6));
//! assert_eq!(doc.text_of(doc.tokens.span(0)), "Lavrov");
//! ```
#![deny(missing_docs)]

pub mod cameo;
pub mod codec;
pub mod plover;

mod article;
mod date;
mod doc;
mod error;
mod span;

pub use article::{Article, Published};
pub use date::{Date, DateTime};
pub use doc::{Diagnostic, Doc, Entity, Sentences, Severity, TokenTags, Tokens, ROOT};
pub use error::{RecordError, RecordErrorKind};
pub use span::Span;
