//! The shipped word clusters (`models/clusters/clusters.bin`): they load, and words that play
//! the same part in news text share a class. Needs no shared data.

use dyad_nlp::clusters::{lower_hash, Clusters, CAP_UNKNOWN, NONE};

fn clusters() -> Clusters {
    Clusters::from_bytes(dyad::models::CLUSTERS_BYTES).expect("embedded clusters load")
}

#[test]
fn embedded_clusters_load_with_three_levels() {
    let c = clusters();
    assert_eq!(c.branching(), &[16, 16, 16]);
    assert!(c.len() > 30_000, "{} words", c.len());
    assert_eq!(c.get("qwzxv-not-a-word"), [NONE; 3]);
}

#[test]
fn words_of_one_kind_share_a_class() {
    let c = clusters();
    // Middle level (256 classes).
    let mid = |w: &str| c.get(w)[1];
    assert_eq!(mid("Tuesday"), mid("thursday"));
    assert_eq!(mid("Moscow"), mid("Beijing"));
    assert_eq!(mid("killed"), mid("arrested"));
    assert_ne!(mid("killed"), mid("Moscow"));
    assert_ne!(mid("the"), mid("minister"));
}

#[test]
fn capitalization_classes_tell_names_from_words() {
    let c = clusters();
    let cap = |w: &str| c.entry_hash(lower_hash(w)).1;
    assert!(
        cap("weapons") <= 1,
        "a common noun is mostly lower case mid-sentence"
    );
    assert!(cap("economy") <= 1);
    assert_eq!(cap("Ukraine"), 4, "a name is capitalized");
    assert_eq!(cap("qwzxv-not-a-word"), CAP_UNKNOWN);
}
