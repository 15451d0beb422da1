//! claimtrack: sourced claims from news articles, stored in SQLite, conflicts flagged.
//!
//! The pipeline (`split`, `extract`, `detect`'s rules) is pure and testable on its own;
//! `db` stores and queries; `cmd` holds one module per subcommand.

pub mod article;
pub mod cli;
pub mod cmd;
pub mod db;
pub mod detect;
pub mod extract;
pub mod gazetteer;
pub mod insert;
pub mod lexicon;
pub mod pattern;
pub mod query;
pub mod reader;
pub mod render;
pub mod review;
pub mod split;
pub mod store;
pub mod text;
