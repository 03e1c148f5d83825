//! OCI image layouts on disk (image-spec `oci-layout`, `index.json`, `blobs/`): the local store.
