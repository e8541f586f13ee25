#!/usr/bin/env bash
# Set up GENBO in a virtual environment (.venv) and run it:
#   ./dev.sh demo [genbo demo options]   start the demo portal on http://127.0.0.1:8000/
#   ./dev.sh test [pytest options]       run the whole test suite
# Needs only Python 3.11+ with venv (Debian: the python3-venv package).
set -euo pipefail
cd "$(dirname "$0")"

venv="${GENBO_VENV:-.venv}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
  if ! "$python" -m venv "$venv"; then
    echo "dev.sh: could not create a virtual environment with $python." >&2
    echo "On Debian or Ubuntu, install the venv module first: sudo apt install python3-venv" >&2
    exit 1
  fi
fi

# Install (again) only when the dependencies changed since the last install.
stamp="$venv/.genbo-installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -e ".[test]"
  touch "$stamp"
fi
"$venv/bin/genbo" compilemessages >/dev/null

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  demo) exec "$venv/bin/genbo" demo "$@" ;;
  test) exec "$venv/bin/python" -m pytest "$@" ;;
  *)
    echo "usage: ./dev.sh demo [options] | ./dev.sh test [pytest options]" >&2
    exit 2
    ;;
esac
