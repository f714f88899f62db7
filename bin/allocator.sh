# Sourced by bin/sluice and bin/sluice-broker before they start node. Sluice moves data in
# megabyte buffers (batches, gRPC frames, LevelDB write batches); with glibc's defaults each is
# returned to the kernel when freed and faulted back in, page by page, when the next is allocated.
# Keeping such blocks (and two arenas, so the threads' spare memory does not multiply RSS) took
# ~20 % of the CPU of a busy broker and ~10 % of a producing client (docs/PERFORMANCE.md), as
# Kafka's scripts set up the JVM. Values already in the environment win.
: "${MALLOC_MMAP_THRESHOLD_:=16777216}"
: "${MALLOC_TRIM_THRESHOLD_:=33554432}"
: "${MALLOC_ARENA_MAX:=2}"
export MALLOC_MMAP_THRESHOLD_ MALLOC_TRIM_THRESHOLD_ MALLOC_ARENA_MAX
