//! A websocket frame from a peer, as the server reads it: decoded (after the
//! check that bounds what yrs may allocate), then each message taken as the
//! room takes it: updates applied to a board, awareness to its awareness,
//! facilitation commands and private notes read.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| atelier_fuzz::frame(data));
