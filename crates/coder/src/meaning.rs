//! Closeness in meaning between quotes and themes, from sentence embeddings computed
//! elsewhere (the coder never runs a model; it is handed unit vectors).
//!
//! A theme is represented by the embedding of its definition (category name, theme name,
//! description and include note) and by examples: the codebook's example sentences and
//! quotes a researcher coded to it. A quote's `meaning` feature is its cosine similarity
//! with the definition; its `nearest example` feature the best similarity with any
//! example, so a theme's coded quotes pull similar new quotes toward it.

use verbatim_model::{Codebook, Theme};

/// One example of a theme: where it came from and its embedding.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// What the example is, for explanations (`example: ...`, `coded quote a:12`).
    pub label: String,
    /// Its unit vector.
    pub vector: Vec<f32>,
}

/// The embeddings of every theme of a codebook, in codebook order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThemeVectors {
    /// Each theme's definition vector.
    pub definitions: Vec<Vec<f32>>,
    /// Each theme's examples.
    pub examples: Vec<Vec<Example>>,
}

/// How close a quote is to a theme.
#[derive(Debug, Clone, PartialEq)]
pub struct Closeness {
    /// Cosine similarity with the definition.
    pub definition: f64,
    /// The nearest example and its similarity.
    pub nearest: Option<(f64, String)>,
}

impl ThemeVectors {
    /// Closeness of a quote's vector to theme `theme`.
    pub fn closeness(&self, theme: usize, quote: &[f32]) -> Closeness {
        let definition = self
            .definitions
            .get(theme)
            .map_or(0.0, |d| cosine(d, quote));
        let nearest = self.examples.get(theme).and_then(|examples| {
            examples
                .iter()
                .map(|e| (cosine(&e.vector, quote), &e.label))
                .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
                .map(|(similarity, label)| (similarity, label.clone()))
        });
        Closeness {
            definition,
            nearest,
        }
    }
}

/// The text embedded as a theme's definition.
pub fn definition_text(codebook: &Codebook, theme: &Theme) -> String {
    let category = codebook
        .categories
        .iter()
        .find(|c| c.id == theme.category)
        .map_or(theme.category.as_str(), |c| c.name.as_str());
    let mut parts = vec![format!("{category}: {}.", theme.name)];
    parts.extend(theme.description.clone());
    parts.extend(theme.include.clone());
    parts.join(" ")
}

/// Cosine similarity of two unit vectors, rounded to four decimals so that tiny
/// floating-point differences between machines do not reach the output.
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    (f64::from(dot) * 1e4).round() / 1e4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closeness_takes_the_nearest_example() {
        let vectors = ThemeVectors {
            definitions: vec![vec![1.0, 0.0]],
            examples: vec![vec![
                Example {
                    label: "far".into(),
                    vector: vec![0.0, 1.0],
                },
                Example {
                    label: "near".into(),
                    vector: vec![0.6, 0.8],
                },
            ]],
        };
        let closeness = vectors.closeness(0, &[0.8, 0.6]);
        assert_eq!(closeness.definition, 0.8);
        assert_eq!(closeness.nearest, Some((0.96, "near".to_string())));
        assert_eq!(vectors.closeness(3, &[1.0, 0.0]).definition, 0.0);
    }
}
