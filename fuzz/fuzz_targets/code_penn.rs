//! A supplied Penn parse is untrusted input: reading it, converting it to dependencies and
//! coding the result must never panic, and a parse that is accepted must give a tree (one
//! root, no cycle) whose words all lie inside the text.
#![no_main]

use std::sync::OnceLock;

use dyad_coder::{penn, Coder, Context, Lexicon};
use libfuzzer_sys::fuzz_target;

fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| {
        let mut d = dyad_dict::Dictionaries::default();
        d.add_own(dyad_dict::DictKind::Actors, "actors/a.tsv", b"ARN\tArnor\nGON\tGondor | Minas Tirith\n");
        d.add_own(dyad_dict::DictKind::Agents, "agents.tsv", b"GOV\tminister\n");
        d.add_own(dyad_dict::DictKind::Verbs, "verbs.tsv", b"040\t[meet] with +\n190\t[attack]\n1246\t! [discuss] ceasefire\n");
        Lexicon::compile(&d)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    // The first line is the text, the rest the parse.
    let (text, parse) = s.split_once('\n').unwrap_or((s, s));
    let Ok(tree) = penn::parse_tree(parse) else { return };
    let sent = penn::to_sent(&tree, text, &|w, _| w.to_lowercase());
    assert!(sent.is_tree(), "not a tree: {:?}", sent.head);
    for w in &sent.words {
        assert!(w.span.end as usize <= text.len() && w.span.start <= w.span.end);
    }
    let date = dyad_core::Date::new(2022, 3, 10).unwrap();
    let _ = Coder::new(lexicon()).code(&sent, date, &mut Context::default());
});
