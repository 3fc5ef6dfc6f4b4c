//! Every dictionary parser (TABARI/PETRARCH and dyad's own) and the lexicon compiler on arbitrary bytes: a dictionary is user data, so no
//! input may panic, and every diagnostic must point at a line that exists.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lines = data.split(|&b| b == b'\n').count() as u32;
    let check = |diagnostics: Vec<dyad_dict::Diagnostic>| {
        for d in diagnostics {
            assert!(d.line <= lines, "diagnostic at line {} of a {lines}-line input", d.line);
        }
    };
    check(dyad_dict::parse_actors("f.actors.txt", data).1);
    check(dyad_dict::parse_agents("f.agents.txt", data).1);
    check(dyad_dict::parse_verbs("f.verbs.txt", data).1);
    check(dyad_dict::parse_discards("f.discards.txt", data).1);
    check(dyad_dict::parse_issues("f.IssueCoding.txt", data).1);
    // dyad's own format, and the compiled lexicon of everything read.
    let mut d = dyad_dict::Dictionaries::default();
    for (kind, name) in [
        (dyad_dict::DictKind::Actors, "actors/f.tsv"),
        (dyad_dict::DictKind::Agents, "agents.tsv"),
        (dyad_dict::DictKind::Verbs, "verbs.tsv"),
        (dyad_dict::DictKind::Discards, "discards.tsv"),
    ] {
        check(d.add_own(kind, name, data));
        check(d.add(kind, name, data));
    }
    let _ = dyad_coder::Lexicon::compile(&d);
});
