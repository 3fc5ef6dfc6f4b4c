//! Each format on small inline snippets, and a never-panics property for every parser.

use dyad_core::Date;
use dyad_dict::{
    parse_actors, parse_agents, parse_discards, parse_issues, parse_verbs, AgentPosition, DictKind,
    Expansion, IssueKind, Link, Severity, TokenKind, VerbSyntax,
};
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> Option<Date> {
    Date::new(y, m, d)
}

#[test]
fn actor_with_synonyms_and_date_restrictions() {
    let src = b"# header\n<!-- a\nmulti-line comment -->\nSERGEY_LAVROV_  # CountryInfo.txt\n+SERGEI_LAVROV\n\t[RUSGOV 19940922-20040712] # UN\n\t[RUSGOV >20040309]\n\t[RUSELI <900101]\n\t[RUSMIL 320101-331108]\n\t[RUSGOV 300101-301231]\n";
    let (d, diags) = parse_actors("t.actors.txt", src);
    assert!(diags.is_empty(), "{diags:?}");
    let e = &d.entries[0];
    assert_eq!((e.line, e.end_line), (4, 10));
    assert_eq!(e.codes[4].from, date(2030, 1, 1));
    assert_eq!(e.names.len(), 2);
    assert!(e.names[0].stop && !e.names[1].stop);
    let c = &e.codes;
    assert_eq!(
        (c[0].from, c[0].until),
        (date(1994, 9, 22), date(2004, 7, 12))
    );
    assert_eq!((c[1].from, c[1].until), (date(2004, 3, 9), None));
    assert_eq!((c[2].from, c[2].until), (None, date(1990, 1, 1)));
    // YY up to 30 is 20YY, else 19YY.
    assert_eq!(
        (c[3].from, c[3].until),
        (date(1932, 1, 1), date(1933, 11, 8))
    );
}

#[test]
fn actor_code_at_prefers_dated_then_default() {
    let src = b"JAMES_BYRNES_ [USAELI] ; CountryInfo.txt\n\t[USAGOV 450703-470121]\n";
    let (d, diags) = parse_actors("t.actors.txt", src);
    assert!(diags.is_empty(), "{diags:?}");
    let e = &d.entries[0];
    assert_eq!(e.code_at(Date::new(1946, 1, 1).unwrap()), Some("USAGOV"));
    assert_eq!(e.code_at(Date::new(1950, 1, 1).unwrap()), Some("USAELI"));
}

#[test]
fn actor_several_codes() {
    let src =
        b"LORIEN  [ELR/GAL]\nJAVIER_DE_CUELLAR_\t[IGOUNO 820101-911231] [ELI]# IGOrulers.txt\n";
    let (d, diags) = parse_actors("t.actors.txt", src);
    assert!(diags.is_empty(), "{diags:?}");
    let codes = |i: usize| {
        d.entries[i]
            .codes
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(0), ["ELR", "GAL"]);
    assert_eq!(codes(1), ["IGOUNO", "ELI"]);
}

