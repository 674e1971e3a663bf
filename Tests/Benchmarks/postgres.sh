# Sourced by the benchmarks: sets $postgres to $BENCH_POSTGRES (a libpq string) if given, else,
# when BENCH_BACKENDS includes postgres (the default), starts a throwaway local cluster with the
# default durability settings (fsync on) under $work/pg and stops it at exit.
postgres=${BENCH_POSTGRES:-}
if [[ -z "$postgres" && " ${BENCH_BACKENDS:-sqlite postgres} " == *" postgres "* ]]; then
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    pgdir="$work/pg"; port=$((20000 + RANDOM % 10000))
    rm -rf "$pgdir"; mkdir -p "$pgdir"
    as_postgres=(); if [[ $(id -u) == 0 ]]; then chown postgres: "$pgdir"; as_postgres=(runuser -u postgres --); fi
    "${as_postgres[@]}" "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres -E UTF8 >/dev/null
    "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
        -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1" start >/dev/null
    trap '"${as_postgres[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m fast stop >/dev/null' EXIT
    postgres="host=127.0.0.1 port=$port user=postgres dbname=postgres"
fi
