//! The report as one self-contained HTML file: a bar chart of theme frequency, the
//! categories, heat-mapped matrices with a legend, each theme with its best quotes, and
//! every count opening onto the quotes behind it. No JavaScript and nothing fetched: SVG
//! draws the charts, `<details>` and `:target` open the drill-downs, and each quote is
//! written once, in one list at the end, that drill-downs link to by id.

use std::collections::BTreeSet;
use std::fmt::Write;
use verbatim_model::counted;

use crate::dataset::Dataset;
use crate::html_text::{emphasised, escape};
use crate::report::Report;
use crate::stats::{Frequency, Matrix};

/// Most quotes listed under one count; the rest are summarised.
const MAX_LISTED: usize = 60;
/// Words of a quote shown where a drill-down links to it.
const TEASER_WORDS: usize = 14;
/// Longest theme name a chart label shows whole.
const LONGEST_LABEL: usize = 48;

/// Renders a report as HTML. `data` supplies the quotes behind each count: a dataset of
/// parsed quotes, since drill-downs list quotes beyond those a report shows.
pub fn html(report: &Report, data: &Dataset<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let title = escape(&report.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header><h1>{title}</h1>\n<p class=\"summary\">{}, {} coded, {}.{}</p></header>\n",
        counted(report.quotes, "quote"),
        report.coded_quotes,
        counted(report.codes, "code"),
        if report.filters.is_empty() {
            String::new()
        } else {
            format!(" Filters: {}.", escape(&report.filters.join("; ")))
        }
    );
    let mut listed = BTreeSet::new();
    out.push_str("<main>\n<section id=\"frequency\"><h2>How often each theme was coded</h2>\n");
    bar_chart(&mut out, report);
    out.push_str("</section>\n<section id=\"categories\"><h2>Categories</h2>\n");
    frequency_table(&mut out, &report.categories, "category", false);
    out.push_str("</section>\n");
    for matrix in &report.matrices {
        heat_map(&mut out, report, data, matrix, &mut listed);
    }
    out.push_str("<section id=\"themes\"><h2>Themes in detail</h2>\n");
    frequency_table(&mut out, &report.themes, "theme", true);
    theme_details(&mut out, report, data, &mut listed);
    out.push_str("</section>\n");
    co_occurrence(&mut out, report);
    if !report.memos.is_empty() {
        out.push_str("<section id=\"memos\"><h2>Memos</h2><ul>");
        for memo in &report.memos {
            let by = memo
                .coder
                .as_deref()
                .map_or(String::new(), |c| format!(" ({})", escape(c)));
            let _ = write!(
                out,
                "<li><strong>{}</strong>{by}: {}</li>",
                escape(&memo.about()),
                escape(&memo.text)
            );
        }
        out.push_str("</ul></section>\n");
    }
    quote_list(&mut out, data, &listed);
    out.push_str("<footer><h2>How this report counts</h2><ul>");
    for rule in &report.counting_rules {
        let _ = write!(out, "<li>{}</li>", escape(rule));
    }
    out.push_str("</ul><p>Made by Verbatim.</p></footer>\n</main>\n</body>\n</html>\n");
    out
}

fn bar_chart(out: &mut String, report: &Report) {
    let rows = report.themes.len();
    let max = report
        .themes
        .iter()
        .map(|t| t.quotes)
        .max()
        .unwrap_or(0)
        .max(1);
    let (label_width, bar_width, row_height) = (330.0, 420.0, 22.0);
    let height = rows as f64 * row_height + 30.0;
    let _ = write!(
        out,
        "<svg id=\"frequency-chart\" role=\"img\" aria-label=\"Bar chart: quotes coded per theme\" viewBox=\"0 0 {} {height}\" width=\"100%\">",
        label_width + bar_width + 60.0
    );
    for (i, theme) in report.themes.iter().enumerate() {
        let y = i as f64 * row_height + 4.0;
        let width = bar_width * theme.quotes as f64 / max as f64;
        let _ = write!(
            out,
            "<text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\" class=\"label\">{}</text><rect x=\"{label_width}\" y=\"{y:.0}\" width=\"{width:.1}\" height=\"{:.0}\" class=\"bar\"><title>{}: {}</title></rect><text x=\"{:.1}\" y=\"{:.0}\" class=\"value\">{}</text>",
            label_width - 8.0,
            y + 14.0,
            escape(&shortened(&theme.name)),
            row_height - 6.0,
            escape(&theme.name),
            counted(theme.quotes, "quote"),
            label_width + width + 6.0,
            y + 14.0,
            theme.quotes
        );
    }
    let axis_y = rows as f64 * row_height + 18.0;
    let _ = writeln!(
        out,
        "<text x=\"{label_width}\" y=\"{axis_y:.0}\" class=\"axis\">0</text><text x=\"{:.0}\" y=\"{axis_y:.0}\" text-anchor=\"end\" class=\"axis\">{max} quotes</text></svg>",
        label_width + bar_width
    );
}

