//! `role-tier`: prose that pairs a role with a tier the role data does not.

use super::{Context, FixAvailability, Rule, RuleMeta, RunData};
use crate::document::Document;
use crate::document::passage::Passage;
use crate::finding::{Diagnostic, Severity};
use crate::roles::RolesData;
use crate::roles::mentions::{Matcher, RoleMention, TierMention};
use regex::Regex;
use std::sync::LazyLock;

pub static META: RuleMeta = RuleMeta {
    name: "role-tier",
    default_severity: Severity::Error,
    summary: "Prose pairs a role with a tier contrary to the canonical tier mapping",
    fix: FixAvailability::Never,
    doc: r#"# role-tier

## What it does
Finds statements that clearly pair a role with a paid service tier, and
reports those the canonical role data contradicts. The data designates the
CSE for On-Demand, the CSM for Essentials, the CSA for Advanced and Signature
and the ASE for Signature, and hands accounts over after the sale the same
way (On-Demand to the CSE, Essentials to the CSM, Advanced and Signature to
the CSA).

Only two shapes of statement count, so that the rule stays precise:
- the role, then what it does for the tier: `CSM for Advanced tier
  customers`, `the CSA owns Essentials accounts`, `the CSM is the designated
  contact for Signature tier accounts`;
- the tier, then who serves it: `Advanced tier customers are assigned a
  CSM`, `For Essentials customers, the CSA …`;
- either in brackets after the other: `Success On-Demand (CSM)`,
  `Assigned Support Engineer (ASE) (Advanced tier)`.
A tier counts only when written as one (`Advanced tier`, `Essentials
customers`, `Success On-Demand`), never the adjective `advanced`. A negation
(`not`, `never`, `instead of`, `rather than`, `unlike`) near the pairing
turns the check off. Roles the data designates for no tier (SA, PSE, RM) are
not checked.

## Why is this bad?
Customers and team members use these pages to find who serves an account.
A page that says the CSM owns Advanced tier accounts contradicts the tier
mapping and sends the customer to the wrong person.

## Example
```markdown
After the deal closes, the CSM for Advanced tier customers takes over.
```
Use instead:
```markdown
After the deal closes, the CSA for Advanced tier customers takes over.
```

## How to fix
Name the role the help gives. If the tier mapping itself has changed, update
the roles overview page and the role data (`hblint roles extract`).
To silence one place: `<!-- hblint-disable-next-line role-tier -->`.
"#,
};

/// What may stand between a role and the tier it serves: `for`, `owns`,
/// `is the designated contact for` …
static ROLE_TO_TIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:'s|’s)?\s*(?:\([A-Za-z]{2,4}s?\)\s*)?",
        r"(?:(?:is|are|will be|becomes?|remains?)\s+)?",
        r"(?:(?:the|a|an)\s+)?",
        r"(?:(?:designated|dedicated|assigned|primary|named|main|post-sales|technical|single|default)\s+){0,3}",
        r"(?:(?:owner|owners|contact|contacts|advisor|advisors|point of contact|resource)\s+)?",
        r"(?:(?:for|to|owns?|covers?|serves?|supports?|handles?|manages?|works? with|(?:is|are) assigned to|assigned to|(?:is|are) responsible for)\s+",
        r"(?:(?:all|the|our|every|each|its|their)\s+)?|\(\s*)$"
    ))
    .expect("static regex")
});

/// What may stand between a tier and the role that serves it.
static TIER_TO_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:\s+Success)?(?:\s+[Tt]iers?)?\s*\(\s*$|",
        r"^(?:\s+Success)?(?:\s+[Tt]iers?)?(?:\s+(?:customers?|accounts?|subscriptions?|subscribers?))?\s+",
        r"(?:(?:are|is|will be)\s+)?",
        r"(?:assigned|get|gets|have|has|receive|receives|work with|works with|(?:are |is )?(?:served|supported|covered|owned|managed|handled) by)\s+",
        r"(?:(?:a|an|the|their|your|one|its)\s+)?(?:(?:designated|dedicated|assigned|named)\s+)?$"
    ))
    .expect("static regex")
});

