//! The words synthetic answers are made of: 627 everyday words of interview talk, most
//! frequent first, drawn with Zipf-like weights (the word of rank r in proportion to
//! 1 / (r + 2.7)), so that, as in real speech, a few words are in nearly every answer and
//! most are in a few percent of them.

/// The vocabulary, most frequent first.
const WORDS: &str = "\
    the and to of a i that in it we you was is they so but for this with be on have just \
    not there are what at all about think do were people really as had one if or can \
    like know from would some very because them get when then more an our things time he \
    lot going she out been now up said well which their much also who how yes go me my \
    quite actually still work year could mean where those other even sort way thing \
    years kind see got being any did back new want need make us many into good than over \
    only right different made little bit say something these money first through council \
    local staff community around support always feel come both part whole same never \
    since before after again most help take use own might done let give together across \
    already last next another every each place week month day team its found sure less \
    able long find often sense felt point services service family families young older \
    children school schools health care public sector working worked groups group \
    partners partnership organisations organisation volunteers volunteer residents \
    neighbourhood area areas city town region national government funding budget cost \
    costs pressure demand response crisis pandemic lockdown covid virus recovery change \
    changes changed plan plans planning future priorities priority example moment \
    question meeting meetings conversation conversations phone online digital email \
    office building street room table paper story level number case role roles manager \
    managers leader leaders leadership chief director officer board trust relationship \
    relationships decision decisions process processes system systems data information \
    evidence risk risks issue issues problem problems challenge challenges difference \
    impact outcome outcomes approach model practice practices policy policies strategy \
    strategic capacity resources resource space spaces housing homes home food shop \
    shops business businesses economy jobs employment income poverty inequality \
    inequalities hospital hospitals doctors nurses police libraries library theatre arts \
    culture university students research researchers volunteering charity charities \
    faith churches mosque sports club clubs transport buses trains roads park parks \
    garden gardens weather winter summer spring autumn morning evening weekend holiday \
    christmas lunch coffee dog car radio football kitchen shopping parcels deliveries \
    prescriptions shielding isolation vulnerable elderly carers caring mental wellbeing \
    anxiety stress exhausted tired fatigue burnout morale confidence trusted honest \
    honestly openly clear clearly simple simply hard harder difficult easy easier \
    important better best worse worst early late quickly slowly suddenly immediately \
    eventually probably certainly definitely absolutely exactly basically generally \
    usually normally particularly especially obviously frankly listen listened listening \
    learn learned learning share shared sharing talk talked talking call called calling \
    ask asked asking tell told telling decide decided deciding agree agreed manage \
    managed managing lead led leading build built grow grew growing keep kept keeping \
    start started starting stop stopped stopping try tried trying move moved moving open \
    opened close closed closing spend spent spending save saved cut cuts bring brought \
    carry carried reach reached reaching connect connected connecting rely relied depend \
    depended deliver delivered delivering respond responded organise organised \
    coordinate coordinated redeploy redeployed adapt adapted adapting cope coped coping \
    struggle struggled struggling worry worried worrying surprise surprised proud \
    pleased frustrated frustrating disappointed grateful lucky fortunate amazing \
    brilliant incredible remarkable extraordinary unprecedented strange weird odd funny \
    sad angry scared nervous calm busy quiet noisy crowded empty safe unsafe fair unfair \
    warehouse allotment foodbank pantry minibus helpline hotline rota spreadsheet \
    whatsapp zoom teams laptop tablet broadband wifi signal postcode ward parish borough \
    county district estate village suburb market harbour seafront coalfield mill canal \
    bridge motorway station depot allotments playground surgery pharmacy dentist clinic \
    hospice mortuary crematorium cemetery chapel temple gurdwara synagogue youth elders \
    pensioners toddlers teenagers graduates apprentices landlords tenants councillors \
    governors trustees commissioners inspectors auditors regulators contractors \
    suppliers caterers cleaners porters drivers couriers wardens stewards marshals";

/// Words with their cumulative weights, for seeded draws.
pub struct Vocabulary {
    words: Vec<&'static str>,
    cumulative: Vec<u64>,
}

impl Vocabulary {
    /// The vocabulary without the words `excluded` says no (a codebook's own terms, so that
    /// theme language comes only where the generator puts it).
    pub fn new(excluded: impl Fn(&str) -> bool) -> Self {
        let words: Vec<&'static str> = WORDS.split_whitespace().filter(|w| !excluded(w)).collect();
        let mut total = 0u64;
        let cumulative = (0..words.len())
            .map(|rank| {
                total += (1e9 / (rank as f64 + 2.7)) as u64;
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    /// The word that a uniformly random `draw` selects.
    pub fn word(&self, draw: u64) -> &'static str {
        let total = self.cumulative.last().copied().unwrap_or(1);
        let at = draw % total;
        let rank = self.cumulative.partition_point(|&c| c <= at);
        self.words[rank.min(self.words.len() - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequent_words_come_first_and_rare_ones_still_come() {
        let vocabulary = Vocabulary::new(|w| w == "fatigue");
        assert_eq!(vocabulary.words.len(), 626);
        let mut seen = std::collections::HashMap::new();
        let mut state = 12345u64;
        for _ in 0..200_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            *seen.entry(vocabulary.word(state >> 1)).or_insert(0usize) += 1;
        }
        let the = seen["the"];
        assert!(the > 10_000 && the < 16_000, "{the}");
        assert!(seen.len() > 600, "{} distinct words drawn", seen.len());
        assert!(!seen.contains_key("fatigue"));
        assert!(seen.get("marshals").copied().unwrap_or(0) < the / 100);
    }
}