/// A frequency table of themes or categories; theme names link to their details.
fn frequency_table(out: &mut String, rows: &[Frequency], what: &str, linked: bool) {
    let _ = write!(
        out,
        "<table class=\"frequency\"><thead><tr><th>{what}</th><th>quotes</th><th>speakers</th><th>sources</th><th>share</th></tr></thead><tbody>"
    );
    for row in rows {
        let name = if linked {
            format!(
                "<a href=\"#{}\" title=\"{}\">{}</a>",
                anchor("theme", &row.id),
                escape(&row.id),
                escape(&row.name)
            )
        } else {
            escape(&row.name)
        };
        let _ = write!(
            out,
            "<tr><td>{name}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1}%</td></tr>",
            row.quotes,
            row.speakers,
            row.sources,
            row.share * 100.0
        );
    }
    out.push_str("</tbody></table>\n");
}

/// Each theme: its counts, its best quotes in full, and all its quotes behind a
/// drill-down.
fn theme_details(
    out: &mut String,
    report: &Report,
    data: &Dataset<'_>,
    listed: &mut BTreeSet<usize>,
) {
    for theme in &report.themes {
        let _ = write!(
            out,
            "<section class=\"theme\" id=\"{}\"><h3>{}</h3><p class=\"who\">{} · {}, {}, {}</p>",
            anchor("theme", &theme.id),
            escape(&theme.name),
            escape(&theme.id),
            counted(theme.quotes, "quote"),
            counted(theme.speakers, "speaker"),
            counted(theme.sources, "source")
        );
        let best = report
            .top_quotes
            .get(&theme.id)
            .map_or(&[][..], Vec::as_slice);
        if !best.is_empty() {
            out.push_str("<ul class=\"top\">");
            for quote in best {
                let _ = write!(
                    out,
                    "<li><q>{}</q> <span class=\"who\">{} · {}</span></li>",
                    emphasised(&quote.text),
                    escape(&quote.attribution()),
                    escape(&quote.id)
                );
            }
            out.push_str("</ul>");
        }
        let quotes: Vec<usize> = data.coded_to(&theme.id).collect();
        let label = format!("All {}", counted(quotes.len(), "quote"));
        out.push_str(&drill(data, &quotes, &label, Some(&theme.id), listed));
        out.push_str("</section>\n");
    }
}

