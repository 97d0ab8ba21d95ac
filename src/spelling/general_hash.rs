//! The hash table of the general misspellings, shared by `build.rs` (which
//! lays it out) and `typo_list.rs` (which looks words up in it).

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

/// The low bits of a slot hold 1 + its line (0: an empty slot).
pub const LINE_BITS: u32 = 17;

/// The high bits of a word's hash that a slot keeps above its line.
fn tag(hash: u64) -> u32 {
    (hash >> (64 - (32 - LINE_BITS))) as u32
}

/// The slot for `line`, whose word has `hash`; `None` past `2^17 - 1` lines.
pub fn slot(line: usize, hash: u64) -> Option<u32> {
    let line = u32::try_from(line + 1)
        .ok()
        .filter(|l| *l < 1 << LINE_BITS)?;
    Some(tag(hash) << LINE_BITS | line)
}

/// What a slot says to a word of `hash`: `None`, empty (the word is not in
/// the table); `Some(None)`, another word's (the tags differ, so its line
/// need not be read); `Some(Some(line))`, a line to compare.
pub fn line(slot: u32, hash: u64) -> Option<Option<usize>> {
    let line = (slot & ((1 << LINE_BITS) - 1)).checked_sub(1)?;
    Some((slot >> LINE_BITS == tag(hash)).then_some(line as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_gives_its_line_to_its_own_word_alone() {
        let (a, b) = (hash(b"teh"), hash(b"TEH"));
        assert_eq!(a, b, "case does not change the hash");
        let other = hash(b"addtion");
        assert_ne!(tag(a), tag(other));
        let held = slot(95_959, a).expect("fits");
        assert_eq!(line(held, a), Some(Some(95_959)));
        assert_eq!(line(held, other), Some(None), "another word's slot");
        assert_eq!(line(0, a), None, "an empty slot");
        assert_eq!(line(slot(0, a).expect("fits"), a), Some(Some(0)));
        assert!(slot((1 << LINE_BITS) - 2, a).is_some());
        assert!(
            slot((1 << LINE_BITS) - 1, a).is_none(),
            "past the line bits"
        );
    }
}
