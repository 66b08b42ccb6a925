# Sourced by run.sh and test.sh: make .venv and install what the project needs, once per change of pyproject.toml.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

find_python() {
    for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
    echo "phaodai needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
    exit 1
}

if [ ! -x .venv/bin/python ]; then
    "$(find_python)" -m venv .venv
fi
stamp=.venv/.phaodai-installed
want="$(cat pyproject.toml scripts/bootstrap.sh | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    echo "Installing phaodai and its dependencies into .venv ..."
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[dev]"
    # The 2025 (two-level) administrative structure: same module name as the 0.6 line, so it lives in its own folder.
    rm -rf .venv/vietnam-provinces-2025
    .venv/bin/python -m pip install --quiet --no-deps --target .venv/vietnam-provinces-2025 "vietnam-provinces==2025.10.1"
    echo "$want" > "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
