//! The engine: documents in, findings out.
//!
//! ```text
//! inputs ──► documents (parsed once, in parallel) ──► rules ──► findings (placed, suppressed, sorted)
//!        └──► cache hit (bytes unchanged, every cross-page answer the same) ──► cached findings
//! ```
//!
//! A page's document lives only while its rules run; the outcome keeps
//! findings, never text (reports read a page again to show a line).

use crate::cache::deps::{self, Dep};
use crate::cache::{Anchors, Cache, Checked, Entry, StoredFinding};
use crate::config::Settings;
use crate::document::{Document, InputError};
use crate::finding::{Diagnostic, Finding, Severity};
use crate::inputs::SourceFile;
use crate::limits::Limits;
use crate::rules::{Context, PathDiagnostic, Rule, RuleName, RunData, RunFacts};
use crate::suppress;
use crate::workspace::{RunPage, Workspace};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The rules that will run, each with its effective severity, and the data
/// they share.
pub struct RuleSet {
    data: RunData,
    rules: Vec<(RuleName, Box<dyn Rule>, Severity)>,
}

impl RuleSet {
    /// Every rule that the settings and `--select` / `--ignore` leave on,
    /// built from the run's shared data.
    pub fn build(
        settings: &Settings,
        select: &[RuleName],
        ignore: &[RuleName],
    ) -> miette::Result<RuleSet> {
        let data = settings.run_data();
        let mut rules = Vec::new();
        for entry in &crate::rules::TABLE {
            let name = entry.name;
            if !select.is_empty() && !select.contains(&name) {
                continue;
            }
            if ignore.contains(&name) {
                continue;
            }
            let severity = match settings.severities.get(&name) {
                Some(Some(s)) => *s,
                Some(None) => continue,
                None => entry.meta.default_severity,
            };
            rules.push((name, (entry.build)(&data)?, severity));
        }
        Ok(RuleSet { data, rules })
    }

    /// Whether some rule resolves links against the tree's files.
    pub fn resolves_links(&self) -> bool {
        self.rules.iter().any(|(_, rule, _)| rule.resolves_links())
    }

    /// Whether some rule asks the tree's word counts.
    pub fn asks_word_counts(&self) -> bool {
        self.rules
            .iter()
            .any(|(_, rule, _)| rule.asks_word_counts())
    }

    pub fn is_enabled(&self, name: RuleName) -> bool {
        self.rules.iter().any(|(n, _, _)| *n == name)
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.rules.iter().map(|(n, _, _)| n.as_str()).collect()
    }

    /// What suppressions need to know of the rules, `enabled` being [`RuleSet::names`].
    fn run_rules<'a>(&self, enabled: &'a [&'static str]) -> suppress::RunRules<'a> {
        suppress::RunRules {
            enabled,
            all: enabled.len() == RuleName::COUNT,
        }
    }

    /// The severity of the rule `name`, when it runs.
    fn severity(&self, name: RuleName) -> Option<Severity> {
        self.rules
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, _, s)| *s)
    }
}

/// Everything a run produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Sorted by path, line, column.
    pub findings: Vec<Finding>,
    /// Files that could not be linted, with the reason.
    pub errors: Vec<InputError>,
    /// The pages linted, sorted by path: where to read their text again.
    pub pages: Vec<SourceFile>,
    /// Findings hidden by inline or frontmatter suppressions.
    pub suppressed: usize,
    /// Pages whose findings came from the cache.
    pub cached: usize,
    /// Where the pages are read again, and within which limits.
    pub root: PathBuf,
    pub limits: Limits,
}

