# Sourced by scripts/start and scripts/test: finds or installs uv, then syncs the locked environment.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if command -v uv >/dev/null 2>&1; then
  UV=(uv)
elif python3 -m uv --version >/dev/null 2>&1; then
  UV=(python3 -m uv)
else
  echo "[rencai] 安装 uv / installing uv (pip)…" >&2
  python3 -m pip install --quiet --disable-pip-version-check uv
  UV=(python3 -m uv)
fi
"${UV[@]}" sync --frozen --quiet
