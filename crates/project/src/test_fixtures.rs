//! Codebooks the engine's unit tests share.

/// Two themes of one category: fatigue (`exhausted`, `tired`) and money (`budget`,
/// `funding`).
pub(crate) const FATIGUE_AND_MONEY: &str = r#"
[codebook]
id = "demo"
name = "Demo"
[[category]]
id = "challenge"
name = "Challenges"
[[theme]]
id = "challenge.fatigue"
category = "challenge"
name = "Fatigue"
[[theme.rules]]
any = ["exhausted", "tired"]
[[theme]]
id = "challenge.money"
category = "challenge"
name = "Money"
[[theme.rules]]
any = ["budget", "funding"]
"#;

/// [`FATIGUE_AND_MONEY`] and a second category, actions, with one theme: partners.
pub(crate) fn with_partners() -> String {
    format!(
        "{FATIGUE_AND_MONEY}[[category]]\nid = \"action\"\nname = \"Actions\"\n\
         [[theme]]\nid = \"action.partners\"\ncategory = \"action\"\nname = \"Partners\"\n\
         [[theme.rules]]\nany = [\"partners\"]\n"
    )
}
