//! GUIDs that stay the same across exports: derived from what they name rather than drawn
//! at random, so that a tool importing a second export of the same codebook finds the
//! same codes.

use sha2::{Digest, Sha256};

/// A GUID for `key` within `scope` (e.g. `theme` and `demo/challenge.fatigue`): the first
/// 128 bits of a SHA-256 of both, marked as a name-based GUID of version 8 (RFC 9562).
pub fn stable_guid(scope: &str, key: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(b"verbatim:");
    hash.update(scope.as_bytes());
    hash.update([0]);
    hash.update(key.as_bytes());
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A GUID as tools write it (either case, in braces or not) in one form: lower case, no
/// braces; `None` when it is not a GUID.
pub fn normal_guid(text: &str) -> Option<String> {
    let bare = text.trim().trim_start_matches('{').trim_end_matches('}');
    let groups: Vec<&str> = bare.split('-').collect();
    let shape = [8, 4, 4, 4, 12];
    let fits = groups.len() == 5
        && groups
            .iter()
            .zip(shape)
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()));
    fits.then(|| bare.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_name_gives_the_same_guid_and_others_differ() {
        let a = stable_guid("theme", "demo/challenge.fatigue");
        assert_eq!(a, stable_guid("theme", "demo/challenge.fatigue"));
        assert_ne!(a, stable_guid("theme", "demo/challenge.money"));
        assert_ne!(a, stable_guid("category", "demo/challenge.fatigue"));
        assert_eq!(normal_guid(&a), Some(a.clone()));
        assert_eq!(&a[14..15], "8", "version 8");
    }

    #[test]
    fn guids_are_read_in_either_case_with_or_without_braces() {
        let guid = "7A3C9F10-1B2C-4D5E-8F90-0123456789AB";
        let normal = "7a3c9f10-1b2c-4d5e-8f90-0123456789ab";
        assert_eq!(normal_guid(guid).as_deref(), Some(normal));
        assert_eq!(normal_guid(&format!("{{{guid}}}")).as_deref(), Some(normal));
        for bad in [
            "",
            "7A3C9F10",
            "7A3C9F10-1B2C-4D5E-8F90-0123456789AZ",
            "../../etc",
        ] {
            assert_eq!(normal_guid(bad), None, "{bad}");
        }
    }
}
