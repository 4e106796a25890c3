# shellcheck shell=bash
# Throwaway PostgreSQL clusters for tests; sourced by scripts/test and scripts/pg.
#
#   pg_ensure_installed   install the PostgreSQL 15 server with apt if it is missing
#   pg_start              start a cluster in a fresh temp dir under /tmp and
#                         export XIESHANG_TEST_PG (also sets PG_PORT, PG_TMPDIR,
#                         PG_DATA, PG_LOG, PG_PID)
#   pg_stop               stop that cluster (immediate) and remove its temp dir;
#                         safe to call more than once, or when nothing was started
#
# Knobs (environment):
#   XIESHANG_PG_BIN        directory of initdb/pg_ctl (default /usr/lib/postgresql/15/bin)
#   XIESHANG_PG_PORT       first port to try (default 55432; tries the next 100)
#
# Every function returns non-zero on failure instead of relying on `set -e`,
# so they behave the same when called from an `if` or `||`.

PG_TMPDIR=''
PG_DATA=''
PG_PORT=''
PG_LOG=''
PG_PID=''
_XS_APT_UPDATED=${_XS_APT_UPDATED:-}

_pg_msg() { printf '%s\n' "pg: $*" >&2; }

# xs_apt_install PKG... : apt-get install the packages (apt-get update once first).
xs_apt_install() {
	[ "$#" -gt 0 ] || return 0
	if [ "$(id -u)" -ne 0 ]; then
		_pg_msg "missing packages: $* (not root: install them yourself, e.g. sudo apt-get install $*)"
		return 1
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		_pg_msg "missing packages: $* (and no apt-get on this machine)"
		return 1
	fi
	if [ -z "$_XS_APT_UPDATED" ]; then
		_pg_msg "apt-get update"
		DEBIAN_FRONTEND=noninteractive apt-get update -q || return 1
		_XS_APT_UPDATED=1
	fi
	_pg_msg "apt-get install $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" || return 1
}

# _pg_bindir: print the directory holding initdb and pg_ctl.
_pg_bindir() {
	local d
	for d in "${XIESHANG_PG_BIN:-}" /usr/lib/postgresql/15/bin; do
		if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	# Not Debian's layout (e.g. a developer's Homebrew or source build): use PATH.
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		dirname "$(command -v pg_ctl)"
		return 0
	fi
	return 1
}

pg_ensure_installed() {
	local d
	if d=$(_pg_bindir) && { [ -x "$d/pg_isready" ] || command -v pg_isready >/dev/null 2>&1; }; then
		return 0
	fi
	# pg_isready ships with postgresql-client-15, a dependency of postgresql.
	xs_apt_install postgresql || return 1
	if ! _pg_bindir >/dev/null; then
		_pg_msg "PostgreSQL installed but initdb/pg_ctl not found in /usr/lib/postgresql/15/bin"
		return 1
	fi
}

# _pg_as CMD...: run CMD as the postgres user when we are root (PostgreSQL
# refuses to run as root), else as ourselves. Runs inside the cluster's temp
# dir so the postgres user never needs access to the caller's directory.
_pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		if command -v runuser >/dev/null 2>&1; then
			(cd "$PG_TMPDIR" && runuser -u postgres -- "$@")
		else
			(cd "$PG_TMPDIR" && su postgres -s /bin/bash -c "$(printf '%q ' "$@")")
		fi
	else
		(cd "$PG_TMPDIR" && "$@")
	fi
}

