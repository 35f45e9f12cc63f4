# Sourced by tools/test.sh and tools/run.sh: a throwaway PostgreSQL 15 cluster on a
# private Unix socket, never the system cluster.  Nothing listens on TCP.
#
#   cluster_start DIR PORT EXTDIR   initdb in DIR/data, socket in DIR, loads
#                                   extensions from EXTDIR (a make DESTDIR)
#   cluster_stop DIR                stop the server (data stays)
#   cluster_remove DIR              stop and delete DIR
#
# As root the server runs as the postgres user (initdb refuses root).

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cluster_free_port() {
	local port
	local first=${1:-54320}
	for port in $(seq "$first" $((first + 500))); do
		if [ ! -e "/tmp/.s.PGSQL.$port" ] && ! ls /tmp/sqm-*/.s.PGSQL."$port" >/dev/null 2>&1 \
			&& ! (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
			echo "$port"; return 0
		fi
	done
	return 1
}

cluster_start() {
	local dir=$1 port=$2 extdir=$3
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
	_as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
		--locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
	_as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
		"-c listen_addresses='' -c unix_socket_directories='$dir' -p $port -c extension_destdir='$extdir' -c max_prepared_transactions=10 -c fsync=off" \
		start >/dev/null || { cat "$dir/server.log" >&2; return 1; }
	export PGHOST=$dir PGPORT=$port PGUSER=postgres
}

cluster_stop() {
	local dir=$1
	[ -f "$dir/data/postmaster.pid" ] && _as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
	return 0
}

cluster_remove() {
	local dir=$1
	cluster_stop "$dir"
	rm -rf "$dir"
}