impl Outcome {
    pub fn files(&self) -> usize {
        self.pages.len() + self.errors.len()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Keep the findings `keep` accepts; return how many were dropped.
    pub fn retain_findings(&mut self, keep: impl FnMut(&Finding) -> bool) -> usize {
        let before = self.findings.len();
        self.findings.retain(keep);
        before - self.findings.len()
    }

    /// A linted page.
    pub fn page(&self, path: &str) -> Option<&SourceFile> {
        self.pages
            .binary_search_by(|p| p.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.pages[i])
    }

    /// The text of a linted page, read again (the run keeps no text).
    pub fn text(&self, path: &str) -> Option<PageText> {
        let bytes = crate::workspace::read(self.page(path)?, &self.root, &self.limits).ok()?;
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        PageText::new(std::str::from_utf8(body).ok()?.to_owned()).into()
    }

    /// A linted page, read and parsed again.
    pub fn document(&self, path: &str) -> Option<Document> {
        crate::workspace::load(self.page(path)?, &self.root, &self.limits).ok()
    }

    /// The linted pages that have a finding with a fix, parsed again.
    pub fn documents_with_fixes(&self) -> Vec<Document> {
        self.documents_with(|_| true)
    }

    /// The linted pages that have a finding with a fix `keep` takes, parsed
    /// again, by path.
    pub fn documents_with(&self, keep: impl Fn(&crate::finding::Fix) -> bool) -> Vec<Document> {
        let mut paths: Vec<&str> = self
            .findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(&keep))
            .map(|f| f.path.as_str())
            .collect();
        paths.dedup();
        paths.into_iter().filter_map(|p| self.document(p)).collect()
    }
}

/// A page's text with its line starts, for showing a finding's line.
#[derive(Debug, Clone)]
pub struct PageText {
    pub text: String,
    line_starts: Vec<usize>,
}

impl PageText {
    pub fn new(text: String) -> PageText {
        let line_starts = crate::document::line_starts(&text);
        PageText { text, line_starts }
    }

    /// The byte range of a 1-based line, without its line ending.
    pub fn line_range(&self, line: usize) -> Option<std::ops::Range<usize>> {
        crate::document::line_range_in(&self.text, &self.line_starts, line)
    }
}

/// The cache for a run under `settings`: none with `no_cache`, else in
/// `dir` or the default folder for the root (see [`crate::cache`]).
pub fn open_cache(settings: &Settings, dir: Option<&std::path::Path>, no_cache: bool) -> Cache {
    if no_cache {
        return Cache::disabled();
    }
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => crate::cache::default_dir(&settings.root),
    };
    // Every setting but the word list, whose set prints in no fixed order.
    let Settings {
        root,
        config_path,
        severities,
        files,
        links,
        ignore,
        roles,
        roles_name,
        vocabulary,
        corrections,
        labels,
        terms,
        terms_broad,
        limits,
    } = settings;
    let digest = format!(
        "{config_path:?}|{severities:?}|{files:?}|{links:?}|{ignore:?}|{roles:?}|\
         {roles_name:?}|{:x}|{corrections:?}|{labels:?}|{terms:?}|{terms_broad}|{limits:?}",
        vocabulary.digest()
    );
    // Findings name pages by their path below the root: a checkout of the
    // same tree elsewhere (another CI job's build folder) shares the cache.
    let root = format!("{root:?}");
    let root = root.trim_matches('"');
    let digest = match root.is_empty() {
        true => digest,
        false => digest.replace(root, "<root>"),
    };
    let cache = Cache::open(dir, crate::cache::fingerprint(&digest));
    cache.forget_other_generations();
    cache
}

/// Read and parse one file, within `limits` (see [`crate::workspace::load`]).
pub fn load(file: &SourceFile, root: &Path, limits: &Limits) -> Result<Document, InputError> {
    crate::workspace::load(file, root, limits)
}

/// Lint `files` with `rules`.
pub fn lint(
    settings: &Settings,
    rules: &RuleSet,
    workspace: &Workspace,
    files: &[SourceFile],
    run: &RunFacts,
) -> Outcome {
    lint_with_progress(settings, rules, workspace, files, run, &|| {})
}

/// A file of the run before its rules run: what the cache knows of it.
enum Probe {
    /// Could not be read.
    Error(InputError),
    /// Its bytes' hash (when the cache is on) and the cache's entry for them.
    Read(Option<String>, Option<Entry>),
}

