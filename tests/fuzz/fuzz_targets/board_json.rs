//! A JSON board export posted back to the server (`import/json`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| atelier_fuzz::board_json(data));
