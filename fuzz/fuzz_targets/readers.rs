//! Bytes → `read_bytes` in every format. A reader must never panic (`read_bytes` turns a
//! panic into a skip saying "internal error", which counts as a crash here too), and what
//! it returns must keep the invariants of tests/common/invariants.rs, as in tests/props.rs.
#![no_main]

#[path = "../../tests/common/invariants.rs"]
mod invariants;

use claimtrack::reader::{read_bytes, Format, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = ReadOptions::default();
    for format in [Format::Text, Format::Json, Format::Ndjson, Format::Html] {
        if let Err(e) = invariants::check_read("fuzz.in", &read_bytes("fuzz.in", data, format, &opts)) {
            panic!("{format:?}: {e}");
        }
    }
    let _ = Format::sniff(data);
});