# _pg_port_busy PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
_pg_port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_start() {
	local bindir port first last started=''
	if [ -n "$PG_TMPDIR" ]; then
		_pg_msg "pg_start: a cluster is already running in $PG_TMPDIR"
		return 1
	fi
	bindir=$(_pg_bindir) || {
		_pg_msg "initdb/pg_ctl not found (install postgresql, or set XIESHANG_PG_BIN)"
		return 1
	}
	local isready=$bindir/pg_isready
	[ -x "$isready" ] || isready=$(command -v pg_isready) || {
		_pg_msg "pg_isready not found"
		return 1
	}
	if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
		_pg_msg "running as root but there is no postgres user to run the server as"
		return 1
	fi

	PG_TMPDIR=$(mktemp -d /tmp/xieshang-pg.XXXXXXXXXX) || {
		PG_TMPDIR=''
		_pg_msg "mktemp failed"
		return 1
	}
	PG_DATA=$PG_TMPDIR/data
	PG_LOG=$PG_TMPDIR/postgres.log
	mkdir "$PG_TMPDIR/sock" || return 1
	if [ "$(id -u)" -eq 0 ]; then
		chown -R postgres: "$PG_TMPDIR" || return 1
	fi

	if ! _pg_as "$bindir/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
		>"$PG_TMPDIR/initdb.log" 2>&1; then
		_pg_msg "initdb failed:"
		cat "$PG_TMPDIR/initdb.log" >&2
		return 1
	fi

	first=${XIESHANG_PG_PORT:-55432}
	last=$((first + 100))
	for ((port = first; port < last; port++)); do
		[ "$port" -eq 54329 ] && continue # a developer's long-running cluster
		_pg_port_busy "$port" && continue
		: >"$PG_LOG"
		if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_LOG"; fi
		if _pg_as "$bindir/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TMPDIR/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
			start >"$PG_TMPDIR/pg_ctl.out" 2>&1; then
			started=1
			break
		fi
		# Lost a race for the port with another process: try the next one.
		if grep -qE 'could not bind|Address already in use|could not create any TCP/IP sockets' "$PG_LOG"; then
			_pg_msg "port $port taken, trying the next"
			_pg_as "$bindir/pg_ctl" -D "$PG_DATA" stop -m immediate >/dev/null 2>&1 || true
			continue
		fi
		break
	done
	if [ -z "$started" ]; then
		_pg_msg "could not start PostgreSQL (ports $first..$((last - 1)))"
		cat "$PG_TMPDIR/pg_ctl.out" >&2 2>/dev/null || true
		_pg_msg "server log:"
		tail -n 30 "$PG_LOG" >&2 || true
		return 1
	fi
	PG_PORT=$port

	local i
	for ((i = 0; i < 60; i++)); do
		if "$isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 1; then
			break
		fi
		sleep 1
	done
	if ! "$isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 1; then
		_pg_msg "PostgreSQL started but pg_isready does not answer on port $PG_PORT; server log:"
		tail -n 30 "$PG_LOG" >&2 || true
		return 1
	fi
	PG_PID=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null) || PG_PID=''
	export XIESHANG_TEST_PG="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
	_pg_msg "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') up on 127.0.0.1:$PG_PORT (pid ${PG_PID:-?}, dir $PG_TMPDIR)"
}

# _pg_is_ours PID: true while PID is alive and is the postmaster of our data
# dir (so a recycled pid is never signalled).
_pg_is_ours() {
	[[ "$1" =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null || return 1
	if [ -r "/proc/$1/cmdline" ]; then
		tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$PG_DATA"
	fi
}

pg_stop() {
	local dir=$PG_TMPDIR pid='' bindir i
	[ -n "$dir" ] || return 0
	if [ -f "$PG_DATA/postmaster.pid" ]; then
		pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null) || pid=''
		if bindir=$(_pg_bindir); then
			_pg_as "$bindir/pg_ctl" -D "$PG_DATA" stop -m immediate -w -t 30 >/dev/null 2>&1 || true
		fi
	fi
	# Belt and braces: if pg_ctl could not stop our postmaster, signal it by pid
	# (SIGQUIT = immediate shutdown, then SIGKILL).
	pid=${pid:-$PG_PID}
	if _pg_is_ours "$pid"; then
		kill -QUIT "$pid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			_pg_is_ours "$pid" || break
			sleep 0.2
		done
		if _pg_is_ours "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
	fi
	case $dir in
	/tmp/xieshang-pg.*) rm -rf -- "$dir" ;;
	*) _pg_msg "not removing unexpected dir $dir" ;;
	esac
	PG_TMPDIR='' PG_DATA='' PG_PORT='' PG_LOG='' PG_PID=''
	return 0
}
