//! docs/PROTOCOL.md and this crate agree: every example and every transcript
//! line in the spec parses, and server lines are in canonical form.

use ttt_protocol::{ClientMsg, ServerMsg};

const SPEC: &str = include_str!("../../../docs/PROTOCOL.md");

/// The backticked examples in the "Example" column of a message table that
/// follows `heading`.
fn table_examples(heading: &str) -> Vec<String> {
    table_column(heading, 3)
}

/// The backticked examples in column `column` (from 1) of the table that
/// follows `heading`.
fn table_column(heading: &str, column: usize) -> Vec<String> {
    let section = SPEC.split(heading).nth(1).expect("heading in the spec");
    let mut examples = Vec::new();
    for row in section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
    {
        let example = row.split('|').nth(column).expect("example column");
        examples.extend(example.split('`').skip(1).step_by(2).map(str::to_owned));
    }
    assert!(!examples.is_empty(), "no examples under {heading}");
    examples
}

#[test]
fn client_examples_parse() {
    for example in table_examples("## Messages from the client") {
        assert!(example.parse::<ClientMsg>().is_ok(), "{example:?}");
    }
}

#[test]
fn feature_examples_parse() {
    for example in table_examples("### Feature `computer`") {
        let msg: ClientMsg = example
            .parse()
            .unwrap_or_else(|e| panic!("{example:?}: {e}"));
        assert_eq!(msg.to_string(), example);
    }
}

#[test]
fn server_examples_parse_and_are_canonical() {
    for example in table_examples("## Messages from the server") {
        let msg: ServerMsg = example
            .parse()
            .unwrap_or_else(|e| panic!("{example:?}: {e}"));
        assert_eq!(msg.to_string(), example);
    }
}

/// The version 2 table: each row's version 1 form and version 2 form parse,
/// are canonical, and are the same message but for the added fields.
#[test]
fn version_2_examples_parse_and_only_add_fields() {
    let v1 = table_column("### What changes", 2);
    let v2 = table_column("### What changes", 3);
    assert_eq!(v2.len(), 6, "{v2:?}");
    for example in v1.iter().chain(&v2) {
        let msg: ServerMsg = example
            .parse()
            .unwrap_or_else(|e| panic!("{example:?}: {e}"));
        assert_eq!(&msg.to_string(), example);
    }
    // Each version 1 form is a prefix of its version 2 form.
    for old in &v1 {
        assert!(
            v2.iter().any(|new| new.starts_with(old.as_str())),
            "{old:?}"
        );
    }
}

#[test]
fn transcript_lines_parse() {
    let mut seen = 0;
    for line in SPEC.lines() {
        if let Some(sent) = line.strip_prefix("C: ") {
            assert!(sent.parse::<ClientMsg>().is_ok(), "{sent:?}");
            seen += 1;
        } else if let Some(got) = line.strip_prefix("S: ") {
            let msg: ServerMsg = got.parse().unwrap_or_else(|e| panic!("{got:?}: {e}"));
            assert_eq!(msg.to_string(), got);
            seen += 1;
        }
    }
    assert!(
        seen > 40,
        "the spec should hold a full transcript; found {seen} lines"
    );
}

#[test]
fn stay_examples_parse_and_are_canonical() {
    let examples = table_examples("### Feature `stay`");
    assert_eq!(examples.len(), 3, "{examples:?}");
    for example in examples {
        let msg: ServerMsg = example
            .parse()
            .unwrap_or_else(|e| panic!("{example:?}: {e}"));
        assert_eq!(msg.to_string(), example);
    }
}
