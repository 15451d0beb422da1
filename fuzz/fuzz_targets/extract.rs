//! UTF-8 text → `Article` (French and English) → `Pipeline::extract`. Beyond not
//! panicking, the extraction must keep the invariants the writer relies on (statement,
//! clause and place spans inside the body on char boundaries…): the same checks as
//! tests/props.rs, from tests/common/invariants.rs.
#![no_main]

#[path = "../../tests/common/invariants.rs"]
mod invariants;

use claimtrack::article::{Article, Lang};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &str| {
    for lang in [Lang::Fr, Lang::En] {
        let article = Article { source: "fuzz".into(), lang: Some(lang), body: body.to_string(), ..Default::default() };
        let ex = invariants::pipeline().extract(&article);
        if let Err(e) = invariants::check_extraction(body, &ex) {
            panic!("{lang:?}: {e}");
        }
    }
});
