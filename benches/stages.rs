//! In-process stages of a run, on real handbook pages (`benches/fixtures/`).
//!
//! `cargo bench --bench stages` measures:
//! - `markdown/*`: the `markdown` crate's parse alone, with the options hblint
//!   uses (GFM + frontmatter) and with single constructs turned off, to show
//!   what each costs;
//! - `document/parse`: `Document::parse` (mask, parse, walk the tree);
//! - `tokenize`: splitting a page's prose into words;
//! - `words/count`: the tree's word counts over the fixture pages (what a run
//!   without a cache pays per page), and `words/lookup`: asking them for every
//!   word of a page in its written case;
//! - `rule/typo`: the typo rule over a parsed page;
//! - `lint/fixtures`: `hblint::lint` with every rule over all the fixture pages.
//!
//! Whole-command timings (pre-commit, MR job, full audit, peers) are in
//! `scripts/bench`; the figures are discussed in BENCHMARKS.md.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hblint::Document;
use hblint::RuleSet;
use hblint::Settings;
use hblint::TreeFrequency;
use hblint::words;
use hblint::{Content, SourceFile};
use hblint::{Context, RuleName, RunFacts};
use std::hint::black_box;
use std::path::Path;

/// Real pages copied from the handbook: the median page, two around the 75th
/// and 90th percentiles of size (one with many tables), one with Hugo
/// shortcodes, and one at the 99th percentile.
const FIXTURES: &[(&str, &str)] = &[
    (
        "ux-research-shareouts",
        include_str!("fixtures/ux-research-shareouts.md"),
    ),
    (
        "solutions-architects",
        include_str!("fixtures/solutions-architects.md"),
    ),
    (
        "commercial-enablement",
        include_str!("fixtures/commercial-enablement.md"),
    ),
    (
        "all-remote-getting-started",
        include_str!("fixtures/all-remote-getting-started.md"),
    ),
    ("pathfactory", include_str!("fixtures/pathfactory.md")),
];

fn page_path(name: &str) -> String {
    format!("content/handbook/{name}/_index.md")
}

fn parse(name: &str, text: &str) -> Document {
    match Document::parse(&page_path(name), text.to_owned(), false) {
        Ok(doc) => doc,
        Err(e) => panic!("fixture {name} does not parse: {e}"),
    }
}

/// A change to the parse options, to measure what one construct costs.
type OptionsChange = fn(&mut markdown::ParseOptions);

fn hblint_options() -> markdown::ParseOptions {
    let mut options = markdown::ParseOptions::gfm();
    options.constructs.frontmatter = true;
    options
}

fn markdown_crate(c: &mut Criterion) {
    let mut group = c.benchmark_group("markdown");
    for (name, text) in FIXTURES {
        group.throughput(Throughput::Bytes(text.len() as u64));
        let options = hblint_options();
        group.bench_with_input(BenchmarkId::new("gfm+frontmatter", name), text, |b, t| {
            b.iter(|| markdown::to_mdast(black_box(t), &options))
        });
    }
    // What single constructs cost, on the largest page.
    let (name, text) = FIXTURES[FIXTURES.len() - 1];
    group.throughput(Throughput::Bytes(text.len() as u64));
    let variants: [(&str, OptionsChange); 5] = [
        ("no-autolink-literal", |o| {
            o.constructs.gfm_autolink_literal = false
        }),
        ("no-gfm-table", |o| o.constructs.gfm_table = false),
        ("no-frontmatter", |o| o.constructs.frontmatter = false),
        ("no-html", |o| {
            o.constructs.html_flow = false;
            o.constructs.html_text = false
        }),
        ("commonmark-only", |o| {
            *o = markdown::ParseOptions::default()
        }),
    ];
    for (label, change) in variants {
        let mut options = hblint_options();
        change(&mut options);
        group.bench_with_input(BenchmarkId::new(label, name), text, |b, t| {
            b.iter(|| markdown::to_mdast(black_box(t), &options))
        });
    }
    group.finish();
}

fn document_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("document/parse");
    for (name, text) in FIXTURES {
        group.throughput(Throughput::Bytes(text.len() as u64));
        let path = page_path(name);
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, t| {
            b.iter(|| Document::parse(&path, black_box(t).to_string(), false))
        });
    }
    group.finish();
}

fn tokenize(c: &mut Criterion) {
    let mut group = c.benchmark_group("tokenize");
    for (name, text) in FIXTURES {
        let doc = parse(name, text);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                black_box(&doc)
                    .prose()
                    .map(|(_, run)| words(run).len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

fn word_counts(c: &mut Criterion) {
    let bytes: usize = FIXTURES.iter().map(|(_, t)| t.len()).sum();
    let mut group = c.benchmark_group("words");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("count", |b| {
        b.iter(|| TreeFrequency::from_pages(FIXTURES.iter().map(|(_, t)| black_box(*t))))
    });
    let freq = TreeFrequency::from_pages(FIXTURES.iter().map(|(_, t)| *t));
    let asked: Vec<&str> = FIXTURES
        .iter()
        .flat_map(|(_, t)| t.split(|c: char| !c.is_alphabetic()))
        .filter(|w| w.len() > 1)
        .collect();
    group.throughput(Throughput::Elements(asked.len() as u64));
    group.bench_function("lookup", |b| {
        b.iter(|| asked.iter().map(|w| freq.pages(black_box(w))).sum::<u32>())
    });
    group.finish();
}

fn typo_rule(c: &mut Criterion) {
    let settings = Settings::defaults(Path::new("/nonexistent-bench-root"));
    let data = settings.run_data();
    let rule = match (hblint::entry(RuleName::Typo).build)(&data) {
        Ok(rule) => rule,
        Err(e) => panic!("the typo rule does not build: {e:?}"),
    };
    let workspace = settings.workspace();
    let run = RunFacts::default();
    let mut group = c.benchmark_group("rule/typo");
    for (name, text) in FIXTURES {
        let docs = [parse(name, text)];
        let linted = vec![docs[0].path.clone()];
        let ctx = Context {
            data: &data,
            workspace: &workspace,
            run: &run,
            linted: &linted,
        };
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                let mut out = Vec::new();
                rule.check(black_box(&docs[0]), &ctx, &mut out);
                out
            })
        });
    }
    group.finish();
}

fn lint_all(c: &mut Criterion) {
    let settings = Settings::defaults(Path::new("/nonexistent-bench-root"));
    let rules = match RuleSet::build(&settings, &[], &[]) {
        Ok(rules) => rules,
        Err(e) => panic!("rules do not build: {e:?}"),
    };
    let workspace = settings.workspace();
    let run = RunFacts::default();
    let files: Vec<SourceFile> = FIXTURES
        .iter()
        .map(|(name, text)| SourceFile {
            path: page_path(name),
            content: Content::Bytes(text.as_bytes().to_vec()),
        })
        .collect();
    let bytes: usize = FIXTURES.iter().map(|(_, t)| t.len()).sum();
    let mut group = c.benchmark_group("lint");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("fixtures", |b| {
        b.iter(|| hblint::lint(&settings, &rules, &workspace, black_box(&files), &run))
    });
    group.finish();
}

criterion_group!(
    stages,
    markdown_crate,
    document_parse,
    tokenize,
    word_counts,
    typo_rule,
    lint_all
);
criterion_main!(stages);
