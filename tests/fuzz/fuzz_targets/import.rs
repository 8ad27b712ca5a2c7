//! A notes file dropped on the import dialog: decoded, sniffed, parsed as
//! a table, Markdown or lines, mapped and laid out as a pool.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| atelier_fuzz::import(data));