#[test]
fn actor_spaces_inside_restrictions_are_accepted() {
    let (d, diags) = parse_actors(
        "t",
        b"HOBBIT\n\t[HOB < 950601]\n\t[HOBGOV 19950601 - 19990815]\n\t[EGYGOV > 140301]\n",
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(d.entries[0].codes.len(), 3);
}

#[test]
fn malformed_actor_lines_give_numbered_diagnostics() {
    let src = b"+ORPHAN\nGOOD [ABC]\n\t[XYZ 2004017-20061201]\n\t[950601-990815]\nNEXT [DEF]\n";
    let (d, diags) = parse_actors("t.actors.txt", src);
    assert_eq!(d.entries.len(), 2);
    let lines: Vec<_> = diags.iter().map(|x| (x.line, x.code)).collect();
    assert_eq!(
        lines,
        [(1, "orphan-synonym"), (3, "bad-code"), (4, "bad-code")]
    );
    assert_eq!(d.entries[0].codes.len(), 1);
    assert!(diags[1]
        .to_string()
        .starts_with("t.actors.txt:3: error[bad-code]"));
}

#[test]
fn latin1_bytes_are_decoded_with_one_warning() {
    let src = b"CURA\xc7AO_ [CUW]\n+S\xc3O_TOM\xc9 [STP]\n";
    let (d, diags) = parse_actors("t.actors.txt", src);
    assert_eq!(d.entries[0].names[0].raw, "CURAÇAO_");
    assert_eq!(d.entries[0].names[1].raw, "SÃO_TOMÉ");
    assert_eq!(diags.len(), 1);
    assert_eq!((diags[0].line, diags[0].code), (0, "invalid-utf8"));
    assert!(diags[0].message.contains("3 byte(s)") && diags[0].message.contains("line 1"));
}

#[test]
fn agents_with_plurals_positions_and_substitutions() {
    let src = b"!PERSON! = MAN, MEN , WOMAN\nATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOVATG] # mj\nPOLICE {} [~COP]\nAMBASSADOR [~GOV]\nHUMAN_RIGHTS_BODY  [NGO~]\nDEPARMENT_OF_ENVIRONMENT [~ENV}\nISLAMIC_EXTREMIST\n";
    let (d, diags) = parse_agents("t.agents.txt", src);
    assert_eq!(d.substitutions[0].values, ["MAN", "MEN", "WOMAN"]);
    let e = &d.entries;
    assert_eq!(e[0].plurals.as_ref().unwrap()[0].raw, "ATTORNEYS_GENERAL");
    assert_eq!(e[1].plurals, Some(vec![]));
    assert_eq!(e[2].plurals, None);
    assert_eq!(
        (e[3].code.as_str(), e[3].position),
        ("NGO", AgentPosition::Prefix)
    );
    assert_eq!((e[4].code.as_str(), e[4].line), ("ENV", 6));
    let got: Vec<_> = diags.iter().map(|x| (x.line, x.severity, x.code)).collect();
    assert_eq!(
        got,
        [
            (6, Severity::Warning, "brace-closes-bracket"),
            (7, Severity::Error, "missing-code")
        ]
    );
}

const PETR1: &str = "<!-- SYNSETS -->\n&CURRENCY\n+DOLLARS\n+GOLDEN_GOBLIN_GALLEONS_\n\n&AUX_\n# comment\n+HAVE\n\n--- ACCORD  [---] ---\nACCORD\nKLM_NOP_+RST [002]\nBREAK { BROKE BROKEN  }\n- SUGGESTED_+ * DEMAND_&CURRENCY  [111]  # tony\n- % * TALKS [030:030]\n- + WAS_ * TO_ ^ FROM $  [174]\n- * DIPLXMATIC  [###]  # -PAS\n- * NOWHERE\n";

#[test]
fn petrarch1_verbs() {
    let (d, diags) = parse_verbs("t.verbs.txt", PETR1.as_bytes());
    assert_eq!(d.syntax, VerbSyntax::Petrarch1);
    assert_eq!(d.synsets.len(), 2);
    assert_eq!(d.synsets[0].members.len(), 2);
    assert!(d.synsets[1].no_plurals && d.synsets[1].name == "AUX");
    assert_eq!(d.synsets[1].members[0].raw, "HAVE");
    let b = &d.blocks[0];
    assert_eq!(
        (b.name.as_str(), b.code.as_deref()),
        ("ACCORD", Some("---"))
    );
    let klm = &b.verbs[1];
    assert_eq!(
        (klm.phrase.text(), klm.head, klm.code.as_deref()),
        ("KLM NOP RST".into(), 2, Some("002"))
    );
    assert_eq!(b.verbs[2].forms.len(), 2);
    let p = &b.patterns[0];
    assert_eq!(p.code, "111");
    assert_eq!(p.comment.as_deref(), Some("tony"));
    let kinds: Vec<_> = p.tokens.iter().map(|t| (t.kind.clone(), t.link)).collect();
    assert_eq!(
        kinds,
        [
            (TokenKind::Word("SUGGESTED".into()), Link::Start),
            (TokenKind::Target, Link::Adjacent),
            (TokenKind::Verb, Link::Gap),
            (TokenKind::Word("DEMAND".into()), Link::Gap),
            (TokenKind::Synset("CURRENCY".into()), Link::Adjacent),
        ]
    );
    assert_eq!(b.patterns[1].tokens[0].kind, TokenKind::Compound);
    assert_eq!(b.patterns[1].code, "030:030");
    let roles: Vec<_> = b.patterns[2]
        .tokens
        .iter()
        .map(|t| t.kind.clone())
        .collect();
    assert!(roles.contains(&TokenKind::Skip) && roles.contains(&TokenKind::Source));
    assert_eq!(b.patterns[3].code, "###");
    let got: Vec<_> = diags.iter().map(|x| (x.line, x.code)).collect();
    assert_eq!(got, [(18, "missing-code")]);
}

#[test]
fn petrarch2_verbs_with_groups_and_transformations() {
    let src = "&FOOD\n+BREAD\n\n---  ACCELERATE   [---]  ---\nHURRY {HURRIES HURRYING HURRIED }\n+ASK_FOR {+ASKED_FOR +ASKING_FOR} [020]\n- * (TO {BANNED PARTIES}) $   [1722]   # ADD\n- * (TO/FOR PROTEST) &FOOD &NOSUCH [141]\n\n~ a (a b ATTACK) SAY = a b 015\n";
    let (d, diags) = parse_verbs("CAMEO.2.0.txt", src.as_bytes());
    assert_eq!(d.syntax, VerbSyntax::Petrarch2);
    assert_eq!(d.transformations[0].rhs, "a b 015");
    let b = &d.blocks[0];
    assert_eq!(b.verbs[1].phrase.text(), "ASK FOR");
    assert_eq!(b.verbs[1].forms[0].text(), "ASKED FOR");
    let kinds: Vec<_> = b.patterns[0]
        .tokens
        .iter()
        .map(|t| t.kind.clone())
        .collect();
    assert_eq!(
        kinds,
        [
            TokenKind::Verb,
            TokenKind::OpenPrep,
            TokenKind::Word("TO".into()),
            TokenKind::OpenNoun,
            TokenKind::Word("BANNED".into()),
            TokenKind::Word("PARTIES".into()),
            TokenKind::CloseNoun,
            TokenKind::ClosePrep,
            TokenKind::Source,
        ]
    );
    assert_eq!(
        b.patterns[1].tokens[2].kind,
        TokenKind::Alternatives(vec!["TO".into(), "FOR".into()])
    );
    let got: Vec<_> = diags.iter().map(|x| (x.line, x.code)).collect();
    assert_eq!(got, [(8, "undefined-synset")]);
}

#[test]
fn discards() {
    let src = b"# Story-level discards are indicated with a '+'\nMONTHS LATER\n+World Golf Championships   # pas\nBASEBALL_   \n+\n";
    let (d, diags) = parse_discards("t.discards.txt", src);
    assert_eq!(d.entries.len(), 3);
    assert!(!d.entries[0].story && d.entries[1].story && d.entries[2].phrase.stop);
    assert_eq!(d.entries[1].phrase.text(), "World Golf Championships");
    assert_eq!((diags[0].line, diags[0].code), (5, "empty-phrase"));
}

#[test]
fn issues() {
    let src = b"# Phoenix\n<ISSUE CATEGORY=\"EDUCATION\" TYPE=\"ALL\">\nn:preschool [EARLY_CHILDHOOD_EDUCATION]\npre+n:school [EARLY]\n~a head start\n~~Armenian genocide  # not coding historical cases\neuropean central bank\nv:block m:site [CENSOR]\n</ISSUE>\n";
    let (d, diags) = parse_issues("t.IssueCoding.txt", src);
    assert_eq!(d.categories[0].name, "EDUCATION");
    assert_eq!(d.categories[0].kind.as_deref(), Some("ALL"));
    let e = &d.entries;
    assert_eq!(e.len(), 6);
    assert_eq!(e[0].words[0].expansion, Some(Expansion::Noun));
    assert!(e[1].words[1].hyphen_or_space && e[1].words[1].text == "school");
    assert_eq!(
        (e[2].kind, e[3].kind),
        (IssueKind::Ignore, IssueKind::Ignore)
    );
    assert_eq!(
        (e[4].code.as_deref(), e[4].category.as_deref()),
        (None, Some("EDUCATION"))
    );
    assert_eq!(e[5].words[1].expansion, Some(Expansion::Unknown('m')));
    let got: Vec<_> = diags.iter().map(|x| (x.line, x.code)).collect();
    assert_eq!(got, [(8, "unknown-expansion")]);
}

#[test]
fn file_kinds_by_name() {
    for (name, kind) in [
        ("Phoenix.Countries.actors.txt", Some(DictKind::Actors)),
        ("Phoenix.agents.txt", Some(DictKind::Agents)),
        ("PETR.Validate.verbs.txt", Some(DictKind::Verbs)),
        ("CAMEO.2.0.txt", Some(DictKind::Verbs)),
        ("Phoenix.discards.txt", Some(DictKind::Discards)),
        ("Phoenix.IssueCoding.txt", Some(DictKind::Issues)),
        ("Phoenix.prepositions.txt", None),
        ("GigaWord.sample.PETR.xml", None),
    ] {
        assert_eq!(DictKind::of_name(name), kind, "{name}");
    }
}

proptest! {
    #[test]
    fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_actors("p", &bytes);
        let _ = parse_agents("p", &bytes);
        let _ = parse_verbs("p", &bytes);
        let _ = parse_discards("p", &bytes);
        let _ = parse_issues("p", &bytes);
    }

    #[test]
    fn parsers_never_panic_on_dictionary_like_text(
        s in "([-+&~\\[\\]{}()<>!#;_ \t*$^%/:=0-9A-Za-zÇ\n]|<!--|-->|---){0,120}"
    ) {
        let b = s.as_bytes();
        let _ = parse_actors("p", b);
        let _ = parse_agents("p", b);
        let _ = parse_verbs("p", b);
        let _ = parse_discards("p", b);
        let _ = parse_issues("p", b);
    }
}