/// One page's share of the outcome.
enum PageResult {
    Error(InputError),
    Checked {
        kept: Vec<Finding>,
        hidden: usize,
        /// The `[[ignore]]` tables that hid a finding, with the rule.
        ignored_by: Vec<(usize, &'static str)>,
        cached: bool,
    },
}

/// A run-level diagnostic waiting for its page.
type RunLevel = (&'static str, Severity, PathDiagnostic);

/// A small run counts the tree's words ahead of need only when the pages it
/// must check hold this many bytes. In the handbook, 9 in 10 pages of 10 KB
/// or more have a word whose judgement needs the counts, and few pages under
/// 2 KB do; a run that never reads the counts would only have shared its
/// cores with them.
const COUNT_AHEAD_BYTES: u64 = 16 * 1024;

/// [`lint`], calling `tick` once per file linted (from any thread).
///
/// Pages stream: each is read, parsed, checked and dropped, keeping only
/// its findings; a page whose cache entry still holds is not parsed at all.
pub fn lint_with_progress(
    settings: &Settings,
    rules: &RuleSet,
    workspace: &Workspace,
    files: &[SourceFile],
    run: &RunFacts,
    tick: &(dyn Fn() + Sync),
) -> Outcome {
    std::thread::scope(|scope| {
        // The tree's file list is built on a thread of its own while the
        // pages are read, parsed and checked: a rule that resolves a link
        // waits for it then, not the whole run before the first page.
        let index = rules
            .resolves_links()
            .then(|| scope.spawn(|| workspace.prepare_index()));
        let job = Job {
            settings,
            rules,
            workspace,
            files,
            run,
            tick,
        };
        let outcome = lint_pages(job, &|to_check| {
            // A small run with enough text to check counts the tree's words
            // meanwhile too (see `spelling::frequency`), if a rule asks them.
            let ahead = files.len() < crate::spelling::frequency::TREE_SIZE
                && rules.asks_word_counts()
                && to_check.iter().map(|f| f.content.size()).sum::<u64>() >= COUNT_AHEAD_BYTES;
            if ahead {
                rules.data.count_words_ahead();
            }
            ahead
        });
        if let Some(index) = index
            && let Err(panic) = index.join()
        {
            std::panic::resume_unwind(panic);
        }
        workspace.save_stamps();
        if workspace.cache.is_enabled()
            && workspace.is_whole_tree(files.iter().map(|f| f.path.as_str()))
        {
            workspace.cache.sweep();
        }
        outcome
    })
}

/// What [`lint_with_progress`] was given.
#[derive(Clone, Copy)]
struct Job<'a> {
    settings: &'a Settings,
    rules: &'a RuleSet,
    workspace: &'a Workspace,
    files: &'a [SourceFile],
    run: &'a RunFacts,
    tick: &'a (dyn Fn() + Sync),
}

/// [`lint_with_progress`] once the tree's file list is on its way;
/// `checking` is called with the pages that must be checked (not taken
/// from the cache), and tells whether the tree's words are being counted ahead.
fn lint_pages(job: Job<'_>, checking: &dyn Fn(&[&SourceFile]) -> bool) -> Outcome {
    let (settings, rules, workspace, files) = (job.settings, job.rules, job.workspace, job.files);
    let cache = &workspace.cache;
    let probes: Vec<Probe> = files
        .par_iter()
        .map(|f| {
            if !cache.is_enabled() {
                return Probe::Read(None, None);
            }
            match workspace.probe(f) {
                Err(e) => Probe::Error(e),
                Ok(hash) => {
                    let entry = cache.load(&f.path, &hash);
                    Probe::Read(Some(hash), entry)
                }
            }
        })
        .collect();
    let run_pages: HashMap<String, RunPage> = files
        .iter()
        .zip(&probes)
        .map(|(f, probe)| {
            let page = match probe {
                Probe::Read(_, Some(entry)) => RunPage::Cached(Arc::new(entry.anchors.to_set())),
                _ => RunPage::Source(f.content.clone()),
            };
            (f.path.clone(), page)
        })
        .collect();
    workspace.register_run(run_pages);
    let hashes = probes
        .iter()
        .map(|p| match p {
            Probe::Read(hash, _) => hash.clone(),
            Probe::Error(_) => None,
        })
        .collect();
    rules
        .data
        .set_run_pages(files.to_vec(), hashes, cache, workspace.stamped_hashes());
    let to_check: Vec<&SourceFile> = files
        .iter()
        .zip(&probes)
        .filter(|(_, p)| matches!(p, Probe::Read(_, None)))
        .map(|(f, _)| f)
        .collect();
    let counting_ahead = !to_check.is_empty() && checking(&to_check);

    let mut linted: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    linted.sort();
    let ctx = Context {
        data: &rules.data,
        workspace,
        run: job.run,
        linted: &linted,
    };
    // What the per-page rules read besides the page and the tree.
    let run_key = crate::cache::hash_str(&format!(
        "{:?} {:?}",
        rules
            .rules
            .iter()
            .map(|(n, _, s)| (n.as_str(), *s))
            .collect::<Vec<_>>(),
        job.run.deleted
    ));

    // Run-level findings first, by path, so that suppressions see them too.
    let mut run_level: HashMap<String, Vec<RunLevel>> = HashMap::new();
    for (name, rule, severity) in &rules.rules {
        let mut out: Vec<PathDiagnostic> = Vec::new();
        rule.check_run(&ctx, &mut out);
        for pd in out {
            run_level
                .entry(pd.path.clone())
                .or_default()
                .push((name.as_str(), *severity, pd));
        }
    }

    // While the counts are made ahead, the rules that may wait for them
    // come last on each page: its other rules (and the anchors of the pages
    // it links to) are done meanwhile. The findings are sorted later. (A
    // tree's run counts on first ask, before other pages are parsed for
    // their anchors: its peak memory stays lower.)
    let (waiting, ready): (Vec<_>, Vec<_>) = rules
        .rules
        .iter()
        .partition(|(_, rule, _)| counting_ahead && rule.asks_word_counts());
    let page = PageCheck {
        settings,
        rules,
        order: ready.into_iter().chain(waiting).collect(),
        ctx: &ctx,
        run_key,
    };
    let results: Vec<PageResult> = files
        .par_iter()
        .zip(probes)
        .map(|(file, probe)| {
            let result = match probe {
                Probe::Error(e) => PageResult::Error(e),
                Probe::Read(hash, entry) => {
                    let early = run_level.get(&file.path).map(Vec::as_slice);
                    let reused = match (early, entry) {
                        (None, Some(entry)) => page.reuse(&file.path, entry),
                        _ => None,
                    };
                    match reused {
                        Some(r) => r,
                        None => page.check(file, hash, early.unwrap_or_default()),
                    }
                }
            };
            (job.tick)();
            result
        })
        .collect();

    let mut findings = Vec::new();
    let mut errors = Vec::new();
    let mut suppressed = 0;
    let mut cached = 0;
    let mut ignored_by = std::collections::HashSet::new();
    let mut pages = Vec::with_capacity(files.len());
    for (file, result) in files.iter().zip(results) {
        match result {
            PageResult::Error(e) => errors.push(e),
            PageResult::Checked {
                kept,
                hidden,
                ignored_by: ignored,
                cached: from_cache,
            } => {
                findings.extend(kept);
                suppressed += hidden;
                ignored_by.extend(ignored);
                cached += usize::from(from_cache);
                pages.push(file.clone());
            }
        }
    }
    let enabled = rules.names();
    let run_rules = rules.run_rules(&enabled);
    let unused_severity = rules.severity(RuleName::UnusedSuppression);
    for (path, found) in run_level {
        if files.iter().any(|f| f.path == path) {
            continue;
        }
        let found = found
            .into_iter()
            .map(|(name, severity, pd)| {
                let mut f = place(None, &pd.path, name, severity, pd.diagnostic);
                if let Some((start, end)) = pd.position {
                    f.start = start;
                    f.end = end;
                }
                f
            })
            .collect();
        let s = suppress::suppress(&path, None, found, &settings.ignore, &run_rules);
        findings.extend(s.kept);
        suppressed += s.hidden;
        ignored_by.extend(s.ignored_by);
    }
    if let Some(severity) = unused_severity
        && !settings.ignore.is_empty()
    {
        let linted: std::collections::HashSet<&str> =
            pages.iter().map(|p| p.path.as_str()).collect();
        for u in settings
            .ignore
            .unused(&ignored_by, &run_rules, workspace.pages(), &linted)
        {
            findings.push(Finding {
                rule: RuleName::UnusedSuppression.as_str(),
                severity,
                path: u.origin.path,
                range: 0..0,
                start: u.origin.start,
                end: u.origin.end,
                message: u.message,
                help: Some(u.help),
                fix: None,
            });
        }
    }

    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    errors.sort_by(|a, b| a.path().cmp(b.path()));
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Outcome {
        findings,
        errors,
        pages,
        suppressed,
        cached,
        root: settings.root.clone(),
        limits: settings.limits,
    }
}

/// What checking one page needs.
struct PageCheck<'a> {
    settings: &'a Settings,
    rules: &'a RuleSet,
    /// The rules in the order they check a page.
    order: Vec<&'a (RuleName, Box<dyn Rule>, Severity)>,
    ctx: &'a Context<'a>,
    run_key: u64,
}

