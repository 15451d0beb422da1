use claimtrack::{lexicon::Lexicon, text::Folded};
fn main() {
    let s = std::env::args().nth(1).unwrap();
    let lex = Lexicon::load(None).unwrap();
    let f = Folded::new(&s);
    for m in lex.actors.find(&s, &f) {
        println!("{} -> {} ({})", &s[m.start..m.end], lex.actors.actors[m.actor].name, lex.actors.actors[m.actor].kind);
    }
}
