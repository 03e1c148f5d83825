//! Turning files into layers: media types sniffed from content, and folders packed and unpacked as reproducible tar+gzip.
