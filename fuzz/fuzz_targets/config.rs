//! The configuration loader on any text: never a panic, and an error renders
//! with its span inside the file.
#![no_main]

use hblint::Settings;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Settings::from_toml(Path::new("/r"), Path::new(".hblint.toml"), text) {
        Ok(settings) => {
            let _ = hblint::default_paths(&settings);
        }
        Err(e) => {
            if let Some(span) = e.span {
                assert!(span.offset() + span.len() <= text.len(), "{span:?}");
            }
            let mut out = String::new();
            let handler = miette::GraphicalReportHandler::new();
            handler
                .render_report(&mut out, e.as_ref())
                .expect("renders");
        }
    }
});
