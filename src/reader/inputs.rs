//! Expanding command-line paths into inputs.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::{io_reason, Format, Input, InputError};

/// Expands command-line paths into inputs.
///
/// - `-` is standard input (once, however often it is given).
/// - A file is taken whatever its extension (a fifo given explicitly is read too).
/// - A folder is walked recursively in sorted order, keeping regular files with the
///   extensions txt, md, markdown, json, ndjson, jsonl, html, htm (any case). Hidden
///   entries (name starting with `.`) and fifos, sockets and devices inside folders are
///   passed over. Symbolic links are followed, but each real folder is walked once, so
///   link loops end. A subfolder that cannot be listed is returned as an input, and
///   reading it reports why.
/// - The same file reached twice is kept once.
/// - A path that does not exist is an error naming it.
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<Input>, InputError> {
    let mut walk = Walk::default();
    for path in paths {
        if path.as_os_str() == "-" {
            if !walk.stdin {
                walk.stdin = true;
                walk.out.push(Input::Stdin);
            }
            continue;
        }
        let meta = fs::metadata(path).map_err(|e| {
            let path = path.display().to_string();
            if e.kind() == std::io::ErrorKind::NotFound {
                InputError::NotFound { path }
            } else {
                InputError::Unreadable { path, message: io_reason(&e) }
            }
        })?;
        if meta.is_dir() {
            walk.folder(path)?;
        } else {
            walk.file(path);
        }
    }
    Ok(walk.out)
}

#[derive(Default)]
struct Walk {
    out: Vec<Input>,
    stdin: bool,
    visited_dirs: HashSet<PathBuf>,
    seen_files: HashSet<PathBuf>,
}

impl Walk {
    fn file(&mut self, path: &Path) {
        let key = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if self.seen_files.insert(key) {
            self.out.push(Input::File(path.to_path_buf()));
        }
    }

    /// Walks a folder given on the command line, iteratively (no recursion).
    fn folder(&mut self, root: &Path) -> Result<(), InputError> {
        let unreadable =
            |e: std::io::Error| InputError::Unreadable { path: root.display().to_string(), message: io_reason(&e) };
        let canonical = fs::canonicalize(root).map_err(unreadable)?;
        if !self.visited_dirs.insert(canonical) {
            return Ok(());
        }
        let entries = sorted_entries(root).map_err(unreadable)?;
        let mut stack = vec![entries.into_iter()];
        while let Some(top) = stack.last_mut() {
            let Some(path) = top.next() else {
                stack.pop();
                continue;
            };
            if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')) {
                continue;
            }
            match fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => {
                    let Ok(canonical) = fs::canonicalize(&path) else {
                        continue;
                    };
                    if !self.visited_dirs.insert(canonical) {
                        continue;
                    }
                    match sorted_entries(&path) {
                        Ok(entries) => stack.push(entries.into_iter()),
                        // Reported when read ("cannot list directory: ...").
                        Err(_) => self.out.push(Input::File(path)),
                    }
                }
                Ok(meta) if meta.is_file() => {
                    if Format::from_path(&path).is_some() {
                        self.file(&path);
                    }
                }
                // Fifos, sockets, devices: never opened while walking.
                Ok(_) => {}
                // A dangling link with one of our extensions is reported when read.
                Err(_) => {
                    if Format::from_path(&path).is_some() {
                        self.file(&path);
                    }
                }
            }
        }
        Ok(())
    }
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)?.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(inputs: &[Input], root: &Path) -> Vec<String> {
        inputs
            .iter()
            .map(|i| match i {
                Input::File(p) => p.strip_prefix(root).unwrap_or(p).to_string_lossy().replace('\\', "/"),
                Input::Stdin => "-".to_string(),
            })
            .collect()
    }

    fn touch(p: &Path) {
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(p, "x").unwrap();
    }

    #[test]
    fn folder_walk_keeps_known_extensions_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in [
            "b.txt",
            "a.md",
            "c.markdown",
            "d.json",
            "e.ndjson",
            "f.jsonl",
            "g.html",
            "h.HTM",
            "i.pdf",
            "j",
            "k.TXT",
            "sub/z.txt",
            "sub/deeper/y.json",
            "sub/x.png",
            ".hidden.txt",
            ".git/config.json",
            "a0/inner.txt",
        ] {
            touch(&root.join(name));
        }
        let inputs = collect_inputs(&[root.to_path_buf()]).unwrap();
        assert_eq!(
            files(&inputs, root),
            vec![
                "a.md",
                "a0/inner.txt",
                "b.txt",
                "c.markdown",
                "d.json",
                "e.ndjson",
                "f.jsonl",
                "g.html",
                "h.HTM",
                "k.TXT",
                "sub/deeper/y.json",
                "sub/z.txt"
            ]
        );
    }

    #[test]
    fn explicit_file_any_extension_and_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("notes.dat");
        touch(&p);
        let inputs = collect_inputs(&[p.clone(), PathBuf::from("-"), p.clone(), PathBuf::from("-")]).unwrap();
        assert_eq!(inputs, vec![Input::File(p), Input::Stdin]);
    }

    #[test]
    fn nonexistent_path_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.txt");
        let e = collect_inputs(std::slice::from_ref(&missing)).unwrap_err();
        assert!(matches!(e, InputError::NotFound { .. }));
        assert_eq!(e.to_string(), format!("{}: no such file or directory", missing.display()));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_terminate() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("news");
        touch(&root.join("a.txt"));
        touch(&root.join("sub/b.txt"));
        symlink(&root, root.join("sub/loop")).unwrap();
        symlink(root.join("sub"), root.join("sub/self")).unwrap();
        // A link cycle between two links, and a dangling link.
        symlink(root.join("l2.txt"), root.join("l1.txt")).unwrap();
        symlink(root.join("l1.txt"), root.join("l2.txt")).unwrap();
        symlink(root.join("gone.txt"), root.join("dangling.txt")).unwrap();
        // A link to a file already listed is kept once.
        symlink(root.join("a.txt"), root.join("z-link.txt")).unwrap();
        let inputs = collect_inputs(&[root.clone(), root.clone()]).unwrap();
        assert_eq!(files(&inputs, &root), vec!["a.txt", "dangling.txt", "l1.txt", "l2.txt", "sub/b.txt"]);
        // Reading the broken ones gives skips, not crashes.
        for i in &inputs {
            let r = super::super::read_input(i, &super::super::ReadOptions::default());
            assert!(!r.is_empty());
        }
    }

    #[cfg(unix)]
    #[test]
    fn fifos_inside_folders_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("a.txt"));
        let fifo = root.join("pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("mkfifo not available; skipping");
            return;
        }
        let inputs = collect_inputs(&[root.to_path_buf()]).unwrap();
        assert_eq!(files(&inputs, root), vec!["a.txt"]);
        // Given explicitly, it is an input.
        let inputs = collect_inputs(std::slice::from_ref(&fifo)).unwrap();
        assert_eq!(inputs, vec![Input::File(fifo)]);
    }

    #[cfg(unix)]
    #[test]
    fn unlistable_subfolder_is_reported_when_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("locked/a.txt"));
        fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
        let listable = fs::read_dir(root.join("locked")).is_ok(); // root can list anyway
        let inputs = collect_inputs(&[root.to_path_buf()]).unwrap();
        fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
        if listable {
            assert_eq!(files(&inputs, root), vec!["locked/a.txt"]);
        } else {
            assert_eq!(files(&inputs, root), vec!["locked"]);
        }
    }
}
