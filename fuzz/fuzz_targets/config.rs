//! `verbatim.toml`: `verbatim_project::Project::load` on a scratch folder holding the
//! input as its configuration, then each source entry's facts and round, and the check
//! that keeps outputs out of the state folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbatim_project::{CONFIG_FILE, Project};

fuzz_target!(|data: &[u8]| {
    let dir = verbatim_fuzz::scratch().join("project");
    std::fs::create_dir_all(&dir).expect("scratch project folder");
    std::fs::write(dir.join(CONFIG_FILE), data).expect("write verbatim.toml");
    let Ok(project) = Project::load(&dir) else {
        return;
    };
    for source in &project.config.sources {
        let _ = source.path();
        let _ = source.round();
        let _ = source.facts();
        let _ = project.resolve(std::path::Path::new(source.path()));
    }
    if let Some(roster) = &project.config.roster {
        let _ = project.check_output(&project.resolve(roster));
    }
});
