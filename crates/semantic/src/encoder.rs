//! Running a sentence-transformers BERT model on the CPU: text in, one unit vector out.
//!
//! The pipeline is sentence-transformers' own: WordPiece tokens with `[CLS]`/`[SEP]`,
//! truncated to the model's `max_seq_length`; the transformer; the mean of the last
//! hidden states over the real tokens; L2 normalisation. Texts are batched only with
//! texts of the same token count, so no padding ever enters a sum and a text's vector is
//! the same whether it is embedded alone, in a large round or in an incremental run.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use rayon::prelude::*;
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use crate::SemanticError;
use crate::install::ModelFiles;

/// Texts of one token count run through the transformer together, at most this many.
const BATCH: usize = 16;

/// The sequence length sentence-transformers uses when a model folder does not say.
const DEFAULT_MAX_TOKENS: usize = 256;

/// A loaded model, ready to embed text.
pub struct Encoder {
    model: BertModel,
    tokenizer: Tokenizer,
    dimensions: usize,
    name: String,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("name", &self.name)
            .field("dimensions", &self.dimensions)
            .finish()
    }
}

impl Encoder {
    /// Loads a verified model's weights and tokenizer.
    pub fn load(files: &ModelFiles) -> Result<Self, SemanticError> {
        let config: Config =
            serde_json::from_slice(&read(&files.config)?).map_err(|e| SemanticError::Invalid {
                path: files.config.clone(),
                message: format!("not a BERT configuration: {e}"),
            })?;
        let weights = read(&files.weights)?;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu)?;
        let model = BertModel::load(vb, &config)?;
        let mut tokenizer =
            Tokenizer::from_file(&files.tokenizer).map_err(|e| SemanticError::Invalid {
                path: files.tokenizer.clone(),
                message: e.to_string(),
            })?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                direction: TruncationDirection::Right,
                max_length: max_tokens(&files.dir),
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
            }))
            .map_err(|e| SemanticError::Tokenizer(e.to_string()))?;
        Ok(Encoder {
            model,
            tokenizer,
            dimensions: files.hidden_size,
            name: files.name.clone(),
        })
    }

    /// The model's name, as installed.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Length of every vector.
    pub fn dimensions(&self) -> usize {
        self.dimensions
    }

    /// The word-piece ids the model reads for `text`, `[CLS]` and `[SEP]` included.
    pub fn token_ids(&self, text: &str) -> Result<Vec<u32>, SemanticError> {
        self.tokenizer
            .encode(text, true)
            .map(|encoding| encoding.get_ids().to_vec())
            .map_err(|e| SemanticError::Tokenizer(e.to_string()))
    }

    /// One unit vector per text, in order. Batches run in parallel on every core.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, SemanticError> {
        let ids: Vec<Vec<u32>> = texts
            .par_iter()
            .map(|text| self.token_ids(text))
            .collect::<Result<_, _>>()?;
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| (ids[i].len(), i));
        let batches: Vec<&[usize]> = order
            .chunk_by(|&a, &b| ids[a].len() == ids[b].len())
            .flat_map(|same_length| same_length.chunks(BATCH))
            .collect();
        let computed: Vec<Vec<Vec<f32>>> = batches
            .par_iter()
            .map(|batch| self.run(batch.iter().map(|&i| ids[i].as_slice())))
            .collect::<Result<_, _>>()?;
        let mut vectors = vec![Vec::new(); texts.len()];
        for (batch, batch_vectors) in batches.iter().zip(computed) {
            for (&i, vector) in batch.iter().zip(batch_vectors) {
                vectors[i] = vector;
            }
        }
        Ok(vectors)
    }

    /// The transformer over texts of one token count: mean-pooled, normalised.
    fn run<'a>(
        &self,
        batch: impl ExactSizeIterator<Item = &'a [u32]>,
    ) -> Result<Vec<Vec<f32>>, SemanticError> {
        let pooled = self.pooled(batch)?;
        Ok(pooled.into_iter().map(normalised).collect())
    }

    /// The transformer over id sequences of one length (special tokens included, as the
    /// caller gives them): the mean of the last hidden states of each sequence, not
    /// normalised. Distillation needs the raw means, whose lengths carry information.
    pub(crate) fn pooled<'a>(
        &self,
        batch: impl ExactSizeIterator<Item = &'a [u32]>,
    ) -> Result<Vec<Vec<f32>>, SemanticError> {
        let rows = batch.len();
        let mut flat = Vec::new();
        let mut length = None;
        for ids in batch {
            // Rows of different lengths would be reshaped into the wrong sequences.
            if *length.get_or_insert(ids.len()) != ids.len() {
                return Err(SemanticError::Model(candle_core::Error::Msg(
                    "sequences of one batch must have one length".to_owned(),
                )));
            }
            flat.extend_from_slice(ids);
        }
        let length = length.unwrap_or(0);
        if length == 0 {
            return Ok(vec![vec![0.0; self.dimensions]; rows]);
        }
        let input = Tensor::from_vec(flat, (rows, length), &Device::Cpu)?;
        let types = input.zeros_like()?;
        let hidden = self.model.forward(&input, &types, None)?;
        let pooled = (hidden.sum(1)? / length as f64)?;
        Ok(pooled.to_vec2()?)
    }
}

/// Scales a vector to length 1 (a zero vector stays zero).
pub fn normalised(mut vector: Vec<f32>) -> Vec<f32> {
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    vector.iter_mut().for_each(|x| *x /= norm);
    vector
}

/// The model's sequence length: `max_seq_length` of `sentence_bert_config.json`.
fn max_tokens(dir: &Path) -> usize {
    std::fs::read(dir.join("sentence_bert_config.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|config| config.get("max_seq_length")?.as_u64())
        .map_or(DEFAULT_MAX_TOKENS, |n| n as usize)
}

fn read(path: &Path) -> Result<Vec<u8>, SemanticError> {
    std::fs::read(path).map_err(|source| SemanticError::Io {
        path: path.to_path_buf(),
        source,
    })
}