impl PageCheck<'_> {
    /// The cached findings of a page, if every question they depended on
    /// gets the same answer in this run.
    fn reuse(&self, path: &str, entry: Entry) -> Option<PageResult> {
        let checked = entry.checked?;
        if checked.run != self.run_key || !self.deps_hold(&checked) {
            return None;
        }
        let kept = checked
            .findings
            .iter()
            .map(|f| f.to_finding(path))
            .collect::<Option<Vec<_>>>()?;
        let ignored_by = checked
            .ignored_by
            .iter()
            .map(|(table, rule)| Some((*table, rule.parse::<RuleName>().ok()?.as_str())))
            .collect::<Option<Vec<_>>>()?;
        Some(PageResult::Checked {
            kept,
            hidden: checked.hidden,
            ignored_by,
            cached: true,
        })
    }

    fn deps_hold(&self, checked: &Checked) -> bool {
        let w = self.ctx.workspace;
        let words_same =
            checked.words.is_some() && checked.words == self.ctx.data.word_counts_key();
        // Asked only when an entry has a question about links.
        let links_same = || checked.links.is_some_and(|d| d == w.links_digest());
        checked.deps.iter().all(|dep| match dep {
            Dep::Resolve { .. } | Dep::NamesPage { .. } if links_same() => true,
            Dep::Resolve { from, dest, answer } => deps::digest(&w.resolve(from, dest)) == *answer,
            Dep::NamesPage {
                from,
                dest,
                page,
                answer,
            } => w.names_page(from, dest, page) == *answer,
            Dep::Anchors { page, answer } => {
                deps::digest(&w.anchors(page).as_deref().map(|a| (&a.list, a.complete))) == *answer
            }
            Dep::HasAnchor { page, id, answer } => w.has_anchor(page, id) == *answer,
            Dep::Suggest { url, answer } => {
                checked.targets == w.targets_digest() || deps::digest(&w.suggest(url)) == *answer
            }
            Dep::WordPages { .. } | Dep::WordOccurrences { .. } | Dep::TotalPages { .. }
                if words_same =>
            {
                true
            }
            Dep::WordPages { word, answer } => self.ctx.data.word_counts().pages(word) == *answer,
            Dep::WordOccurrences { word, answer } => {
                self.ctx.data.word_counts().occurrences(word) == *answer
            }
            Dep::TotalPages { answer } => self.ctx.data.word_counts().total_pages() == *answer,
        })
    }

    /// Parse and check a page, and keep what it found in the cache.
    fn check(&self, file: &SourceFile, hash: Option<String>, early: &[RunLevel]) -> PageResult {
        let workspace = self.ctx.workspace;
        let doc = match workspace.take_parked(&file.path) {
            Some(doc) => doc,
            None => match load(file, &self.settings.root, &self.settings.limits) {
                Ok(doc) => doc,
                Err(e) => return PageResult::Error(e),
            },
        };
        let anchors = workspace.settle_anchors(&doc);
        deps::start();
        let s = self.check_document(&doc, early);
        let found = deps::finish();
        if let Some(hash) = hash
            && early.is_empty()
        {
            let cache = &workspace.cache;
            let mut entry = cache.entry(&doc.path, &hash, Anchors::of(&anchors));
            entry.checked = Some(Checked {
                run: self.run_key,
                findings: s.kept.iter().map(StoredFinding::of).collect(),
                hidden: s.hidden,
                ignored_by: s
                    .ignored_by
                    .iter()
                    .map(|(table, rule)| (*table, (*rule).to_owned()))
                    .collect(),
                deps: found,
                targets: workspace.targets_digest(),
                words: self.ctx.data.word_counts_key(),
                links: workspace.links_digest_known(),
            });
            cache.store(&entry);
        }
        PageResult::Checked {
            kept: s.kept,
            hidden: s.hidden,
            ignored_by: s.ignored_by,
            cached: false,
        }
    }

    /// Every rule on one document, then its suppressions.
    fn check_document(&self, doc: &Document, early: &[RunLevel]) -> suppress::Suppressed {
        let (settings, rules) = (self.settings, self.rules);
        let mut found: Vec<Finding> = early
            .iter()
            .map(|(name, severity, pd)| {
                place(Some(doc), &doc.path, name, *severity, pd.diagnostic.clone())
            })
            .collect();
        for (name, rule, severity) in self.order.iter().copied() {
            let mut diagnostics = Vec::new();
            rule.check(doc, self.ctx, &mut diagnostics);
            let name = name.as_str();
            found.extend(
                diagnostics
                    .into_iter()
                    .map(|d| place(Some(doc), &doc.path, name, *severity, d)),
            );
        }
        let enabled = rules.names();
        let run_rules = rules.run_rules(&enabled);
        let unused_severity = rules.severity(RuleName::UnusedSuppression);
        let invalid_severity = rules.severity(RuleName::InvalidSuppression);
        let mut s = suppress::suppress(&doc.path, Some(doc), found, &settings.ignore, &run_rules);
        let invalid = std::mem::take(&mut s.invalid);
        if let Some(severity) = invalid_severity {
            // Not silenced by comments (they are what is wrong); the
            // config's `[[ignore]]` still applies, and counts as used.
            let name = RuleName::InvalidSuppression.as_str();
            for d in invalid {
                match settings.ignore.ignoring(&doc.path, name) {
                    Some(table) => s.ignored_by.push((table, name)),
                    None => s.kept.push(place(Some(doc), &doc.path, name, severity, d)),
                }
            }
        }
        if let Some(severity) = unused_severity {
            // The engine's own findings obey the page's and the config's
            // suppressions of `unused-suppression` too.
            let unused = std::mem::take(&mut s.unused)
                .into_iter()
                .map(|d| {
                    place(
                        Some(doc),
                        &doc.path,
                        RuleName::UnusedSuppression.as_str(),
                        severity,
                        d,
                    )
                })
                .collect();
            let again = suppress::suppress(
                &doc.path,
                Some(doc),
                unused,
                &settings.ignore,
                &suppress::RunRules {
                    enabled: &[],
                    all: false,
                },
            );
            s.kept.extend(again.kept);
            s.ignored_by.extend(again.ignored_by);
        }
        s
    }
}

/// Turn a rule's diagnostic into a finding with line and column.
pub fn place(
    doc: Option<&Document>,
    path: &str,
    rule: &'static str,
    severity: Severity,
    d: Diagnostic,
) -> Finding {
    let (start, end) = match doc {
        Some(doc) => (doc.locate(d.range.start), doc.locate(d.range.end)),
        None => Default::default(),
    };
    let start = if start.line == 0 {
        crate::finding::Position { line: 1, column: 1 }
    } else {
        start
    };
    let end = if end.line == 0 { start } else { end };
    let mut fix = d.fix;
    if let (Some(doc), Some(fix)) = (doc, fix.as_mut()) {
        fix.placement = crate::fix::placement(doc, fix);
    }
    Finding {
        rule,
        severity,
        path: path.to_owned(),
        range: d.range,
        start,
        end,
        message: d.message,
        help: d.help,
        fix,
    }
}
