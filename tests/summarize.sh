#!/usr/bin/env bash
# The last lines of `make test`: each suite's counts and one sum, so that a reader of the end of
# the log sees the whole result. A suite whose log is missing or holds no result did not run to
# the end (a build error, say): it is named, and the sum says the run is incomplete.
#
#   tests/summarize.sh DIR     (DIR holds ui.log, rust.log, e2e.log, installed.log)
set -uo pipefail
dir=${1:?usage: summarize.sh DIR}

total_pass=0 total_fail=0 total_ignored=0 missing=()
echo
echo "== make test: summary =="
for suite in ui rust e2e installed; do
  log="$dir/$suite.log"
  pass=0 fail=0 ignored=0 seen=0
  if [ -f "$log" ]; then
    if [ "$suite" = ui ]; then
      # Vitest: "      Tests  2 failed | 87 passed (89)"
      line=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ +Tests +' | tail -1)
      if [ -n "$line" ]; then
        seen=1
        pass=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
        fail=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
        ignored=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || echo 0)
      fi
    else
      # libtest, one line per test binary: "test result: ok. 12 passed; 0 failed; 1 ignored; ..."
      while read -r p f i; do
        seen=1
        pass=$((pass + p)) fail=$((fail + f)) ignored=$((ignored + i))
      done < <(sed -nE 's/^test result: [A-Z]+\. ([0-9]+) passed; ([0-9]+) failed; ([0-9]+) ignored.*/\1 \2 \3/p' "$log")
      # A test binary that failed to build prints no result line.
      if grep -qE '^error(\[E[0-9]+\])?: |could not compile' "$log"; then seen=0; fi
    fi
  fi
  if [ "$seen" = 1 ]; then
    printf '%-10s %5d passed, %d failed, %d ignored\n' "$suite:" "$pass" "$fail" "$ignored"
  else
    printf '%-10s did not run to the end (see its output above)\n' "$suite:"
    missing+=("$suite")
  fi
  total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail)) total_ignored=$((total_ignored + ignored))
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "make test: $total_pass passed, $total_fail failed ($total_ignored ignored)"
else
  echo "make test: $total_pass passed, $total_fail failed ($total_ignored ignored); did not finish: ${missing[*]}"
fi
