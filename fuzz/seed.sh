#!/usr/bin/env bash
# Seed each fuzz target's corpus from the small files in tests/.
# The corpora (fuzz/corpus/) and any findings (fuzz/artifacts/) stay out of git.
set -euo pipefail
cd "$(dirname "$0")"
tests=../tests
max=4096

pages() { find "$tests" -type f \( -name '*.md' -o -name '*.markdown' -o -name '*.md.erb' \) -size -"$max"c; }

for target in document_parse suppressions check_page; do
    mkdir -p "corpus/$target"
    pages | while read -r f; do
        cp "$f" "corpus/$target/$(sha1sum "$f" | cut -c1-16)"
    done
done

mkdir -p corpus/config
find "$tests" -type f \( -name '*.toml' -o -name '.hblint.toml' \) -size -"$max"c | while read -r f; do
    cp "$f" "corpus/config/$(sha1sum "$f" | cut -c1-16)"
done

# Unified diffs between neighbouring pages of the fixtures, as GitLab's
# /diffs items carry them (hunks only, no file header).
mkdir -p corpus/unified_diff
mapfile -t all < <(pages | sort)
for ((i = 0; i + 1 < ${#all[@]}; i++)); do
    out="corpus/unified_diff/pair-$i"
    diff -U3 "${all[i]}" "${all[i+1]}" | sed '1,2d' > "$out" || true
    [ -s "$out" ] || rm -f "$out"
done
echo "seeded: $(for d in corpus/*; do printf '%s=%s ' "${d#corpus/}" "$(ls "$d" | wc -l)"; done)"
