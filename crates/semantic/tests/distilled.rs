//! The static embedding distilled from the installed model, against the model itself.
//!
//! Needs the installed all-MiniLM-L6-v2 (`verbatim model add`), like `reference.rs`:
//! `VERBATIM_REQUIRE_MODEL=1` turns a missing model into a failure, otherwise the tests
//! say so and check nothing. Loading goes through `Embedder::load`, so when the model's
//! folder has no `distilled.bin` yet the tests distil and save it, once per run. That
//! takes 20 to 50 s in an optimised build but half an hour in an unoptimised one, so an
//! unoptimised build without a saved table does not try: it skips, or with
//! `VERBATIM_REQUIRE_MODEL=1` fails saying how to make the table
//! (`cargo test --release -p verbatim-semantic --test distilled` once).

use std::sync::LazyLock;

use verbatim_semantic::install::{KNOWN_NAME, ModelFiles, find, models_dir};
use verbatim_semantic::{Distilled, Embedder, EmbedderKind, Encoder};

fn model() -> Option<ModelFiles> {
    let required = std::env::var("VERBATIM_REQUIRE_MODEL").is_ok_and(|v| v == "1");
    let files = models_dir()
        .ok()
        .and_then(|dir| find(&dir, Some(KNOWN_NAME)).ok().flatten());
    match files {
        Some(files) => Some(files),
        None if required => panic!("VERBATIM_REQUIRE_MODEL=1 but {KNOWN_NAME} is not installed"),
        None => {
            eprintln!("{KNOWN_NAME} not installed: the distilled embedding is not checked");
            None
        }
    }
}

/// Loaded once for all the tests, so concurrent tests do not each distil the table.
static MODELS: LazyLock<Option<(ModelFiles, Encoder, Embedder)>> = LazyLock::new(|| {
    let files = model()?;
    if cfg!(debug_assertions) && !Distilled::path(&files).is_file() {
        let advice = "distilling in an unoptimised build takes half an hour; make the table \
                      once with `cargo test --release -p verbatim-semantic --test distilled`";
        let required = std::env::var("VERBATIM_REQUIRE_MODEL").is_ok_and(|v| v == "1");
        assert!(!required, "{KNOWN_NAME} has no distilled.bin: {advice}");
        eprintln!("{KNOWN_NAME} has no distilled.bin, not checked: {advice}");
        return None;
    }
    let encoder = Encoder::load(&files).expect("the installed model loads");
    let distilled =
        Embedder::load(&files, EmbedderKind::Distilled).expect("the distilled table loads");
    Some((files, encoder, distilled))
});

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Interview-like sentences on eight themes, six each (the order matters to `THEME`).
const SENTENCES: [&str; 48] = [
    "The council and the police now talk every morning.",
    "Police and council leaders speak daily.",
    "Every day starts with a call between the local authority and the constabulary.",
    "We finally have a shared meeting with the police each week.",
    "Partnership working with the fire service and police has really improved.",
    "The agencies sit down together far more often than they used to.",
    "We bought new laptops for the library.",
    "The library got a batch of computers for people to use.",
    "Residents can now borrow tablets and get help getting online.",
    "Digital skills classes for older people have been very popular.",
    "Lots of families still have no broadband at home.",
    "We set up a helpline so people could learn to use video calls.",
    "Volunteers ran the food hub through the whole winter.",
    "The food bank could not have survived without local volunteers.",
    "Neighbours delivered groceries to people who were shielding.",
    "Mutual aid groups sprang up on every street during lockdown.",
    "Church members cooked hot meals for anyone who needed them.",
    "The community pantry is staffed entirely by unpaid helpers.",
    "Our budget was cut by a third this year.",
    "Funding has been slashed and we have lost staff.",
    "There simply is not enough money to keep the service going.",
    "The grant ended in March and nothing replaced it.",
    "We are always chasing short-term funding pots.",
    "Austerity has hollowed out what the council can afford to do.",
    "Data sharing happened in days, not years.",
    "We agreed a data sharing protocol with the hospital very quickly.",
    "Information governance used to block everything, but not anymore.",
    "The NHS and social care can finally see the same records.",
    "Getting access to the health data took months of paperwork.",
    "We now share a single case list with housing and health.",
    "Staff are exhausted after two years of this.",
    "People are burnt out and morale is really low.",
    "Several of my team have gone off sick with stress.",
    "Nobody has had a proper holiday since the pandemic began.",
    "Recruitment is a nightmare and people keep leaving.",
    "The workload never lets up and it is wearing everyone down.",
    "Young people have nowhere to go in the evenings.",
    "The youth club closed and teenagers hang around the park.",
    "Kids lost a year of school and it shows.",
    "Apprenticeships have given some young people a real start.",
    "There are no jobs here for school leavers.",
    "The college runs training courses linked to local employers.",
    "Housing is the biggest problem we face.",
    "Rents have gone up and families are being pushed out.",
    "The waiting list for social housing is years long.",
    "Homeless people were put into hotels during the first lockdown.",
    "Overcrowded flats made isolating impossible for many households.",
    "We need more affordable homes built in the town centre.",
];

/// Measured 0.49 and 27 of 48 when the recipe was chosen (the transformer finds 35 of 48
/// on theme); the floors leave room for float noise, not for a worse recipe.
const SPEARMAN_FLOOR: f64 = 0.4;
const THEME_FLOOR: usize = 22;

