//! A facilitation command (custom message 90) as JSON, applied as each role.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| atelier_fuzz::command(data));
