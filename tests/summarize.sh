#!/usr/bin/env bash
# The last lines of `make test`: each suite's counts and one sum, so that a reader of the end of
# the log sees the whole result. A suite whose log is missing or holds no result did not run to
# the end (a build error, say): it is named, and the sum says the run is incomplete.
#
#   tests/summarize.sh DIR STATUS   (DIR holds ui.log, rust.log, e2e.log, installed.log; STATUS is
#                                    make's exit status, so that a failed lint, check or build
#                                    step is named even when every test passed)
set -uo pipefail
dir=${1:?usage: summarize.sh DIR STATUS}
status=${2:-0}

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
      done < <(sed -nE 's/^test result: (ok|FAILED)\. ([0-9]+) passed; ([0-9]+) failed; ([0-9]+) ignored.*/\2 \3 \4/p' "$log")
      # A test binary that failed to build prints no result line (a failed test's "error: test
      # failed" is not a build failure).
      if grep -qE '^error\[E[0-9]+\]|^error: could not compile' "$log"; then seen=0; fi
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
line="make test: $total_pass passed, $total_fail failed ($total_ignored ignored)"
[ ${#missing[@]} -eq 0 ] || line="$line; did not finish: ${missing[*]}"
if [ "$status" != 0 ] && [ "$total_fail" = 0 ] && [ ${#missing[@]} -eq 0 ]; then
  line="$line; a step that is not a test failed (fmt, clippy, svelte-check, the bindings check or a build): see above"
fi
echo "$line"
