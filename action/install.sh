#!/usr/bin/env bash
# Install svclint for the composite action: the action's own source (so the tag a workflow
# pins is the version it runs), or a release from PyPI when INPUT_VERSION is set.
set -euo pipefail
if [ -n "${INPUT_VERSION:-}" ]; then
  python -m pip install --disable-pip-version-check --quiet "svclint==${INPUT_VERSION}"
else
  python -m pip install --disable-pip-version-check --quiet "${GITHUB_ACTION_PATH:?}"
fi
svclint --version
