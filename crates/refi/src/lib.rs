//! REFI-QDA exchange: the interchange standard NVivo, ATLAS.ti, MAXQDA and QualCoder read
//! and write. This crate turns a Verbatim codebook into a REFI codebook (`.qdc`, XML in
//! the `urn:QDA-XML:codebook:1.0` namespace) and reads one back, and writes and reads
//! whole projects (`.qdpx`: a ZIP of `project.qde` and the sources' texts) as
//! [`ProjectExchange`] values, which the engine builds from and turns into projects.
//!
//! A `.qdc` holds codes nested in codes, each with a GUID, a name, a description and a
//! colour. Verbatim writes each category as a code that is not codable, holding its themes
//! as codable codes; GUIDs are derived from the codebook's and the theme's ids, so that
//! every export of the same codebook names each code alike and a tool that imports twice
//! sees the same codes. Reading accepts what tools write (codes nested at any depth, codes
//! at the top level, GUIDs in either case or braces) and refuses what could harm the
//! reader (a DOCTYPE, where entities are defined).
//!
//! # Example
//!
//! ```
//! use verbatim_model::Codebook;
//! use verbatim_refi::{read_codebook, write_codebook};
//!
//! let codebook = Codebook::from_toml_str(
//!     "[codebook]\nid = \"demo\"\nname = \"Demo\"\n\
//!      [[category]]\nid = \"challenge\"\nname = \"Challenges\"\n\
//!      [[theme]]\nid = \"challenge.fatigue\"\ncategory = \"challenge\"\nname = \"Fatigue\"\n\
//!      description = \"Staff worn out\"\n",
//!     "demo.toml",
//! )?;
//! let qdc = write_codebook(&codebook)?;
//! assert!(qdc.contains("name=\"Fatigue\""));
//! let back = read_codebook(&qdc, "demo.qdc", Some(&codebook))?;
//! assert_eq!(back.themes[0].id, "challenge.fatigue");
//! assert_eq!(back.themes[0].description.as_deref(), Some("Staff worn out"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod archive;
mod codebook;
mod error;
mod exchange;
mod guid;
mod qde_read;
mod qde_write;
mod xml;

pub use archive::{
    MOST_ENTRIES, MOST_RATIO, MOST_UNPACKED, UnpackedArchive, VERBATIM_FOLDER, read_qdpx,
    unpack_qdpx, write_qdpx,
};
pub use codebook::{read_codebook, write_codebook};
pub use error::RefiError;
pub use exchange::{Case, Coding, Counts, Note, ProjectExchange, Selection, TextSource, User};
pub use guid::{normal_guid, stable_guid};
pub use qde_read::{ArchiveFiles, read_qde};
pub use qde_write::write_qde;
