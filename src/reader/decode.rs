//! Bytes to text: BOMs, UTF-16, invalid UTF-8, binary and empty files, line ends.

/// How many leading bytes are looked at for NUL bytes when telling binary files apart.
const BINARY_SNIFF: usize = 8 * 1024;

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Decodes a whole input into text with `\n` line ends.
///
/// Errors are the reason to give in a `Skipped`.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, String> {
    let text = decode_raw(bytes)?;
    let text = normalize_newlines(&text);
    if text.trim().is_empty() {
        return Err("empty file".to_string());
    }
    Ok(text)
}

/// Decodes without normalising line ends or checking for emptiness.
pub(crate) fn decode_raw(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes);
    }
    let (rest, offset) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, UTF8_BOM.len()),
        None => (bytes, 0),
    };
    if is_binary(rest) {
        return Err("binary file".to_string());
    }
    match std::str::from_utf8(rest) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(utf8_error(e.valid_up_to() + offset)),
    }
}

pub(crate) fn utf8_error(offset: usize) -> String {
    format!("not valid UTF-8 (byte offset {offset})")
}

/// Whether the first 8 KB hold a NUL byte (for input that has no UTF-16 BOM).
pub(crate) fn is_binary(bytes: &[u8]) -> bool {
    let head = bytes.get(..BINARY_SNIFF).unwrap_or(bytes);
    head.contains(&0)
}

/// Whether the input starts with a UTF-16 byte order mark.
pub(crate) fn has_utf16_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

/// Strips a UTF-8 BOM, returning the rest and the number of bytes stripped.
pub(crate) fn strip_utf8_bom(bytes: &[u8]) -> (&[u8], usize) {
    match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, UTF8_BOM.len()),
        None => (bytes, 0),
    }
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, String> {
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, r) in char::decode_utf16(units).enumerate() {
        match r {
            Ok(c) => out.push(c),
            Err(_) => {
                // 2 for the BOM, 2 per code unit before this one.
                return Err(format!("not valid UTF-16 (byte offset {})", 2 + 2 * i));
            }
        }
    }
    if !bytes.len().is_multiple_of(2) {
        return Err(format!("not valid UTF-16 (odd number of bytes, byte offset {})", 2 + bytes.len() - 1));
    }
    // Some writers repeat the BOM as the first character; it is not text.
    if out.starts_with('\u{FEFF}') {
        out.remove(0);
    }
    Ok(out)
}

/// CRLF and lone CR become LF; NUL characters are dropped. One linear pass.
pub(crate) fn normalize_newlines(text: &str) -> String {
    if !text.contains(['\r', '\0']) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\0' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_utf8() {
        assert_eq!(decode("Bonjour\n".as_bytes()).unwrap(), "Bonjour\n");
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("Été".as_bytes());
        assert_eq!(decode(&b).unwrap(), "Été");
    }

    #[test]
    fn utf16_le_and_be() {
        let text = "Le président a dit\r\nqu'il viendrait.";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        let want = "Le président a dit\nqu'il viendrait.";
        assert_eq!(decode(&le).unwrap(), want);
        assert_eq!(decode(&be).unwrap(), want);
    }

    #[test]
    fn utf16_with_lone_surrogate_is_refused() {
        let mut le = vec![0xFF, 0xFE];
        for u in [0x41u16, 0xD800, 0x41] {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let e = decode(&le).unwrap_err();
        assert!(e.contains("not valid UTF-16"), "{e}");
        let mut odd = vec![0xFF, 0xFE, 0x41, 0x00, 0x42];
        assert!(decode(&odd).unwrap_err().contains("odd number"));
        odd.pop();
        assert_eq!(decode(&odd).unwrap(), "A");
    }

    #[test]
    fn invalid_utf8_names_offset() {
        let b = b"abc\xff def";
        assert_eq!(decode(b).unwrap_err(), "not valid UTF-8 (byte offset 3)");
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice(b);
        assert_eq!(decode(&with_bom).unwrap_err(), "not valid UTF-8 (byte offset 6)");
        // A truncated multi-byte sequence at the end.
        assert_eq!(decode(b"ab\xc3").unwrap_err(), "not valid UTF-8 (byte offset 2)");
    }

    #[test]
    fn binary_and_empty() {
        assert_eq!(decode(b"PK\x03\x04\x00\x00rest").unwrap_err(), "binary file");
        assert_eq!(decode(b"").unwrap_err(), "empty file");
        assert_eq!(decode(b"  \n\t\r\n ").unwrap_err(), "empty file");
        assert_eq!(decode(&[0xEF, 0xBB, 0xBF]).unwrap_err(), "empty file");
        assert_eq!(decode(&[0xFF, 0xFE]).unwrap_err(), "empty file");
        // A NUL far after the first 8 KB is not "binary"; it is dropped.
        let mut late = vec![b'a'; 9000];
        late.push(0);
        late.push(b'b');
        let t = decode(&late).unwrap();
        assert!(t.ends_with("ab"));
    }

    #[test]
    fn crlf_and_lone_cr_become_lf() {
        assert_eq!(decode(b"a\r\nb\rc\n\r\nd").unwrap(), "a\nb\nc\n\nd");
        assert_eq!(normalize_newlines("x\r"), "x\n");
    }
}
