#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    stowage::fuzz::sbom_parser(data, stowage::sbom::Kind::SpdxTagValue)
});
