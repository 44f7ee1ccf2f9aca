//! Sentence embeddings for Verbatim's coder.
//!
//! A sentence-transformers BERT model (all-MiniLM-L6-v2 by default) is installed once into
//! the user's data folder ([`install`]), verified by checksum or by the shapes of its
//! tensors, and run on the CPU with candle ([`encoder`]): WordPiece tokens, six layers,
//! mean pooling over the real tokens and L2 normalisation, as sentence-transformers does.
//!
//! For large rounds, [`distilled`] holds a static embedding distilled from the same model
//! as model2vec does (one vector per token, a sentence is their weighted mean): far faster,
//! somewhat less exact. [`Embedder`] gives either behind one interface.

pub mod distilled;
pub mod embedder;
pub mod encoder;
mod error;
pub mod install;

pub use distilled::Distilled;
pub use embedder::{Embedder, EmbedderKind};
pub use encoder::Encoder;
pub use error::SemanticError;