/// `For Essentials tier customers, your CSA …`
static FOR_TIER_COMMA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:\s+Success)?(?:\s+[Tt]iers?)?(?:\s+(?:customers?|accounts?))?\s*,\s+",
        r"(?:(?:a|an|the|their|your|its)\s+)?(?:(?:designated|dedicated|assigned|named)\s+)?$"
    ))
    .expect("static regex")
});

static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:not|never|no longer|instead of|rather than|unlike|except|neither|nor|without|n't)\b|n't\b")
        .expect("static regex")
});

pub struct RoleTier {
    data: crate::rules::run_data::Roles,
}

/// The tiers of a list that starts with the mention at `first`.
fn tier_list(tiers: &[TierMention], first: usize, text: &str) -> Vec<usize> {
    let mut list = vec![first];
    let mut i = first;
    while i + 1 < tiers.len() {
        let gap = &text[tiers[i].range.end..tiers[i + 1].range.start];
        let joiner = matches!(
            gap.trim(),
            "," | "and" | "or" | "&" | "/" | ", and" | ", or"
        );
        if !joiner {
            break;
        }
        i += 1;
        list.push(i);
    }
    list
}

impl RoleTier {
    fn report(
        &self,
        data: &RolesData,
        p: &Passage,
        role: &RoleMention,
        tiers: &[&TierMention],
        out: &mut Vec<Diagnostic>,
    ) {
        let r = &data.roles[role.role];
        let wrong: Vec<&TierMention> = tiers
            .iter()
            .copied()
            .filter(|t| !data.role_serves_tier(&r.abbreviation, &data.tiers[t.tier].name))
            .collect();
        let Some(first_wrong) = wrong.first() else {
            return;
        };
        // The clause must not be negated.
        let start = role.range.start.min(first_wrong.range.start);
        let end = role.range.end.max(first_wrong.range.end);
        let clause_start = p.text[..start]
            .rfind(['.', ';', ':', '!', '?', '\n'])
            .map_or(0, |i| i + 1);
        let lookback = p.text[clause_start..start]
            .char_indices()
            .rev()
            .nth(40)
            .map_or(clause_start, |(i, _)| clause_start + i);
        if NEGATION.is_match(&p.text[lookback..end]) {
            return;
        }
        for t in wrong {
            let tier = &data.tiers[t.tier].name;
            let who = data.post_sales_role(tier).or_else(|| {
                data.roles
                    .iter()
                    .find(|x| x.tiers.iter().any(|x| x == tier))
                    .map(|x| x.abbreviation.as_str())
            });
            let designated = if r.tiers.is_empty() {
                "no tier".to_owned()
            } else {
                r.tiers.join(" and ")
            };
            let help = match who {
                Some(w) => format!(
                    "the canonical data designates the {} for {designated}; {tier} tier accounts go to the {w}",
                    r.abbreviation
                ),
                None => format!(
                    "the canonical data designates the {} for {designated}",
                    r.abbreviation
                ),
            };
            let (a, b) = if role.range.start < t.range.start {
                (role.range.start, t.range.end)
            } else {
                (t.range.start, role.range.end)
            };
            out.push(
                Diagnostic::new(
                    p.source_range(a..b),
                    format!(
                        "`{}` pairs the {} with the {tier} tier",
                        &p.text[a..b],
                        r.abbreviation
                    ),
                )
                .with_help(help),
            );
        }
    }