fn heat_map(
    out: &mut String,
    report: &Report,
    data: &Dataset<'_>,
    matrix: &Matrix,
    listed: &mut BTreeSet<usize>,
) {
    let attribute = escape(&matrix.attribute);
    let value = |r: usize, c: usize| -> f64 {
        let cell = matrix.cells[r][c];
        if report.normalised {
            cell.share
        } else {
            cell.quotes as f64
        }
    };
    let max = (0..matrix.rows.len())
        .flat_map(|r| (0..matrix.columns.len()).map(move |c| (r, c)))
        .map(|(r, c)| value(r, c))
        .fold(0.0, f64::max);
    let unit = if report.normalised {
        "share of the column's quotes"
    } else {
        "quotes coded"
    };
    let _ = write!(
        out,
        "<section class=\"matrix\"><h2>Themes by {attribute}</h2>\n<div class=\"legend\">{}</div>\n<div class=\"scroll\"><table class=\"heatmap\" id=\"heatmap-{attribute}\"><thead><tr><th>theme</th>",
        legend(max, report.normalised, unit)
    );
    for column in &matrix.columns {
        let _ = write!(out, "<th>{}</th>", escape(column));
    }
    out.push_str("<th>total</th></tr></thead><tbody>");
    let mut cells_listed = String::new();
    for (r, theme) in matrix.rows.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><th title=\"{}\">{}</th>",
            escape(theme),
            escape(report.theme_name(theme))
        );
        for (c, column) in matrix.columns.iter().enumerate() {
            let cell = matrix.cells[r][c];
            let shade = if max > 0.0 { value(r, c) / max } else { 0.0 };
            let label = if report.normalised {
                format!("{:.0}%", cell.share * 100.0)
            } else {
                cell.quotes.to_string()
            };
            let quotes: Vec<usize> = data
                .coded_to(theme)
                .filter(|&i| data.value(i, &matrix.attribute) == column)
                .collect();
            let body = if cell.quotes == 0 {
                "<span class=\"zero\">·</span>".to_string()
            } else {
                // The cell links to its quotes, listed under the table at full width.
                let id = anchor(&format!("cell-{}", matrix.attribute), &format!("{r}-{c}"));
                let _ = write!(
                    cells_listed,
                    "<section class=\"cell-quotes\" id=\"{id}\"><h3>{} · {attribute}: {}</h3>{}<p><a href=\"#heatmap-{attribute}\">Back to the table</a></p></section>",
                    escape(report.theme_name(theme)),
                    escape(column),
                    quote_links(data, &sorted(data, &quotes, Some(theme)), listed)
                );
                format!("<a class=\"cell\" href=\"#{id}\">{}</a>", escape(&label))
            };
            let _ = write!(
                out,
                "<td style=\"background:{};color:{}\" title=\"{}, {}\">{body}</td>",
                colour(shade),
                if shade > 0.55 { "#fff" } else { "#111" },
                counted(cell.quotes, "quote"),
                counted(cell.speakers, "speaker")
            );
        }
        let _ = write!(
            out,
            "<td class=\"total\">{}</td></tr>",
            matrix.row_totals[r]
        );
    }
    out.push_str("<tr class=\"total\"><th>total</th>");
    for total in &matrix.column_totals {
        let _ = write!(out, "<td>{total}</td>");
    }
    let _ = writeln!(
        out,
        "<td>{}</td></tr></tbody></table></div>{cells_listed}</section>",
        matrix.total
    );
}

fn co_occurrence(out: &mut String, report: &Report) {
    let pairs = report.top_pairs(20);
    if pairs.is_empty() {
        return;
    }
    out.push_str("<section id=\"co-occurrence\"><h2>Themes coded together</h2><table class=\"pairs\"><thead><tr><th>theme</th><th>coded with</th><th>quotes</th></tr></thead><tbody>");
    for (a, b, n) in pairs {
        let _ = write!(
            out,
            "<tr><td title=\"{}\">{}</td><td title=\"{}\">{}</td><td>{n}</td></tr>",
            escape(a),
            escape(report.theme_name(a)),
            escape(b),
            escape(report.theme_name(b))
        );
    }
    out.push_str("</tbody></table></section>\n");
}

fn quote_id<'d>(data: &'d Dataset<'_>, i: usize) -> &'d str {
    data.quote(i).map_or("", |q| q.id.as_str())
}

/// `quotes` best first for `theme` (ties by id), else as given.
fn sorted(data: &Dataset<'_>, quotes: &[usize], theme: Option<&str>) -> Vec<usize> {
    let mut ordered = quotes.to_vec();
    if let Some(theme) = theme {
        ordered.sort_by(|&a, &b| {
            let score = |i: usize| data.score(i, theme).unwrap_or(0.0);
            score(b)
                .total_cmp(&score(a))
                .then_with(|| quote_id(data, a).cmp(quote_id(data, b)))
        });
    }
    ordered
}

/// A count that opens onto the quotes behind it, best first for `theme`.
fn drill(
    data: &Dataset<'_>,
    quotes: &[usize],
    label: &str,
    theme: Option<&str>,
    listed: &mut BTreeSet<usize>,
) -> String {
    if quotes.is_empty() {
        return escape(label);
    }
    format!(
        "<details class=\"drill\"><summary>{}</summary>{}</details>",
        escape(label),
        quote_links(data, &sorted(data, quotes, theme), listed)
    )
}

/// Links to the first [`MAX_LISTED`] of `quotes` in the quote list, each with who said it
/// and its first words; the quotes linked are added to `listed`.
fn quote_links(data: &Dataset<'_>, quotes: &[usize], listed: &mut BTreeSet<usize>) -> String {
    let mut out = String::from("<ul class=\"refs\">");
    for &i in quotes.iter().take(MAX_LISTED) {
        let Some(quote) = data.quote(i) else {
            continue;
        };
        listed.insert(i);
        let _ = write!(
            out,
            "<li><a href=\"#{}\">{}</a> <span class=\"who\">{} · {}</span></li>",
            anchor("q", &quote.id),
            emphasised(&teaser(&quote.text)),
            escape(&quote.attribution()),
            escape(&quote.id)
        );
    }
    if quotes.len() > MAX_LISTED {
        let _ = write!(
            out,
            "<li class=\"more\">and {} more</li>",
            quotes.len() - MAX_LISTED
        );
    }
    out.push_str("</ul>");
    out
}

