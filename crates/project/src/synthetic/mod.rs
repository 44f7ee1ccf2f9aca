//! Synthetic interview rounds for benchmarks and scale tests, deterministic from a seed.
//!
//! Interviews of about 7,500 words (75 answers of 60 to 120 words, each one quote, with the
//! interviewer's questions) in everyday words with Zipf-like frequencies (see
//! [`vocabulary`]), a roster of their speakers over areas and sectors, theme
//! language drawn from a codebook's own rule terms mixed into a quarter of the answers,
//! and a `verbatim.toml`. Mostly plain-text turns, with every tenth interview as WebVTT and
//! every seventh as Markdown. The same seed and size give the same files.

mod vocabulary;

use std::collections::HashSet;
use std::path::PathBuf;

use verbatim_coder::tokens;
use verbatim_model::{Codebook, write_atomic};

use crate::config::CONFIG_FILE;
use crate::error::{IoContext, Result};
use vocabulary::Vocabulary;

/// What to generate.
#[derive(Debug, Clone)]
pub struct RoundSpec {
    /// Quotes to generate (interviews of 75 quotes each).
    pub quotes: usize,
    /// Seed of the pseudo-random generator.
    pub seed: u64,
    /// Codebook whose rule terms seed the theme language (copied into the project).
    pub codebook: PathBuf,
    /// Folder to write the project into.
    pub out: PathBuf,
    /// Round name, and the sub-folder of `interviews/` the files go to.
    pub round: String,
}

/// What was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    /// Interviews written.
    pub interviews: usize,
    /// Quotes in them.
    pub quotes: usize,
}

/// Answers per interview; every answer is one quote.
const ANSWERS: usize = 75;

const AREAS: &[&str] = &[
    "Barnsley",
    "Belfast",
    "Bradford",
    "Brent",
    "Bristol",
    "Camden",
    "Cardiff",
    "Cornwall",
    "Derby",
    "Dundee",
    "Edinburgh",
    "Essex",
    "Gateshead",
    "Glasgow",
    "Hackney",
    "Hounslow",
    "Kent",
    "Leeds",
    "Leicester",
    "Luton",
    "Monmouthshire",
    "Newcastle",
    "Norfolk",
    "Oldham",
    "Plymouth",
    "Salford",
    "Sheffield",
    "Surrey",
    "Swansea",
    "Wigan",
];
const SECTORS: &[(&str, &str, &str)] = &[
    ("council", "chief executive", "council"),
    ("police", "chief superintendent", "Police"),
    ("health", "chief operating officer", "NHS Trust"),
    ("voluntary", "director", "Community Network"),
    ("university", "pro vice-chancellor", "University"),
    ("arts", "artistic director", "Playhouse"),
    ("research", "director", "Research Institute"),
];
const FIRST: &[&str] = &[
    "Amira", "Ben", "Carys", "Dev", "Elin", "Femi", "Grace", "Hamza", "Isla", "Jonah", "Keira",
    "Liam", "Maya", "Nikhil", "Orla", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera",
    "Wes", "Yara", "Zain",
];
const LAST: &[&str] = &[
    "Adams", "Bhatt", "Collins", "Doyle", "Evans", "Fraser", "Gill", "Hughes", "Iqbal", "Jones",
    "Kaur", "Lowe", "Morgan", "Nash", "Owen", "Patel", "Quinn", "Reid", "Shah", "Turner", "Upton",
    "Vaughan", "Walsh", "Young", "Zaman",
];
const QUESTIONS: &[&str] = &[
    "What changed most for you this year?",
    "How did the partnership work in practice?",
    "What would you keep from the last twelve months?",
    "What got in the way?",
    "Where does the money come from now?",
    "How are your staff?",
    "What happens next?",
    "Can you give me an example?",
    "What would you stop doing?",
    "Who else was involved?",
];

/// A small, fast, seeded generator (xorshift64*): the same seed, the same corpus.
struct Random(u64);

