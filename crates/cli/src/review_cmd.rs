//! `verbatim review`: walk the automatic and suggested codes of a theme or a source, one
//! key per decision. On a terminal the keys are read one at a time; piped, each character
//! of the input is a key (and `m` takes the rest of its line as the memo), so a review can
//! be scripted.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::bail;
use clap::Args;
use console::{Key, Term, style};
use verbatim_project::manual::review::{ReviewItem, Scope, review_queue, save_position};
use verbatim_project::manual::verbs::{Session, Signature};

use crate::coding_cmd::need_project;
use crate::context::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "Keys: a accept (the code becomes manual), r reject (it stays dropped on \
every later run), s or space skip, m memo on the quote, q quit.

Decided codes are not offered again, and a review starts after the last code it showed, so
stopping and starting again goes on where you were.

Examples:
  verbatim review --theme challenge.fatigue
  verbatim review --source interviews/leeds-ceo.txt --coder sam
  printf 'arsq' | verbatim review --theme challenge.fatigue   # scripted: accept, reject, skip"
)]
pub struct ReviewArgs {
    /// Review this theme's codes across the project, best first.
    #[arg(long, conflicts_with = "source", required_unless_present = "source")]
    theme: Option<String>,
    /// Review every code on this source's quotes, in order.
    #[arg(long)]
    source: Option<String>,
    /// Who decides (default: $VERBATIM_CODER, else your login name).
    #[arg(long)]
    coder: Option<String>,
    /// Only automatic codes (those counted), not the suggestions below the threshold.
    #[arg(long)]
    applied_only: bool,
}

/// A key pressed: a decision, or a memo's text.
enum Choice {
    Accept,
    Reject,
    Skip,
    Memo(String),
    Quit,
}

/// Where keys come from.
enum Keys {
    Terminal(Term),
    Piped(std::io::StdinLock<'static>, Vec<char>),
}

impl Keys {
    fn next(&mut self) -> anyhow::Result<Option<Choice>> {
        loop {
            let key = match self {
                Keys::Terminal(term) => match term.read_key()? {
                    Key::Char(c) => c,
                    Key::Escape => 'q',
                    Key::Enter => 's',
                    _ => continue,
                },
                Keys::Piped(input, pending) => {
                    if pending.is_empty() {
                        let mut line = String::new();
                        if input.read_line(&mut line)? == 0 {
                            return Ok(None);
                        }
                        *pending = line.chars().rev().collect();
                    }
                    match pending.pop() {
                        Some(c) => c,
                        None => continue,
                    }
                }
            };
            return Ok(Some(match key.to_ascii_lowercase() {
                'a' => Choice::Accept,
                'r' => Choice::Reject,
                's' | ' ' => Choice::Skip,
                'q' => Choice::Quit,
                'm' => Choice::Memo(self.memo_text()?),
                _ => continue,
            }));
        }
    }

    fn memo_text(&mut self) -> anyhow::Result<String> {
        match self {
            Keys::Terminal(term) => {
                term.write_str("memo: ")?;
                Ok(term.read_line()?)
            }
            Keys::Piped(_, pending) => {
                let rest: String = pending.drain(..).rev().collect();
                Ok(rest.trim_end_matches(['\n', '\r']).to_string())
            }
        }
    }
}

pub fn run(context: &Context, args: &ReviewArgs) -> anyhow::Result<()> {
    let project = need_project(context)?;
    let reporter = context.reporter();
    let session = Session::open(project, &reporter)?;
    let scope = match (&args.theme, &args.source) {
        (Some(theme), _) => Scope::Theme(theme.clone()),
        (None, Some(source)) => Scope::Source(source.clone()),
        (None, None) => bail!("review what? give --theme THEME or --source SOURCE"),
    };
    let queue = review_queue(&session, project, &scope, args.applied_only, &reporter)?;
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let mut keys = if terminal {
        Keys::Terminal(Term::stdout())
    } else {
        Keys::Piped(std::io::stdin().lock(), Vec::new())
    };
    let signature = Signature {
        coder: args.coder.clone(),
        memo: None,
    };
    let mut out = std::io::stdout().lock();
    if queue.is_empty() {
        writeln!(out, "nothing to review: every code here has a decision")?;
        return Ok(());
    }
    let (mut accepted, mut rejected, mut skipped) = (0, 0, 0);
    'items: for (n, item) in queue.iter().enumerate() {
        if terminal {
            let _ = Term::stdout().clear_screen();
        }
        show(&mut out, item, n + 1, queue.len(), terminal)?;
        out.flush()?;
        loop {
            let outcome = match keys.next()? {
                None | Some(Choice::Quit) => break 'items,
                Some(Choice::Skip) => {
                    skipped += 1;
                    writeln!(out, "skipped")?;
                    break;
                }
                Some(Choice::Accept) => {
                    accepted += 1;
                    session.accept(&item.quote.id, &item.code.theme, &signature)?
                }
                Some(Choice::Reject) => {
                    rejected += 1;
                    session.reject(&item.quote.id, &item.code.theme, &signature)?
                }
                Some(Choice::Memo(text)) if text.trim().is_empty() => continue,
                Some(Choice::Memo(text)) => {
                    let outcome = session.memo(&item.quote.id, &text, &signature)?;
                    writeln!(out, "{}", outcome.message)?;
                    continue;
                }
            };
            writeln!(out, "{}", outcome.message)?;
            break;
        }
        save_position(project, &scope, item)?;
    }
    writeln!(
        out,
        "\n{accepted} accepted, {rejected} rejected, {skipped} skipped; {} left to review",
        queue.len() - accepted - rejected
    )?;
    Ok(())
}

fn show(
    out: &mut impl Write,
    item: &ReviewItem,
    n: usize,
    of: usize,
    terminal: bool,
) -> anyhow::Result<()> {
    let quote = &item.quote;
    let who = quote.attribution();
    let origin = match item.code.origin {
        verbatim_model::Origin::Auto => "automatic",
        _ => "suggested",
    };
    let theme = format!("{} ({})", item.code.theme, item.theme_name);
    writeln!(
        out,
        "[{n}/{of}] {} {origin} {:.2}",
        if terminal {
            style(theme).bold().to_string()
        } else {
            theme
        },
        item.code.score
    )?;
    writeln!(out, "{}  {}", quote.id, who)?;
    writeln!(out, "\n{}\n", quote.text)?;
    if !item.code.evidence.is_empty() {
        writeln!(out, "evidence: {}", item.code.evidence.join("; "))?;
    }
    writeln!(out, "a accept  r reject  s skip  m memo  q quit")?;
    Ok(())
}