/// Every quote a drill-down links to, once, in dataset order.
fn quote_list(out: &mut String, data: &Dataset<'_>, listed: &BTreeSet<usize>) {
    if listed.is_empty() {
        return;
    }
    out.push_str("<section id=\"quotes\"><h2>Quotes</h2><ol class=\"quotes\">");
    for quote in listed.iter().filter_map(|&i| data.quote(i)) {
        let _ = write!(
            out,
            "<li id=\"{}\"><q>{}</q> <span class=\"who\">{} · {}</span></li>",
            anchor("q", &quote.id),
            emphasised(&quote.text),
            escape(&quote.attribution()),
            escape(&quote.id)
        );
    }
    out.push_str("</ol></section>\n");
}

/// The first words of a quote, with an ellipsis when there are more.
fn teaser(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= TEASER_WORDS {
        return words.join(" ");
    }
    format!("{}…", words[..TEASER_WORDS].join(" "))
}

/// A theme name short enough for a chart label.
fn shortened(name: &str) -> String {
    if name.chars().count() <= LONGEST_LABEL {
        return name.to_string();
    }
    let cut: String = name.chars().take(LONGEST_LABEL - 1).collect();
    format!("{}…", cut.trim_end())
}

/// An element id for `name` under `prefix`, the same for the same name and different for
/// different ones: letters, digits, `-`, `.` and `:` as they are, anything else as `_` and
/// its code point.
fn anchor(prefix: &str, name: &str) -> String {
    let mut out = format!("{prefix}-");
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':') {
            out.push(c);
        } else {
            let _ = write!(out, "_{:x}_", c as u32);
        }
    }
    out
}

/// A sequential blue scale from near-white to dark: its lightness alone carries the value,
/// so the map reads in greyscale too.
fn colour(shade: f64) -> String {
    let shade = shade.clamp(0.0, 1.0);
    let lightness = 97.0 - 72.0 * shade;
    format!("hsl(212, 60%, {lightness:.0}%)")
}

