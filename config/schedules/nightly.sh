#!/usr/bin/env bash
# Nightly tagsync: first resumes the last few nights' runs that did not complete (their inputs must still be
# there), then runs tonight's. Usage: nightly.sh INPUT WORKSPACE [RUN_KEY]
# Exit code: tonight's run's (see the README); a resumed night that fails again is logged and retried tomorrow.
set -uo pipefail
cd "$(dirname "$0")/../.."
input="$1"; workspace="$2"; run_key="${3:-$(date +%F)}"
if [ -n "${ROBOFLOW_API_KEY_FILE:-}" ]; then
  export ROBOFLOW_API_KEY="$(cat "$ROBOFLOW_API_KEY_FILE")"
fi

# Unfinished runs of this workspace, as "input<TAB>run key" lines, from the job repository.
./run.sh status --unfinished --workspace="$workspace" |
  while IFS=$'\t' read -r old_input old_key; do
    [ "$old_key" = "$run_key" ] && continue
    if [ -e "$old_input" ]; then
      echo "Resuming unfinished run $old_key ($old_input)"
      ./run.sh run --input="$old_input" --workspace="$workspace" --run-key="$old_key" ||
        echo "Run $old_key is still not complete (exit $?); it will be tried again tomorrow"
    else
      echo "Run $old_key cannot be resumed: its input $old_input is gone"
    fi
  done

exec ./run.sh run --input="$input" --workspace="$workspace" --run-key="$run_key"
