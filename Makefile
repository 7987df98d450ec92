# 地さんぽノート — two commands:
#   make run    set up everything and open the app on the store in your data folder
#   make test   set up the same and run every test, end-to-end ones included (under Xvfb), then
#               build the .deb, install it, test the installed app and remove it
# and `make bench` for the benchmarks, `make dist` for the release packages (.deb, .rpm in dist/).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMPS := .make
CARGO := $(shell command -v cargo || echo $$HOME/.cargo/bin/cargo)
export PATH := $(HOME)/.cargo/bin:$(PATH)
# A clean CI build gains nothing from incremental caches; they only take disk (2 GB).
ifeq ($(CI),true)
export CARGO_INCREMENTAL := 0
endif

# Debian/Ubuntu packages: Tauri's build deps, the e2e display and driver, PDF readers, fonts,
# rclone (the real WebDAV server on 127.0.0.1 the delivery tests deliver to) and PostgreSQL (the
# shared consolidated centre store; the tests start their own server on 127.0.0.1).
APT_PACKAGES := build-essential pkg-config perl curl libssl-dev libwebkit2gtk-4.1-dev libsoup-3.0-dev \
  librsvg2-dev libayatana-appindicator3-dev xvfb webkit2gtk-driver poppler-utils \
  fonts-ipaexfont-mincho fonts-ipaexfont-gothic fonts-ipamj-mincho fonts-dejavu-core fonts-urw-base35 \
  unzip rclone postgresql \
  desktop-file-utils rpm

.PHONY: run test test-suites test-ui test-rust test-e2e test-installed bindings-check dist bench setup guide \
  system rust node tauri-driver ui ui-check lint deny app clean-stamps

# The version of the workspace, and the commit the packages are built from (`-dirty` when the
# tree has changes no commit holds; `chisanpo --version` says so).
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
GIT_STATE = $(shell git rev-parse --short=7 HEAD 2>/dev/null)$(shell [ -z "$$(git status --porcelain 2>/dev/null)" ] || echo -dirty)
DEB := dist/chisanpo_$(VERSION)_amd64.deb
RPM := dist/chisanpo-$(VERSION)-1.x86_64.rpm
TEST_LOGS := $(STAMPS)/test-logs
BUNDLES = $(or $(CARGO_TARGET_DIR),target)/release/bundle

# A debug build for developers, without the web inspector (as every build: tauri.conf.json).
run: setup ui
	$(CARGO) build -p chisanpo
	./target/debug/chisanpo

# Every suite runs even when one fails (make -k); the last line sums them all.
test: setup
	@rm -rf $(TEST_LOGS) && mkdir -p $(TEST_LOGS)
	@status=0; $(MAKE) --no-print-directory -k test-suites || status=$$?; \
	  tests/summarize.sh $(TEST_LOGS) $$status; exit $$status

test-suites: test-ui lint deny test-rust test-e2e guide bindings-check test-installed

test-ui: ui-check ui

test-rust: ui
	$(CARGO) test --workspace --exclude chisanpo-e2e --no-fail-fast 2>&1 | tee $(TEST_LOGS)/rust.log

# The end-to-end tests drive the debug build in a real window under Xvfb.
test-e2e: app
	$(CARGO) test -p chisanpo-e2e --no-fail-fast 2>&1 | tee $(TEST_LOGS)/e2e.log

# 利用の手引き as a PDF and an HTML page (artifacts/guide), with the screenshots the end-to-end
# tests just took of the real app; it fails if one the guide names is missing.
guide: test-e2e
	$(or $(CARGO_TARGET_DIR),./target)/debug/chisanpo guide --shots artifacts/screenshots --out artifacts/guide

# The TypeScript the tests generate from Rust must be what is committed.
bindings-check: test-rust
	@if [ -n "$$(git status --porcelain -- ui/src/bindings)" ]; then \
	  git status --porcelain -- ui/src/bindings; \
	  echo "ui/src/bindings is out of date: run 'cargo test' and commit the generated files."; exit 1; fi

# The package as a doctor gets it: installed with apt, tested from /usr/bin with the checkout
# hidden, upgraded over a store the previous release made, then removed again.
test-installed: dist
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --allow-downgrades ./$(DEB)
	@status=0; CHISANPO_DEB="$(CURDIR)/$(DEB)" CHISANPO_RPM="$(CURDIR)/$(RPM)" CHISANPO_APP=/usr/bin/chisanpo \
	  $(CARGO) test -p chisanpo-e2e --test installed --no-fail-fast -- --include-ignored --test-threads=1 --nocapture 2>&1 \
	  | tee $(TEST_LOGS)/installed.log || status=$$?; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq chisanpo; exit $$status

