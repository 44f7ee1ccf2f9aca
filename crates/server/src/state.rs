//! What every request shares.

use std::sync::{Arc, RwLock};

use verbatim_project::{Project, Searchable, Silent, SourceTexts};

/// What every request shares: the project, its search state, and whether decisions may
/// be written.
pub struct AppState {
    /// The project served.
    pub project: Project,
    search: RwLock<Arc<Searchable>>,
    /// The sources' texts by name, for quote pages (listed once, not per request).
    sources: RwLock<Arc<SourceTexts>>,
    /// Whether `POST /api/codings` is allowed (`--code`).
    pub writable: bool,
    /// Decisions are written one at a time.
    pub(crate) writes: tokio::sync::Mutex<()>,
}

impl AppState {
    /// Brings the project up to date and opens it for searching.
    pub fn open(project: Project, writable: bool) -> verbatim_project::Result<Arc<Self>> {
        let search = Searchable::open(Some(&project), &[], None, &Silent)?;
        let sources = SourceTexts::open(&project)?;
        Ok(Arc::new(AppState {
            project,
            search: RwLock::new(Arc::new(search)),
            sources: RwLock::new(Arc::new(sources)),
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

    /// The sources as listed when the search state was made.
    pub(crate) fn sources(&self) -> Arc<SourceTexts> {
        match self.sources.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Puts a search state brought up to date, and the source list it was made from, in
    /// place of the old ones.
    pub(crate) fn replace(&self, search: Searchable, sources: SourceTexts) {
        let mut guard = match self.search.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(search);
        let mut guard = match self.sources.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(sources);
    }
}
