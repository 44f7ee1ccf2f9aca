//! What every request shares.

use std::sync::{Arc, RwLock};

use verbatim_project::{Project, Searchable, Silent};

/// What every request shares: the project, its search state, and whether decisions may
/// be written.
pub struct AppState {
    /// The project served.
    pub project: Project,
    search: RwLock<Arc<Searchable>>,
    /// Whether `POST /api/codings` is allowed (`--code`).
    pub writable: bool,
    /// Decisions are written one at a time.
    pub(crate) writes: tokio::sync::Mutex<()>,
}

impl AppState {
    /// Brings the project up to date and opens it for searching.
    pub fn open(project: Project, writable: bool) -> verbatim_project::Result<Arc<Self>> {
        let search = Searchable::open(Some(&project), &[], None, &Silent)?;
        Ok(Arc::new(AppState {
            project,
            search: RwLock::new(Arc::new(search)),
            writable,
            writes: tokio::sync::Mutex::new(()),
        }))
    }

    /// The search state as it is now.
    pub(crate) fn searchable(&self) -> Arc<Searchable> {
        match self.search.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Puts a search state brought up to date in place of the old one.
    pub(crate) fn replace(&self, search: Searchable) {
        let mut guard = match self.search.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(search);
    }
}
