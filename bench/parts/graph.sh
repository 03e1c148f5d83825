# shellcheck shell=bash
# Part "graph": `cargo run --release --example graph_load` (bench/graph_load.rs), ~1,800 nodes
# behind a front adding 20 ms per request; the example writes its own rows.

bench_graph() {
  say "graph: cargo run --release --example graph_load -- $graph_args"
  # In a process group of its own so an interrupted run can stop the registry the example
  # started (a killed example cannot drop it); its temp dirs go under $work for the same reason.
  mkdir -p "$work/graph"
  # shellcheck disable=SC2086  # the knob is a list of arguments
  TMPDIR=$work/graph setsid cargo run --release --quiet --example graph_load -- $graph_args &
  graph_pid=$!
  wait "$graph_pid"
  graph_pid=""
}