    fn check_passage(
        &self,
        data: &RolesData,
        matcher: &Matcher,
        p: &Passage,
        out: &mut Vec<Diagnostic>,
    ) {
        let text = &p.text;
        let tiers = matcher.tiers(data, text);
        if tiers.is_empty() {
            return;
        }
        let roles: Vec<RoleMention> = matcher
            .roles(data, text)
            .into_iter()
            .filter(|m| {
                let r = &data.roles[m.role];
                !r.tiers.is_empty()
                    || data
                        .handoff
                        .post_sales
                        .iter()
                        .any(|x| x.role == r.abbreviation)
            })
            .collect();
        // The role, then the tier.
        for role in &roles {
            let Some(first) = tiers.iter().position(|t| t.range.start >= role.range.end) else {
                continue;
            };
            if !ROLE_TO_TIER.is_match(&text[role.range.end..tiers[first].range.start]) {
                continue;
            }
            let list: Vec<&TierMention> = tier_list(&tiers, first, text)
                .into_iter()
                .map(|i| &tiers[i])
                .collect();
            self.report(data, p, role, &list, out);
        }
        // The tier, then the role.
        let mut i = 0;
        while i < tiers.len() {
            let list_idx = tier_list(&tiers, i, text);
            let last = list_idx.last().copied().unwrap_or(i);
            i = last + 1;
            let end = tiers[last].range.end;
            let Some(role) = roles.iter().find(|r| r.range.start >= end) else {
                continue;
            };
            let gap = &text[end..role.range.start];
            let before = text[..tiers[list_idx[0]].range.start].trim_end();
            let for_comma =
                (before.ends_with(" for") || before.ends_with("For") || before == "for")
                    && FOR_TIER_COMMA.is_match(gap);
            if !(TIER_TO_ROLE.is_match(gap) || for_comma) {
                continue;
            }
            let list: Vec<&TierMention> = list_idx.iter().map(|&k| &tiers[k]).collect();
            self.report(data, p, role, &list, out);
        }
    }
}

impl RoleTier {
    pub fn build(data: &RunData) -> miette::Result<Box<dyn Rule>> {
        Ok(Box::new(RoleTier { data: data.roles() }))
    }
}

impl Rule for RoleTier {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let (data, matcher) = &**self.data;
        for p in doc.passages() {
            self.check_passage(data, matcher, p, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::check_text;

    fn found(text: &str) -> Vec<String> {
        check_text(&META, text).into_iter().map(|f| f.0).collect()
    }

    #[test]
    fn contradictions_are_found() {
        assert_eq!(
            found("The CSM for Advanced tier customers.\n"),
            ["CSM for Advanced"]
        );
        assert_eq!(
            found("Then the CSA owns Essentials accounts.\n"),
            ["CSA owns Essentials"]
        );
        assert_eq!(
            found("Advanced tier customers are assigned a CSM.\n"),
            ["Advanced tier customers are assigned a CSM"]
        );
        assert_eq!(
            found("For Essentials tier customers, your **CSA** provides guidance.\n"),
            ["Essentials tier customers, your **CSA"]
        );
        assert_eq!(
            found("- CSM for Essentials and Signature tier customers\n"),
            ["CSM for Essentials and Signature"]
        );
        assert_eq!(
            found("The Success On-Demand (CSM) team.\n"),
            ["Success On-Demand (CSM"]
        );
        assert_eq!(
            found("An [Assigned Support Engineer (ASE)](/x/) (Advanced tier).\n"),
            ["Assigned Support Engineer (ASE)](/x/) (Advanced"]
        );
    }

    #[test]
    fn agreements_and_loose_text_are_not() {
        let ok = concat!(
            "- CSE for On-Demand customers\n- CSM for Essentials tier customers\n",
            "- CSA for Advanced and Signature tier customers\n\n",
            "For Advanced tier customers, your CSA provides guidance. ",
            "Signature tier customers receive an Assigned Support Engineer (ASE). ",
            "The CSM does not cover Advanced tier accounts. ",
            "A CSM for advanced customers. The SA for Essentials tier deals. ",
            "CSMs teach GitLab Security Essentials courses. The Success On-Demand (CSE) team, ",
            "an [Assigned Support Engineer (ASE)](/x/) (Signature tier), Advanced CI/CD (CSM-Led).\n"
        );
        assert!(found(ok).is_empty(), "{:?}", found(ok));
    }
}