fn legend(max: f64, normalised: bool, unit: &str) -> String {
    let stops: String = (0..=10)
        .map(|i| {
            format!(
                "<stop offset=\"{}%\" stop-color=\"{}\"/>",
                i * 10,
                colour(i as f64 / 10.0)
            )
        })
        .collect();
    let top = if normalised {
        format!("{:.0}%", max * 100.0)
    } else {
        format!("{max:.0}")
    };
    format!(
        "<svg class=\"legend-scale\" role=\"img\" aria-label=\"Colour scale from 0 to {top} {unit}\" viewBox=\"0 0 320 34\" width=\"320\"><defs><linearGradient id=\"scale\">{stops}</linearGradient></defs><rect x=\"0\" y=\"0\" width=\"320\" height=\"14\" fill=\"url(#scale)\" stroke=\"#999\"/><text x=\"0\" y=\"30\">0</text><text x=\"320\" y=\"30\" text-anchor=\"end\">{top}</text><text x=\"160\" y=\"30\" text-anchor=\"middle\">{unit}</text></svg>"
    )
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#111;background:#fff}header,main{max-width:1200px;margin:0 auto;padding:0 1.2rem}h1{margin:1.2rem 0 .3rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}.summary{color:#444}table{border-collapse:collapse;margin:.6rem 0;font-size:.86rem}th,td{border:1px solid #ddd;padding:.25rem .45rem;vertical-align:top}th{background:#f4f4f4;text-align:left}td{text-align:right}.frequency td:first-child,.pairs td{text-align:left}.pairs td:last-child{text-align:right}.scroll{overflow-x:auto}.heatmap td{min-width:3.2rem}.heatmap tr.total td,.heatmap td.total{font-weight:600;background:#f4f4f4}.zero{color:#999}details.drill summary{cursor:pointer;font-weight:600}ul.refs{margin:.3rem 0;padding-left:1.1rem;max-width:52rem;text-align:left;font-weight:400}ul.refs li,ul.top li,ol.quotes li{margin:.3rem 0}a.cell{color:inherit;font-weight:600}.cell-quotes{display:none;border:1px solid #1f4e8c;padding:.2rem .8rem;margin:.6rem 0}.cell-quotes:target{display:block}ol.quotes li:target{background:#fff3b0}.theme h3{margin-bottom:.1rem}.who{color:#555;font-size:.8rem}#frequency-chart .label,#frequency-chart .value,#frequency-chart .axis{font-size:12px;fill:#222}#frequency-chart .bar{fill:hsl(212,60%,40%)}.legend-scale text{font-size:11px;fill:#333}footer{margin:2rem 0;color:#444;font-size:.85rem}";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Filter;
    use crate::report::ReportOptions;
    use verbatim_model::{Codebook, Coding, Origin, Quote};

    const CODEBOOK: &str = "[codebook]\nid = \"t\"\nname = \"T\"\n\
        [[category]]\nid = \"c\"\nname = \"Challenges\"\n\
        [[theme]]\nid = \"c.fatigue\"\ncategory = \"c\"\nname = \"Staff fatigue\"\n\
        [[theme]]\nid = \"c.money\"\ncategory = \"c\"\nname = \"Money worries\"\n";

    fn page() -> String {
        let quote = |id: &str, area: &str, text: &str| Quote {
            speaker: Some(format!("Speaker {id}")),
            area: Some(area.to_string()),
            ..Quote::new(id, "a.md", text)
        };
        let quotes = vec![
            quote(
                "a:1",
                "Wigan",
                "We were *really* tired and the budget was gone.",
            ),
            quote("a:2", "Leeds", "Everyone was exhausted."),
            quote(
                "a:3",
                "Wigan",
                "The money ran out in May and nobody in the county could tell us when it would come back.",
            ),
        ];
        let coding = |quote: &str, theme: &str| Coding {
            quote: quote.into(),
            theme: theme.into(),
            score: Some(1.0),
            origin: Origin::Auto,
            coder: None,
            evidence: Vec::new(),
        };
        let codings = vec![
            coding("a:1", "c.fatigue"),
            coding("a:1", "c.money"),
            coding("a:2", "c.fatigue"),
            coding("a:3", "c.money"),
        ];
        let codebook = Codebook::from_toml_str(CODEBOOK, "codebook.toml").expect("codebook");
        let data = Dataset::new(&quotes, &codings, Some(&codebook), &Filter::default());
        let options = ReportOptions {
            by: vec!["area".into()],
            ..ReportOptions::default()
        };
        html(&Report::new(&data, &options), &data)
    }

    #[test]
    fn people_read_names_and_the_markdown_has_its_html_match() {
        let page = page();
        assert!(
            page.contains("class=\"label\">Staff fatigue</text>"),
            "chart labels"
        );
        assert!(
            page.contains("<th title=\"c.money\">Money worries</th>"),
            "heat map rows"
        );
        assert!(page.contains("<section id=\"categories\"><h2>Categories</h2>"));
        assert!(
            page.contains("<td>Challenges</td><td>3</td>"),
            "categories table"
        );
        assert!(page.contains("<ul class=\"top\">"), "top quotes");
        assert!(
            page.contains("<th>theme</th><th>coded with</th>"),
            "co-occurrence"
        );
        assert!(page.contains("<em>really</em>"), "Markdown emphasis");
        assert!(!page.contains("*really*"));
    }

    #[test]
    fn each_quote_is_written_once_and_cells_link_to_their_quotes() {
        let page = page();
        let full = "could tell us when it would come back.";
        assert_eq!(
            page.matches(full).count(),
            2,
            "its theme's top quotes and the list"
        );
        let teaser = "The money ran out in May and nobody in the county could tell us…";
        assert_eq!(page.matches(teaser).count(), 2, "its links: theme and cell");
        assert_eq!(page.matches("<li id=\"q-a:3\">").count(), 1);
        // The Wigan money cell links to a section under the table listing its quotes.
        let cell = "href=\"#cell-area-1-1\"";
        assert!(page.contains(cell), "{page}");
        let section = page
            .split("<section class=\"cell-quotes\" id=\"cell-area-1-1\">")
            .nth(1)
            .expect("the cell's section");
        let section = &section[..section.find("</section>").expect("end")];
        assert!(section.contains("href=\"#q-a:1\"") && section.contains("href=\"#q-a:3\""));
        assert!(!section.contains("q-a:2"));
    }

    #[test]
    fn anchors_tell_names_apart_and_keep_to_safe_characters() {
        assert_eq!(anchor("q", "leeds ceo:4"), "q-leeds_20_ceo:4");
        assert_ne!(anchor("q", "a b"), anchor("q", "a_b"));
        assert_eq!(anchor("q", "a\"><script>"), "q-a_22__3e__3c_script_3e_");
    }
}
