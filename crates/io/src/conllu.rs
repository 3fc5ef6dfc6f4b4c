//! CoNLL-U reader (gold tokenization and sentences for evaluation).