/// The theme of `SENTENCES[i]`.
fn theme(i: usize) -> usize {
    i / 6
}

#[test]
fn names_and_sizes() {
    let Some((files, _, distilled)) = &*MODELS else {
        return;
    };
    assert_eq!(distilled.name(), "all-minilm-l6-v2-static");
    assert_eq!(distilled.dimensions(), 384);
    assert!(Distilled::path(files).is_file(), "the table was saved");
    let loaded = Distilled::load(files)
        .expect("load")
        .expect("a saved table");
    assert_eq!(loaded.name(), distilled.name());
    let transformer = Embedder::load(files, EmbedderKind::Transformer).expect("transformer");
    assert_eq!(transformer.name(), KNOWN_NAME);
    assert_eq!(transformer.dimensions(), 384);
}

#[test]
fn vectors_are_unit_length_and_deterministic() {
    let Some((files, _, distilled)) = &*MODELS else {
        return;
    };
    let vectors = distilled.embed(&SENTENCES).expect("embed");
    for (text, vector) in SENTENCES.iter().zip(&vectors) {
        let norm = cosine(vector, vector).sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "{text}: length {norm}");
    }
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    // Alone, in a shuffled batch, and from a freshly loaded table: the same bits.
    let reloaded = Distilled::load(files)
        .expect("load")
        .expect("a saved table");
    let mut shuffled = SENTENCES;
    shuffled.reverse();
    let backwards = reloaded.embed(&shuffled).expect("embed");
    for (i, text) in SENTENCES.iter().enumerate() {
        let alone = &distilled.embed(&[text]).expect("alone")[0];
        assert_eq!(bits(alone), bits(&vectors[i]), "{text}");
        assert_eq!(bits(&backwards[47 - i]), bits(&vectors[i]), "{text}");
    }
}

#[test]
fn clear_cases_are_ordered_as_the_transformer_orders_them() {
    let Some((_, encoder, distilled)) = &*MODELS else {
        return;
    };
    // (anchor, closer, further): unmistakable for a reader.
    let cases = [
        (
            "The council and the police now talk every morning.",
            "Police and council leaders speak daily.",
            "We bought new laptops for the library.",
        ),
        (
            "Our budget was cut by a third this year.",
            "Funding has been slashed and we have lost staff.",
            "Volunteers ran the food hub through the whole winter.",
        ),
        (
            "Staff are exhausted after two years of this.",
            "People are burnt out and morale is really low.",
            "The waiting list for social housing is years long.",
        ),
        (
            "Rents have gone up and families are being pushed out.",
            "We need more affordable homes built in the town centre.",
            "Data sharing happened in days, not years.",
        ),
        (
            "The food bank could not have survived without local volunteers.",
            "Volunteers ran the food hub through the whole winter.",
            "There are no jobs here for school leavers.",
        ),
    ];
    for (anchor, closer, further) in cases {
        for (name, vectors) in [
            ("transformer", encoder.embed(&[anchor, closer, further])),
            ("distilled", distilled.embed(&[anchor, closer, further])),
        ] {
            let v = vectors.expect("embed");
            let (near, far) = (cosine(&v[0], &v[1]), cosine(&v[0], &v[2]));
            assert!(
                near > far,
                "{name}: {anchor:?} is closer to {further:?} ({far}) than to {closer:?} ({near})"
            );
        }
    }
}

/// Spearman's rank correlation of two equally long lists (no ties expected).
fn spearman(a: &[f32], b: &[f32]) -> f64 {
    let ranks = |v: &[f32]| {
        let mut order: Vec<usize> = (0..v.len()).collect();
        order.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
        let mut ranks = vec![0.0; v.len()];
        for (rank, i) in order.into_iter().enumerate() {
            ranks[i] = rank as f64;
        }
        ranks
    };
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let mean = (n - 1.0) / 2.0;
    let covariance: f64 = ra
        .iter()
        .zip(&rb)
        .map(|(x, y)| (x - mean) * (y - mean))
        .sum();
    let variance: f64 = ra.iter().map(|x| (x - mean).powi(2)).sum();
    covariance / variance
}

#[test]
fn similarities_rank_much_as_the_transformer_ranks_them() {
    let Some((_, encoder, distilled)) = &*MODELS else {
        return;
    };
    let exact = encoder.embed(&SENTENCES).expect("transformer");
    let fast = distilled.embed(&SENTENCES).expect("distilled");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for i in 0..SENTENCES.len() {
        for j in i + 1..SENTENCES.len() {
            a.push(cosine(&exact[i], &exact[j]));
            b.push(cosine(&fast[i], &fast[j]));
        }
    }
    let rho = spearman(&a, &b);
    eprintln!("Spearman of pairwise similarities, distilled against transformer: {rho:.3}");
    assert!(rho > SPEARMAN_FLOOR, "rank correlation {rho:.3}");
    // Most sentences' nearest neighbour is on their own theme, as for the transformer.
    let nearest_on_theme = (0..SENTENCES.len())
        .filter(|&i| {
            let nearest = (0..SENTENCES.len())
                .filter(|&j| j != i)
                .max_by(|&x, &y| cosine(&fast[i], &fast[x]).total_cmp(&cosine(&fast[i], &fast[y])));
            nearest.map(theme) == Some(theme(i))
        })
        .count();
    eprintln!("nearest neighbour on the same theme: {nearest_on_theme} of 48");
    assert!(nearest_on_theme >= THEME_FLOOR, "{nearest_on_theme} of 48");
}