impl Random {
    fn new(seed: u64) -> Self {
        Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Writes a synthetic round as a project: interviews, roster, codebook and `verbatim.toml`.
pub fn generate(args: &RoundSpec) -> Result<Generated> {
    let codebook = Codebook::load(&args.codebook)?;
    let phrases: Vec<&str> = codebook
        .themes
        .iter()
        .flat_map(|t| &t.rules)
        .flat_map(|r| &r.any)
        .map(String::as_str)
        .filter(|p| !p.contains('\''))
        .collect();
    // Words a rule fires on alone or in combination stay out of the everyday talk.
    let codebook_stems: HashSet<String> = codebook
        .themes
        .iter()
        .flat_map(|t| &t.rules)
        .flat_map(|r| r.any.iter().chain(&r.all).chain(&r.near))
        .filter(|term| !term.trim().contains(' '))
        .map(|term| stem(term))
        .collect();
    let interviews = args.quotes.div_ceil(ANSWERS).max(1);
    let folder = args.out.join("interviews").join(&args.round);
    std::fs::create_dir_all(&folder)
        .io_context(|| format!("{}: cannot create", folder.display()))?;
    let mut random = Random::new(args.seed);
    let vocabulary = Vocabulary::new(|word| codebook_stems.contains(&stem(word)));
    let mut roster = String::from(
        "name,aliases,role,organisation,area,sector\nJo Whitcombe,,interviewer,Study team,,\n",
    );
    let mut written = 0;
    for number in 0..interviews {
        let answers = ANSWERS.min(args.quotes - written.min(args.quotes)).max(1);
        let area = *random.pick(AREAS);
        let (sector, role, kind) = *random.pick(SECTORS);
        let name = format!("{} {}-{}", random.pick(FIRST), random.pick(LAST), number);
        let organisation = match sector {
            "council" => format!("{area} council"),
            "university" => format!("University of {area}"),
            _ => format!("{area} {kind}"),
        };
        roster.push_str(&format!("{name},,{role},{organisation},{area},{sector}\n"));
        let turns: Vec<(String, String)> = (0..answers)
            .map(|_| {
                (
                    random.pick(QUESTIONS).to_string(),
                    answer(&mut random, &vocabulary, &phrases),
                )
            })
            .collect();
        let (extension, text) = if number % 10 == 9 {
            ("vtt", vtt(&name, &turns))
        } else if number % 7 == 6 {
            ("md", markdown(&name, &args.round, &turns))
        } else {
            ("txt", plain(&name, &args.round, &turns))
        };
        let path = folder.join(format!("{}-{number:06}.{extension}", args.round));
        write_atomic(&path, |w| w.write_all(text.as_bytes()))?;
        written += answers;
    }
    write_atomic(&args.out.join("roster.csv"), |w| {
        w.write_all(roster.as_bytes())
    })?;
    let codebook_name = args
        .codebook
        .file_name()
        .map_or_else(|| PathBuf::from("codebook.toml"), PathBuf::from);
    std::fs::copy(&args.codebook, args.out.join(&codebook_name))
        .io_context(|| format!("{}: cannot copy", args.codebook.display()))?;
    let config = format!(
        "[project]\nname = \"Synthetic round ({} quotes, seed {})\"\nsources = [\"interviews\"]\nroster = \"roster.csv\"\ncodebook = \"{}\"\nround = \"{}\"\n",
        args.quotes,
        args.seed,
        codebook_name.display(),
        args.round
    );
    write_atomic(&args.out.join(CONFIG_FILE), |w| {
        w.write_all(config.as_bytes())
    })?;
    Ok(Generated {
        interviews,
        quotes: written,
    })
}

fn stem(word: &str) -> String {
    tokens(word)
        .into_iter()
        .map(|t| t.stem)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One answer: 60 to 120 words of ordinary talk; a quarter of the answers carry one or two
/// theme phrases.
fn answer(random: &mut Random, vocabulary: &Vocabulary, phrases: &[&str]) -> String {
    let length = 60 + random.below(61);
    let mut words: Vec<String> = Vec::with_capacity(length + 8);
    while words.len() < length {
        let sentence = 6 + random.below(12);
        for i in 0..sentence {
            let word = vocabulary.word(random.next()).to_string();
            words.push(if i == 0 { capitalise(&word) } else { word });
        }
        if let Some(last) = words.last_mut() {
            last.push('.');
        }
    }
    if random.below(4) == 0 && !phrases.is_empty() {
        for _ in 0..1 + random.below(2) {
            let at = random.below(words.len());
            words.insert(at, random.pick(phrases).to_string());
        }
    }
    words.join(" ")
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn plain(name: &str, round: &str, turns: &[(String, String)]) -> String {
    let mut out =
        format!("---\ninterviewee: {name}\ninterviewer: Jo Whitcombe\nround: {round}\n---\n\n");
    for (question, answer) in turns {
        out.push_str(&format!("Jo Whitcombe: {question}\n\n{name}: {answer}\n\n"));
    }
    out
}

fn markdown(name: &str, round: &str, turns: &[(String, String)]) -> String {
    let mut out = format!(
        "---\ninterviewee: {name}\ninterviewer: Jo Whitcombe\nround: {round}\n---\n\n# Interview\n\n"
    );
    for (question, answer) in turns {
        out.push_str(&format!(
            "**Jo Whitcombe:** {question}\n\n**{name}:** {answer}\n\n"
        ));
    }
    out
}

fn vtt(name: &str, turns: &[(String, String)]) -> String {
    let mut out = String::from("WEBVTT\n\n");
    let mut second = 0u64;
    let stamp = |s: u64| format!("{:02}:{:02}:{:02}.000", s / 3600, (s / 60) % 60, s % 60);
    for (number, (question, answer)) in turns.iter().enumerate() {
        out.push_str(&format!(
            "{}\n{} --> {}\n<v Jo Whitcombe>{question}</v>\n\n",
            number * 2 + 1,
            stamp(second),
            stamp(second + 4)
        ));
        second += 5;
        out.push_str(&format!(
            "{}\n{} --> {}\n<v {name}>{answer}</v>\n\n",
            number * 2 + 2,
            stamp(second),
            stamp(second + 40)
        ));
        second += 41;
    }
    out
}
