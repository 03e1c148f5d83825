//! Writing to a registry: blob uploads (monolithic, streamed, chunked with resume), mounts, manifest pushes, deletes.
