//! The hash of the general misspellings table, shared by `build.rs` (which
//! lays the table out) and `typo_list.rs` (which looks words up in it).

/// Slots of the table: a power of two, about 2.7 per misspelling, so that
/// a lookup probes one or two.
pub const SLOTS: usize = 1 << 18;

/// FNV-1a (64 bits) of `word` in ASCII lowercase.
pub fn hash(word: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in word {
        h ^= u64::from(b.to_ascii_lowercase());
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
