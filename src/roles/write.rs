//! Write role data as `roles.toml`, in the layout and with the comments of
//! the embedded file, so that `hblint roles extract` reproduces it exactly.

use super::RolesData;
use std::fmt::Write;

const HEADER: &str = r#"# Canonical data of the customer-facing roles, from the page "CS & SA Roles
# Overview" (content/handbook/customer-success/roles-overview.md).
#
# hblint's rules role-table, role-name and role-tier check every page against
# it. `hblint roles extract PAGE` rewrites this file from the page and
# `hblint roles check PAGE` reports every difference between the two. The
# page gives the table, the names, the tiers, the engagement-model spectrum
# and the handoff; header synonyms, name variants, misnomers, kept phrases and
# tier variants are hblint's own vocabulary and survive an extract.

"#;
const COLUMNS: &str = r#"# The comparison table's columns, in the page's order. The first is the role.
# `synonyms`: other headers that mean the same column (matched ignoring case).
"#;
const TIERS: &str = r#"# The paid service tiers, from the most pooled to the most dedicated.
# `variants`: other ways pages write the tier's name.
"#;
const ROLES: &str = r#"# The roles, in the table's order.
# `key`: the role's cell in the table's first column, as the page writes it.
# `tiers`: the tiers the role is designated for (the tiers its row names).
# `variants`: other accepted names. `misnomers`: names role-name rewrites to
# `name`. `keep`: proper names (fields, programs) that contain a misnomer and
# stay as written.
"#;
const SPECTRUM: &str = r#"# The engagement-model spectrum, from pooled to opportunity-scoped.
"#;
const HANDOFF: &str = r#"# The pre-sales to post-sales handoff: the pre-sales role, then which role
# takes the account over after the deal closes, by tier.
"#;

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| quote(s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// A TOML key: bare when it can be.
fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_owned()
    } else {
        quote(k)
    }
}

/// The data as the text of a `roles.toml`.
pub fn to_toml(data: &RolesData) -> String {
    let mut s = String::new();
    s.push_str(HEADER);
    let _ = writeln!(s, "title = {}\n", quote(&data.title));
    s.push_str(COLUMNS);
    for c in &data.columns {
        let _ = writeln!(
            s,
            "[[column]]\nid = {}\nheader = {}\nsynonyms = {}\n",
            quote(&c.id),
            quote(&c.header),
            list(&c.synonyms)
        );
    }
    s.push_str(TIERS);
    for t in &data.tiers {
        let _ = writeln!(
            s,
            "[[tier]]\nname = {}\nvariants = {}\n",
            quote(&t.name),
            list(&t.variants)
        );
    }
    s.push_str(ROLES);
    for r in &data.roles {
        let _ = writeln!(
            s,
            "[[role]]\nabbreviation = {}\nname = {}\nkey = {}\ntiers = {}\nvariants = {}\nmisnomers = {}\nkeep = {}\n",
            quote(&r.abbreviation),
            quote(&r.name),
            quote(&r.key),
            list(&r.tiers),
            list(&r.variants),
            list(&r.misnomers),
            list(&r.keep)
        );
        s.push_str("[role.cells]\n");
        // The cells in the table's column order.
        for c in &data.columns {
            if let Some(v) = r.cells.get(&c.id) {
                let _ = writeln!(s, "{} = {}", key(&c.id), quote(v));
            }
        }
        s.push('\n');
    }
    s.push_str(SPECTRUM);
    for st in &data.spectrum {
        let _ = writeln!(
            s,
            "[[spectrum]]\nmodel = {}\nroles = {}\n",
            quote(&st.model),
            list(&st.roles)
        );
    }
    s.push_str(HANDOFF);
    let _ = writeln!(
        s,
        "[handoff]\npre-sales = {}",
        quote(&data.handoff.pre_sales)
    );
    for p in &data.handoff.post_sales {
        let _ = write!(
            s,
            "\n[[handoff.post-sales]]\nrole = {}\ntiers = {}\n",
            quote(&p.role),
            list(&p.tiers)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_file_round_trips() {
        let data = RolesData::embedded().expect("valid");
        assert_eq!(to_toml(&data), super::super::EMBEDDED);
    }

    #[test]
    fn strings_are_escaped() {
        let mut data = RolesData::embedded().expect("valid");
        data.title = "A \"quoted\" \\ title\n".into();
        let back = RolesData::parse("t", &to_toml(&data)).expect("valid");
        assert_eq!(back, data);
    }
}
