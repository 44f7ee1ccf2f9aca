//! The report as one self-contained HTML file: a bar chart of theme frequency, heat-mapped
//! matrices with a legend, and every count opening onto the quotes behind it. No
//! JavaScript and nothing fetched: `<details>` elements do the drill-down, SVG the charts.

use std::fmt::Write;
use verbatim_model::counted;

use crate::dataset::Dataset;
use crate::report::Report;
use crate::stats::Matrix;

/// Most quotes listed under one count; the rest are summarised.
const MAX_LISTED: usize = 60;

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
    out.push_str("<main>\n<section id=\"frequency\"><h2>How often each theme was coded</h2>\n");
    bar_chart(&mut out, report);
    out.push_str("</section>\n");
    for matrix in &report.matrices {
        heat_map(&mut out, report, data, matrix);
    }
    out.push_str("<section id=\"themes\"><h2>Themes in detail</h2>\n");
    frequency_details(&mut out, report, data);
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
            escape(&theme.id),
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

fn frequency_details(out: &mut String, report: &Report, data: &Dataset<'_>) {
    out.push_str("<table class=\"frequency\"><thead><tr><th>theme</th><th>name</th><th>quotes</th><th>speakers</th><th>sources</th><th>share</th></tr></thead><tbody>");
    for theme in &report.themes {
        let quotes: Vec<usize> = data.coded_to(&theme.id).collect();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1}%</td></tr>",
            escape(&theme.id),
            escape(&theme.name),
            drill(data, &quotes, &theme.quotes.to_string(), Some(&theme.id)),
            theme.speakers,
            theme.sources,
            theme.share * 100.0
        );
    }
    out.push_str("</tbody></table>\n");
}

fn heat_map(out: &mut String, report: &Report, data: &Dataset<'_>, matrix: &Matrix) {
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
    for (r, theme) in matrix.rows.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><th title=\"{}\">{}</th>",
            escape(report.theme_name(theme)),
            escape(theme)
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
                drill(data, &quotes, &label, Some(theme))
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
        "<td>{}</td></tr></tbody></table></div></section>",
        matrix.total
    );
}

fn co_occurrence(out: &mut String, report: &Report) {
    let pairs = report.top_pairs(20);
    if pairs.is_empty() {
        return;
    }
    out.push_str("<section id=\"co-occurrence\"><h2>Themes coded together</h2><table><thead><tr><th>theme</th><th>theme</th><th>quotes</th></tr></thead><tbody>");
    for (a, b, n) in pairs {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{n}</td></tr>",
            escape(a),
            escape(b)
        );
    }
    out.push_str("</tbody></table></section>\n");
}

fn quote_id<'d>(data: &'d Dataset<'_>, i: usize) -> &'d str {
    data.quote(i).map_or("", |q| q.id.as_str())
}

/// A count that opens onto the quotes behind it, best first for `theme`.
fn drill(data: &Dataset<'_>, quotes: &[usize], label: &str, theme: Option<&str>) -> String {
    if quotes.is_empty() {
        return escape(label);
    }
    let mut ordered = quotes.to_vec();
    if let Some(theme) = theme {
        ordered.sort_by(|&a, &b| {
            let score = |i: usize| data.score(i, theme).unwrap_or(0.0);
            score(b)
                .total_cmp(&score(a))
                .then_with(|| quote_id(data, a).cmp(quote_id(data, b)))
        });
    }
    let mut out = format!(
        "<details class=\"drill\"><summary>{}</summary><ul>",
        escape(label)
    );
    for quote in ordered
        .iter()
        .take(MAX_LISTED)
        .filter_map(|&i| data.quote(i))
    {
        let who = quote.attribution();
        let _ = write!(
            out,
            "<li><q>{}</q> <span class=\"who\">{} · {}</span></li>",
            escape(&quote.text),
            escape(&who),
            escape(&quote.id)
        );
    }
    if ordered.len() > MAX_LISTED {
        let _ = write!(
            out,
            "<li class=\"more\">and {} more</li>",
            ordered.len() - MAX_LISTED
        );
    }
    out.push_str("</ul></details>");
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

/// Escapes text for HTML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#111;background:#fff}header,main{max-width:1200px;margin:0 auto;padding:0 1.2rem}h1{margin:1.2rem 0 .3rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}.summary{color:#444}table{border-collapse:collapse;margin:.6rem 0;font-size:.86rem}th,td{border:1px solid #ddd;padding:.25rem .45rem;vertical-align:top}th{background:#f4f4f4;text-align:left}td{text-align:right}.frequency td:nth-child(2),.frequency td:first-child{text-align:left}.scroll{overflow-x:auto}.heatmap td{min-width:3.2rem}.heatmap tr.total td,.heatmap td.total{font-weight:600;background:#f4f4f4}.zero{color:#999}details.drill summary{cursor:pointer;font-weight:600}details.drill[open]{text-align:left;background:#fff!important;color:#111!important}details.drill ul{margin:.3rem 0;padding-left:1.1rem;max-width:34rem;text-align:left;font-weight:400}details.drill li{margin:.3rem 0}.who{color:#555;font-size:.8rem}#frequency-chart .label,#frequency-chart .value,#frequency-chart .axis{font-size:12px;fill:#222}#frequency-chart .bar{fill:hsl(212,60%,40%)}.legend-scale text{font-size:11px;fill:#333}footer{margin:2rem 0;color:#444;font-size:.85rem}";
