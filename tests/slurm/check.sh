#!/usr/bin/env bash
# The workflow on a real SLURM (tests/slurm/cluster.sh): a small configuration run through
# --profile profiles/slurm must give byte-identical results to the same run on the local
# executor, as must the same run with the vocabulary split into chunk jobs; and a job that fails
# on a bad parameter must fail the run, naming the rule and its log.
# Usage: tests/slurm/check.sh [PYTHON]   (run as root: it installs and starts slurm-wlm and munge)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
python=${1:-$repo/.venv/bin/python}
work=$(mktemp -d /tmp/binembed-slurm.XXXXXX)
cluster=$work/cluster
passed=0
failed=0

"$repo/tests/slurm/cluster.sh" install
trap '"$repo/tests/slurm/cluster.sh" stop "$cluster"; rm -rf "$work"' EXIT
"$repo/tests/slurm/cluster.sh" start "$cluster"
export SLURM_CONF=$cluster/slurm.conf

cat > "$work/small.yaml" <<YAML
mirror: $repo/../shared/data
embeddings: [w2v-googlenews-subset]
methods: [sign, lif]
tuning: {methods: [lif], grid: {default: {tol: [5, 10], i_boost: [100.0, 200.0], v_th: [15.0]}}}
evaluation:
  word_similarity: [ws353-all, simlex999, rw]
  classification: [sst2]
  knn: {k_candidates: [1, 5], n_folds: 3, seed: 0}
YAML

run() {  # run DIR EXTRA_ARGS...: the small configuration in DIR
  local dir=$1
  shift
  mkdir -p "$dir"
  (cd "$dir" && "$python" -m snakemake --snakefile "$repo/Snakefile" \
    --configfile "$repo/config.yaml" "$work/small.yaml" "$@")
}

check() {  # check NAME CONDITION...: count a named assertion
  local name=$1
  shift
  if "$@"; then
    echo "ok: $name"
    passed=$((passed + 1))
  else
    echo "FAILED: $name"
    failed=$((failed + 1))
  fi
}

same_results() {  # same_results DIR: every result file of DIR is the local run's, but the measured run
  # and query times (and the page that shows them) and the fitted models a chunked run keeps
  local measured=(! -name benchmarks.csv ! -name 'speed.*' ! -name 'recall_vs_cost.*' ! -name report.html ! -path 'results/models/*')
  (cd "$work/local" && find results -type f "${measured[@]}" | sort | xargs sha256sum) > "$work/local.sums"
  (cd "$1" && find results -type f "${measured[@]}" | sort | xargs sha256sum) > "$1.sums"
  diff "$work/local.sums" "$1.sums" && [ "$(wc -l < "$work/local.sums")" -gt 5 ]
}

start=$(date +%s)
run "$work/slurm" --profile "$repo/profiles/slurm" --seconds-between-status-checks 2 \
  > "$work/slurm.log" 2>&1 && slurm_ok=true || slurm_ok=false
echo "SLURM run: $(( $(date +%s) - start )) s wall"
check "workflow succeeds on SLURM" $slurm_ok || tail -40 "$work/slurm.log"
check "jobs went through sbatch" grep -q "has been submitted with SLURM jobid" "$work/slurm.log"
run "$work/local" --cores 2 > "$work/local.log" 2>&1
check "SLURM and local results are byte-identical" same_results "$work/slurm"

# the word2vec subset's 13,013 words split into 4096-word encode jobs, each its own SLURM job
cat > "$work/chunked.yaml" <<YAML
chunk_rows: 4096
embedding_sources:
  w2v-googlenews-subset: {words: 13013}
YAML
run "$work/chunked" --profile "$repo/profiles/slurm" --seconds-between-status-checks 2 \
  --configfile "$repo/config.yaml" "$work/small.yaml" "$work/chunked.yaml" > "$work/chunked.log" 2>&1 \
  && chunked_ok=true || chunked_ok=false
check "chunked workflow succeeds on SLURM" $chunked_ok || tail -40 "$work/chunked.log"
check "chunks ran as SLURM jobs" grep -q "rule encode_chunk:" "$work/chunked.log"
check "chunked SLURM and local results are byte-identical" same_results "$work/chunked"

cat > "$work/bad.yaml" <<YAML
embedding_sources:
  w2v-googlenews-subset: {dim: 301}
YAML
run "$work/bad" --profile "$repo/profiles/slurm" --seconds-between-status-checks 2 \
  --configfile "$repo/config.yaml" "$work/small.yaml" "$work/bad.yaml" > "$work/bad.log" 2>&1 \
  && bad_failed=false || bad_failed=true
check "a bad parameter fails the run" $bad_failed
check "the failure names the rule" grep -q "Error in rule prepare_embedding" "$work/bad.log" || tail -40 "$work/bad.log"
check "the failure names the job log" grep -q "logs/prepare_embedding/w2v-googlenews-subset.log" "$work/bad.log"
check "the job log says what is wrong" grep -q "config 'dim' says 301" "$work/bad/logs/prepare_embedding/w2v-googlenews-subset.log"
check "no output of the failed job is left" test ! -e "$work/bad/results/embeddings/w2v-googlenews-subset/vectors.npy"

echo "slurm: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
