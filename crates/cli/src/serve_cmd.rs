//! `verbatim serve`: the local web app and its JSON API over the current project.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use clap::Args;
use verbatim_server::{AppState, serve_blocking};

use crate::coding_cmd::need_project;
use crate::context::Context;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  verbatim serve                 # http://127.0.0.1:8470, read-only
  verbatim serve --code --open   # coders may accept, reject and add codes from the page
  verbatim serve --port 0        # any free port (printed)

The API (JSON) is under /api/: search, quote/{id}, themes, report, codings; see docs/api.md.")]
pub struct ServeArgs {
    /// Port to listen on (0: any free one).
    #[arg(long, default_value_t = 8470)]
    port: u16,
    /// Address to listen on. Only this machine can reach the default; anything else
    /// exposes the project's quotes to the network.
    #[arg(long)]
    host: Option<IpAddr>,
    /// Let the page record decisions (accept, reject, add codes, memos) in the project's
    /// codings file, as `verbatim coding` does.
    #[arg(long)]
    code: bool,
    /// Open the page in the default browser.
    #[arg(long)]
    open: bool,
}

pub fn run(context: &Context, args: &ServeArgs) -> anyhow::Result<()> {
    let project = need_project(context)?.clone();
    let host = args.host.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if !host.is_loopback() {
        eprintln!(
            "warning: serving on {host}: anyone who can reach this machine can read the \
             project's quotes{}",
            if args.code {
                " and change its codings"
            } else {
                ""
            }
        );
    }
    let state = AppState::open(project, args.code)?;
    let quiet = context.quiet;
    let open = args.open;
    serve_blocking(state, SocketAddr::new(host, args.port), |bound| {
        let url = format!("http://{bound}/");
        if !quiet {
            println!("serving {url} (Ctrl-C stops)");
        }
        if open {
            let _ = std::process::Command::new(if cfg!(target_os = "macos") {
                "open"
            } else {
                "xdg-open"
            })
            .arg(&url)
            .spawn();
        }
    })?;
    Ok(())
}
