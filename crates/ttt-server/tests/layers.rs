//! The layering DESIGN.md claims, kept true: no module of the server or the
//! client imports one that imports it back, directly or around a circle
//! (issue 30: `events` and `keys` did). Read from the sources: a module's
//! imports are the `crate::` (and, inside a directory, `super::`) paths in
//! its code outside comments and tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, with its module path (`net::driver`).
fn modules(dir: &Path, prefix: &str, out: &mut BTreeMap<String, PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            modules(&path, &format!("{prefix}{name}::"), out);
        } else if let Some(stem) = name.strip_suffix(".rs") {
            let module = match stem {
                "mod" => prefix.trim_end_matches("::").to_owned(),
                "lib" | "main" => continue,
                "tests" => continue,
                stem => format!("{prefix}{stem}"),
            };
            out.insert(module, path);
        }
    }
}

/// The modules `source` (the file of module `module`) imports.
fn imports(module: &str, source: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let code: String = source
        .split("#[cfg(test)]")
        .next()
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let parent = module.rsplit_once("::").map_or("", |(parent, _)| parent);
    let mut found = BTreeSet::new();
    for (marker, base) in [
        ("crate::", String::new()),
        ("super::", format!("{parent}::")),
    ] {
        for (at, _) in code.match_indices(marker) {
            let rest = &code[at + marker.len()..];
            let path: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            // The longest known module the path starts with.
            let mut candidate = format!("{base}{path}");
            while !candidate.is_empty() {
                if known.contains(&candidate) {
                    break;
                }
                candidate = candidate
                    .rsplit_once("::")
                    .map_or(String::new(), |(head, _)| head.to_owned());
            }
            if !candidate.is_empty() && candidate != module && !module.starts_with(&candidate) {
                found.insert(candidate);
            }
        }
    }
    found
}

/// The circles in the import graph of the crate whose sources are in
/// `src`, each as the modules around it.
fn cycles(src: &Path) -> Vec<Vec<String>> {
    let mut files = BTreeMap::new();
    modules(src, "", &mut files);
    let known: BTreeSet<String> = files.keys().cloned().collect();
    let graph: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|(module, path)| {
            let source = std::fs::read_to_string(path).unwrap_or_default();
            (module.clone(), imports(module, &source, &known))
        })
        .collect();
    let mut found = BTreeSet::new();
    // Depth-first from every module, bounded by the number of modules.
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        found: &mut BTreeSet<Vec<String>>,
    ) {
        let Some(last) = path.last().cloned() else {
            return;
        };
        for next in graph.get(&last).into_iter().flatten() {
            if let Some(at) = path.iter().position(|m| m == next) {
                let mut circle = path[at..].to_vec();
                let start = (0..circle.len())
                    .min_by_key(|&i| &circle[i])
                    .unwrap_or_default();
                circle.rotate_left(start);
                found.insert(circle);
            } else if path.len() < graph.len() {
                path.push(next.clone());
                walk(graph, path, found);
                path.pop();
            }
        }
    }
    for module in graph.keys() {
        walk(&graph, &mut vec![module.clone()], &mut found);
    }
    found.into_iter().collect()
}

fn crate_src(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src")
}

/// The server's modules import one another without a circle.
#[test]
fn the_server_has_no_import_cycle() {
    let found = cycles(&crate_src("ttt-server"));
    assert!(found.is_empty(), "import cycles: {found:?}");
}

/// The client's modules import one another without a circle.
#[test]
fn the_client_has_no_import_cycle() {
    let found = cycles(&crate_src("ttt-client"));
    assert!(found.is_empty(), "import cycles: {found:?}");
}

/// The check finds a circle where there is one.
#[test]
fn a_circle_is_found() {
    let dir = std::env::temp_dir().join(format!("ttt-layers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("net")).expect("temp dir");
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).expect("write");
    write("lib.rs", "mod a; mod b; mod net;");
    write(
        "a.rs",
        "use crate::b::B;\n// crate::c in a comment is no import\n",
    );
    write(
        "b.rs",
        "use crate::net::driver;\n#[cfg(test)]\nuse crate::c;",
    );
    write("c.rs", "");
    write("net/mod.rs", "pub mod driver;");
    write("net/driver.rs", "use crate::a::A; use super::mod_free;");
    let found = cycles(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        found,
        [vec![
            "a".to_owned(),
            "b".to_owned(),
            "net::driver".to_owned()
        ]]
    );
}
