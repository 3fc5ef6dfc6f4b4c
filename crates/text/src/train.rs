//! Training the sentence-boundary model: an averaged perceptron over the hashed features of every
//! candidate boundary in gold-segmented text. Deterministic: the example order comes from a fixed
//! seed.

use crate::model::{self, Model, N_FEATURES};
use crate::segment;

/// One training text and where its gold sentences end.
#[derive(Debug, Clone, Copy)]
pub struct TrainDoc<'a> {
    /// The text, as the segmenter will see it.
    pub text: &'a str,
    /// Byte offsets where gold sentences end (exclusive), ascending.
    pub sentence_ends: &'a [u32],
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainConfig {
    /// The weight table has `2^bits` entries.
    pub bits: u8,
    /// Passes over the examples.
    pub epochs: u32,
    /// Seed of the example shuffle.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            bits: 18,
            epochs: 8,
            seed: 0x5eed_d7ad,
        }
    }
}

/// A trained model and what training saw.
#[derive(Debug, Clone)]
pub struct Trained {
    /// The model file's bytes (`boundary.bin`).
    pub bytes: Vec<u8>,
    /// Candidate boundaries the model learned from.
    pub examples: usize,
    /// Of those, how many were gold sentence ends.
    pub positives: usize,
    /// Gold sentence ends the rules make without the model.
    pub rule_ends: usize,
    /// Gold sentence ends that are neither a candidate nor a rule-made end (the segmenter cannot
    /// find them: inside a token, or ruled out).
    pub unreachable: usize,
    /// Accuracy of the final model on its own training candidates, in percent.
    pub train_accuracy: f64,
}

/// Trains a boundary model.
pub fn train(docs: &[TrainDoc<'_>], config: &TrainConfig) -> Trained {
    let mut feats: Vec<u32> = Vec::new();
    let mut labels: Vec<bool> = Vec::new();
    let probe = Model::zeros(config.bits);
    let mut rule_ends = 0;
    let mut unreachable = 0;
    for doc in docs {
        let gold = doc.sentence_ends;
        let mut buf = [0u64; N_FEATURES];
        let mut window = model::Window::default();
        let mut reached = 0;
        let mut reached_rules = 0;
        segment::for_each_candidate(
            doc.text,
            |ctx, first, i| {
                model::features(ctx, first, i, &mut window, &mut buf);
                feats.extend(buf.iter().map(|&h| probe.index(h) as u32));
                let end = ctx.tokens.span(i).end;
                let y = gold.binary_search(&end).is_ok();
                labels.push(y);
                reached += usize::from(y);
                false
            },
            |end| {
                if gold.binary_search(&end).is_ok() {
                    rule_ends += 1;
                    reached_rules += 1;
                }
            },
        );
        unreachable += gold.len() - (reached + reached_rules).min(gold.len());
    }
    let n = labels.len();
    let size = 1usize << config.bits;
    let mut w = vec![0f32; size];
    let mut u = vec![0f32; size];
    let mut c = 1f32;
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = config.seed | 1;
    for _ in 0..config.epochs {
        // Fisher-Yates with xorshift64*, so that every run sees the same order.
        for k in (1..n).rev() {
            rng ^= rng >> 12;
            rng ^= rng << 25;
            rng ^= rng >> 27;
            let r = rng.wrapping_mul(0x2545_f491_4f6c_dd1d);
            order.swap(k, (r % (k as u64 + 1)) as usize);
        }
        for &e in &order {
            let x = &feats[e * N_FEATURES..(e + 1) * N_FEATURES];
            let score: f32 = x.iter().map(|&j| w[j as usize]).sum();
            let y = labels[e];
            if (score > 0.0) != y {
                let d = if y { 1.0 } else { -1.0 };
                for &j in x {
                    w[j as usize] += d;
                    u[j as usize] += c * d;
                }
            }
            c += 1.0;
        }
    }
    let weights: Vec<f32> = w.iter().zip(&u).map(|(w, u)| w - u / c).collect();
    let model = Model {
        bits: config.bits,
        threshold: 0.0,
        weights,
        quantized: None,
    };
    let correct = (0..n)
        .filter(|&e| {
            let x = &feats[e * N_FEATURES..(e + 1) * N_FEATURES];
            let s: f32 = x.iter().map(|&j| model.weights[j as usize]).sum();
            (s > 0.0) == labels[e]
        })
        .count();
    Trained {
        bytes: model.to_bytes(),
        examples: n,
        positives: labels.iter().filter(|&&y| y).count(),
        rule_ends,
        unreachable,
        train_accuracy: if n == 0 {
            0.0
        } else {
            100.0 * correct as f64 / n as f64
        },
    }
}
