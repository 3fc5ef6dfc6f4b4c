//! dyad's event coder: from a dependency-parsed sentence and compiled dictionaries to
//! CAMEO events with their provenance.
//!
//! - [`sent`]: the coder's view of a sentence ([`Sent`]), from dyad's own annotation or
//! - [`penn`]: from a supplied Penn Treebank parse, converted to dependencies by head rules;
//! - [`lexicon`]: dictionaries compiled into phrase indexes and trigger-indexed patterns;
//! - [`code`]: the coder itself ([`Coder`]).
//!
//! No I/O happens here: dictionaries arrive as a [`dyad_dict::Dictionaries`] model, sentences
//! as [`Sent`]s, and the output is plain data.
//!
//! ```
//! use dyad_coder::{penn, Coder, Context, Lexicon};
//! use dyad_core::Date;
//! use dyad_dict::Dictionaries;
//!
//! let mut d = Dictionaries::default();
//! d.add_own(dyad_dict::DictKind::Actors, "actors.tsv", b"ARN\tArnor\nGON\tGondor\n");
//! d.add_own(dyad_dict::DictKind::Verbs, "verbs.tsv", b"040\t[meet] with +\n");
//! let lex = Lexicon::compile(&d);
//! let text = "Arnor met with Gondor.";
//! let tree = penn::parse_tree("(ROOT (S (NP (NNP Arnor)) (VP (VBD met) (PP (IN with) (NP (NNP Gondor)))) (. .)))").unwrap();
//! let sent = penn::to_sent(&tree, text, &|w, t| if t == "VBD" && w == "met" { "meet".into() } else { w.to_lowercase() });
//! let coded = Coder::new(&lex).code(&sent, Date::new(2022, 3, 10).unwrap(), &mut Context::default());
//! let e = &coded.events[0];
//! assert_eq!((e.source.as_ref().unwrap().code.as_str(), e.code.as_str(), e.target.as_ref().unwrap().code.as_str()), ("ARN", "040", "GON"));
//! ```
#![deny(missing_docs)]

pub mod code;
pub mod document;
mod finish;
pub mod lexicon;
pub mod penn;
pub mod sent;
pub mod timex;
pub mod words;

pub use code::{
    ActorRef, Coded, CodedActor, Coder, Config, Context, Discard, Event, Mention, Repair,
    Suppressed, Trigger, When,
};
pub use document::Focus;
pub use lexicon::{Found, Lexicon, Origin};
pub use sent::{Rel, Sent, TreeIndex, Word};
