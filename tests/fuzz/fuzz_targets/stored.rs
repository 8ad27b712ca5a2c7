//! Rows read back from the store: a snapshot and a log of updates, as a
//! board is loaded (never a panic; unreadable rows refuse the board).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| atelier_fuzz::stored(data));