# Release packages (.deb, .rpm) with Tauri's bundler: an optimised build, no inspector, the UI
# and the fonts inside the binary. Offline: nothing is fetched beyond the package registries.
# The guide's screenshots, when `make guide` has kept them from an end-to-end run (as `make test`
# does before it builds the packages), go in as resources (/usr/lib/chisanpo/guide/shots) for
# ヘルプ; without them the packages' ヘルプ says where each picture would be.
GUIDE_SHOTS := artifacts/guide/shots
dist: setup ui
	@mkdir -p $(STAMPS)
	@shots=""; if [ -d $(GUIDE_SHOTS) ]; then \
	  echo "The guide's $$(ls $(GUIDE_SHOTS) | wc -l) screenshots go into the packages."; \
	  shots='{"bundle":{"resources":{"../$(GUIDE_SHOTS)/":"guide/shots/"}}}'; \
	else echo "warning: no $(GUIDE_SHOTS) (make guide, after the end-to-end tests): the packages' ヘルプ has no pictures."; fi; \
	set -x; CHISANPO_BUILD_GIT="$(GIT_STATE)" ui/node_modules/.bin/tauri build --ci --bundles deb,rpm $${shots:+--config "$$shots"}
	@rm -rf dist && mkdir -p dist
	cp $(BUNDLES)/deb/chisanpo_$(VERSION)_amd64.deb $(BUNDLES)/rpm/chisanpo-$(VERSION)-1.x86_64.rpm dist/
	cd dist && sha256sum *.deb *.rpm > SHA256SUMS && ls -l

bench: setup
	$(CARGO) bench -p chisanpo-core

setup: system rust node tauri-driver

# System packages, installed only when one is missing.
system: $(STAMPS)/system
$(STAMPS)/system: Makefile
	@mkdir -p $(STAMPS)
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; fi
	@touch $@

# Rust: the machine's toolchain, or rustup when there is none.
rust:
	@if ! command -v cargo >/dev/null; then \
	  echo "Installing Rust with rustup"; \
	  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt; fi
	@rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt 2>/dev/null || true

# Node 20.19 or newer (Vite 7): Debian's when there is none, then `n` when it is too old.
node:
	@command -v node >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm; }
	@v=$$(node -p 'process.versions.node' 2>/dev/null || echo 0); \
	if [ "$$(printf '%s\n' 20.19.0 $$v | sort -V | head -1)" != 20.19.0 ]; then \
	  echo "Node.js $$v is too old; installing Node 22 from npm"; \
	  $(SUDO) npm install -g n >/dev/null && $(SUDO) n 22; fi

tauri-driver: $(STAMPS)/tauri-driver
$(STAMPS)/tauri-driver:
	@mkdir -p $(STAMPS)
	@command -v tauri-driver >/dev/null || $(CARGO) install tauri-driver --version '^2' --locked
	@touch $@

# `npm install` rather than `npm ci`: npm 11 leaves other platforms' optional packages (rollup,
# esbuild) out of the lock file, and `npm ci` then refuses it. The lock still pins every version.
ui/node_modules/.package-lock.json: ui/package-lock.json ui/package.json
	cd ui && npm install --no-audit --no-fund
	@touch $@

ui: ui/node_modules/.package-lock.json
	cd ui && npx vite build

ui-check: ui/node_modules/.package-lock.json
	@mkdir -p $(TEST_LOGS)
	cd ui && npx vitest run 2>&1 | tee ../$(TEST_LOGS)/ui.log
	cd ui && npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	@# A device build (without the centre's PostgreSQL) builds, and links no PostgreSQL client.
	$(CARGO) clippy -p chisanpo --no-default-features -- -D warnings
	@! $(CARGO) tree -p chisanpo --no-default-features -e normal | grep -E ' (postgres|tokio-postgres) v' \
	  || { echo "a device build links PostgreSQL (see the feature postgres, ADR 0027)"; exit 1; }

# Licences, bans and sources of every crate (deny.toml, ADR 0024). cargo-deny is built from
# crates.io the first time; advisories need the RustSec database on GitHub, checked at release.
CARGO_DENY_VERSION := 0.20.2
deny:
	@cargo deny --version 2>/dev/null | grep -q '$(CARGO_DENY_VERSION)' || $(CARGO) install cargo-deny --version $(CARGO_DENY_VERSION) --locked
	cargo deny check licenses bans sources

app: ui
	$(CARGO) build -p chisanpo

clean-stamps:
	rm -rf $(STAMPS)
