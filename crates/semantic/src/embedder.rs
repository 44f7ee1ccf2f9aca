//! One interface over the two ways of embedding text: the transformer itself, exact and
//! slow, or the static embedding distilled from it, fast and approximate.

use crate::SemanticError;
use crate::distilled::Distilled;
use crate::encoder::Encoder;
use crate::install::ModelFiles;

/// Which embedding [`Embedder::load`] should give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmbedderKind {
    /// The sentence model run on every text ([`Encoder`]).
    Transformer,
    /// The static embedding distilled from it ([`Distilled`]).
    Distilled,
}

/// A loaded embedding of either kind.
#[derive(Debug)]
pub enum Embedder {
    /// The sentence model run on every text.
    Transformer(Encoder),
    /// The static embedding distilled from it.
    Distilled(Distilled),
}

impl Embedder {
    /// Loads the embedding of `kind` for the model in `files`.
    ///
    /// For [`EmbedderKind::Distilled`] the table saved in the model's folder is used; when
    /// there is none, or it is damaged or stale (it is only a cache of the model), it is
    /// distilled now from the transformer and saved, so only the first use pays the 20 to
    /// 50 s that takes (in a release build). An error saving it is reported rather than
    /// ignored, since the cost would otherwise be paid again on every use.
    pub fn load(files: &ModelFiles, kind: EmbedderKind) -> Result<Self, SemanticError> {
        match kind {
            EmbedderKind::Transformer => Encoder::load(files).map(Self::Transformer),
            EmbedderKind::Distilled => {
                match Distilled::load(files) {
                    Ok(Some(distilled)) => return Ok(Self::Distilled(distilled)),
                    Ok(None) | Err(SemanticError::Invalid { .. }) => {}
                    // Failing to read an existing table is not a reason to overwrite it.
                    Err(other) => return Err(other),
                }
                let distilled = Distilled::distil(&Encoder::load(files)?, files)?;
                distilled.save(&Distilled::path(files))?;
                Ok(Self::Distilled(distilled))
            }
        }
    }

    /// The embedding's name: the model's, with `-static` for the distilled one.
    pub fn name(&self) -> &str {
        match self {
            Self::Transformer(encoder) => encoder.name(),
            Self::Distilled(distilled) => distilled.name(),
        }
    }

    /// Length of every vector.
    pub fn dimensions(&self) -> usize {
        match self {
            Self::Transformer(encoder) => encoder.dimensions(),
            Self::Distilled(distilled) => distilled.dimensions(),
        }
    }

    /// One unit vector per text, in order (the zero vector for a text the distilled
    /// embedding finds no token in).
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, SemanticError> {
        match self {
            Self::Transformer(encoder) => encoder.embed(texts),
            Self::Distilled(distilled) => distilled.embed(texts),
        }
    }
}
