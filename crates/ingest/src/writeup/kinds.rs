//! What kind of organisation a name or a role phrase points to, and where it is.

/// Infers the sector from an organisation name or a role phrase: `Gwent Police` ->
/// police, `Bradford Institute for Health Research` -> research, `The Cellar Trust` ->
/// voluntary, `NHS trust` -> health. `None` when nothing gives it away.
pub fn infer_sector(text: &str) -> Option<&'static str> {
    let lower = format!(
        " {} ",
        text.to_lowercase().replace(['\'', '’', ',', '(', ')'], " ")
    );
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(&format!(" {w} ")));
    let has_prefix = |words: &[&str]| words.iter().any(|w| lower.contains(&format!(" {w}")));
    if has(&[
        "police",
        "constabulary",
        "psni",
        "constable",
        "superintendent",
        "inspector",
        "sergeant",
        "policing",
    ]) {
        return Some("police");
    }
    if has(&["institute", "research"]) {
        return Some("research");
    }
    if has(&[
        "university",
        "vice chancellor",
        "vice-chancellor",
        "pro vice-chancellor",
    ]) {
        return Some("university");
    }
    if has(&[
        "theatre",
        "theater",
        "playhouse",
        "museum",
        "gallery",
        "arts",
        "orchestra",
        "opera",
    ]) {
        return Some("arts");
    }
    if has(&[
        "nhs",
        "ccg",
        "ccgs",
        "clinical",
        "hospital",
        "hospitals",
        "health",
        "healthcare",
        "gp",
        "ambulance",
    ]) || has_prefix(&["commissioning"])
    {
        return Some("health");
    }
    if has(&[
        "council",
        "councils",
        "borough",
        "councillor",
        "mayor",
        "authority",
        "county",
    ]) {
        return Some("council");
    }
    if has(&[
        "charity",
        "voluntary",
        "community",
        "hub",
        "trust",
        "foundation",
        "network",
        "association",
        "cvs",
        "volunteers",
        "volunteer",
        "third",
        "faith",
        "church",
        "mosque",
        "food",
    ]) {
        return Some("voluntary");
    }
    None
}

/// Words that name the kind of an organisation rather than its place.
const KIND_WORDS: &[&str] = &[
    "council",
    "borough",
    "county",
    "city",
    "metropolitan",
    "district",
    "police",
    "service",
    "constabulary",
    "university",
    "nhs",
    "ccg",
    "clinical",
    "commissioning",
    "group",
    "trust",
    "foundation",
    "hospital",
    "hospitals",
    "teaching",
    "health",
    "board",
    "playhouse",
    "theatre",
    "institute",
    "research",
    "for",
    "of",
    "the",
    "and",
    "community",
    "hub",
    "partnership",
    "college",
    "authority",
    "fire",
    "rescue",
    "care",
    "integrated",
    "museum",
    "network",
    "combined",
    "unitary",
    "royal",
    "&",
];

/// Infers the area an organisation serves from its name, for the usual public-sector
/// shapes: `Hounslow council` -> Hounslow, `Police Scotland` -> Scotland, `University of
/// Essex` -> Essex, `Police Service of Northern Ireland` -> Northern Ireland. Names that
/// do not start or end with a place (`The Cellar Trust`) give `None`.
pub fn infer_area(organisation: &str) -> Option<String> {
    let cleaned = organisation.replace(['’'], "'");
    let words: Vec<&str> = cleaned
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| c == ',' || c == '(' || c == ')'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words[0].eq_ignore_ascii_case("the") {
        return None;
    }
    let is_kind = |w: &str| KIND_WORDS.contains(&w.trim_end_matches("'s").to_lowercase().as_str());
    let has_public_kind = words.iter().any(|w| {
        let lower = w.to_lowercase();
        matches!(
            lower.as_str(),
            "council"
                | "police"
                | "constabulary"
                | "university"
                | "nhs"
                | "ccg"
                | "borough"
                | "county"
                | "hospital"
                | "hospitals"
                | "commissioning"
                | "authority"
                | "playhouse"
                | "theatre"
                | "institute"
                | "board"
                | "college"
                | "hub"
                | "network"
        )
    });
    if !has_public_kind {
        return None;
    }
    let place: Vec<&str> = words
        .iter()
        .copied()
        .skip_while(|w| is_kind(w))
        .take_while(|w| !is_kind(w))
        .map(|w| w.trim_end_matches("'s"))
        .collect();
    let starts_upper = place
        .first()
        .and_then(|w| w.chars().next())
        .is_some_and(char::is_uppercase);
    let plausible = !place.is_empty() && place.len() <= 4 && starts_upper;
    plausible.then(|| place.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sectors_from_organisations_and_roles() {
        for (text, sector) in [
            ("Gwent Police", Some("police")),
            ("Police Scotland", Some("police")),
            ("Bradford Institute for Health Research", Some("research")),
            ("Edinburgh University", Some("university")),
            ("Leeds Playhouse", Some("arts")),
            ("North West London CCG", Some("health")),
            ("Wigan's Clinical Commissioning Group", Some("health")),
            ("Leeds Teaching Hospitals NHS Trust", Some("health")),
            ("Hounslow council", Some("council")),
            ("Council Leader", Some("council")),
            ("The Cellar Trust", Some("voluntary")),
            ("Hounslow Community Hub", Some("voluntary")),
            ("Joint health and social care leader", Some("health")),
            ("Vice chancellor, University", Some("university")),
            ("Chief executive, voluntary organisation", Some("voluntary")),
            ("Acme Widgets Ltd", None),
        ] {
            assert_eq!(infer_sector(text), sector, "{text}");
        }
    }

    #[test]
    fn areas_from_organisation_names() {
        for (organisation, area) in [
            ("Hounslow council", Some("Hounslow")),
            ("Police Scotland", Some("Scotland")),
            ("University of Essex", Some("Essex")),
            (
                "Police Service of Northern Ireland",
                Some("Northern Ireland"),
            ),
            ("Surrey County Council", Some("Surrey")),
            ("City of Edinburgh council", Some("Edinburgh")),
            (
                "North West London Clinical Commissioning Group",
                Some("North West London"),
            ),
            ("Leeds Teaching Hospitals NHS Trust", Some("Leeds")),
            ("Bradford Institute for Health Research", Some("Bradford")),
            ("The Cellar Trust", None),
            ("RSA", None),
        ] {
            assert_eq!(infer_area(organisation).as_deref(), area, "{organisation}");
        }
    }
}
